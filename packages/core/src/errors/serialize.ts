import { ERROR_CODES } from './codes.js';
import { isRegistryError, RegistryError } from './registry-error.js';

/** The JSON body every error response has. */
export interface ErrorBody {
  errors: Array<{ code: string; message: string; detail?: unknown }>;
}

/**
 * Turn any thrown value into an error response. A {@link RegistryError} keeps its code,
 * message and headers; anything else becomes a 500 `UNKNOWN` whose message reveals nothing
 * about the cause (it is reported through `onError` instead).
 * @param method HEAD responses get the headers and no body.
 */
export function errorResponse(error: unknown, method = 'GET'): Response {
  const e = isRegistryError(error) ? error : new RegistryError('UNKNOWN', 'internal server error');
  const body: ErrorBody = {
    errors: [e, ...(e.additional ?? [])].map((x) => ({
      code: x.code,
      message: x.message,
      ...(x.detail === undefined ? {} : { detail: x.detail }),
    })),
  };
  const text = JSON.stringify(body);
  const headers = new Headers(e.headers);
  headers.set('Content-Type', 'application/json; charset=utf-8');
  headers.set('Content-Length', String(Buffer.byteLength(text)));
  return new Response(method === 'HEAD' ? null : text, { status: ERROR_CODES[e.code].status, headers });
}
