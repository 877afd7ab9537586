/**
 * The API's errors, in GitLab's shape: `{ "message": … }` with the HTTP status, where the
 * message starts with the status as GitLab's does (`404 Project Not Found`, `403 Forbidden`).
 * Parameter problems are 400 with `{ "error": … }` naming the parameter, like Grape's
 * validation errors (`keep_n is invalid`); both keys are set there, so clients that read
 * either find the text.
 * @module
 */

/** The statuses the API answers errors with. */
export type ApiErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

/** An error the API answers with `status` and a JSON body. */
export class ApiError extends Error {
  constructor(
    readonly status: ApiErrorStatus,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Set for parameter problems: the body also carries `error`. */
    readonly parameterError = false,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The JSON body GitLab sends for this error. */
  body(): Record<string, string> {
    return this.parameterError ? { error: this.message, message: this.message } : { message: this.message };
  }
}

/** `404 <Thing> Not Found`, as GitLab names missing resources (`404 Project Not Found`). */
export function notFound(thing: string): ApiError {
  return new ApiError(404, `404 ${thing} Not Found`);
}

/** `403 Forbidden`, optionally with GitLab's ` - <reason>` suffix. */
export function forbidden(reason?: string): ApiError {
  return new ApiError(403, reason ? `403 Forbidden - ${reason}` : '403 Forbidden');
}

/** `401 Unauthorized`. */
export function unauthorized(reason?: string): ApiError {
  return new ApiError(401, reason ? `401 Unauthorized - ${reason}` : '401 Unauthorized');
}

/** A parameter is missing or invalid: 400 `{ "error": "<param> is invalid" }`. */
export function badParameter(message: string): ApiError {
  return new ApiError(400, message, {}, true);
}

/** `400 Bad request - <reason>` (a request GitLab understands but refuses). */
export function badRequest(reason: string): ApiError {
  return new ApiError(400, `400 Bad request - ${reason}`);
}

/** `409 Conflict`-style refusals carry GitLab's wording as given. */
export function conflict(message: string): ApiError {
  return new ApiError(409, message);
}
