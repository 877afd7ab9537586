import { ERROR_CODES, type ErrorCode } from './codes.js';

/**
 * What an error says besides its code and message, as facts: the HTTP edge turns them into
 * headers (http-headers.ts), other callers (a CLI, a job) read them as they are.
 */
export interface ErrorFacts {
  /** Seconds after which the request may succeed (TOOMANYREQUESTS, UNAVAILABLE). */
  readonly retryAfterSeconds?: number;
  /** Bytes of the upload session stored so far: where the next chunk must start (RANGE_INVALID). */
  readonly storedBytes?: number;
  /** The methods the endpoint has (METHOD_UNKNOWN). */
  readonly allowedMethods?: readonly string[];
  /** How to authenticate (UNAUTHORIZED): a challenge, e.g. `Bearer realm="…",service="…"`. */
  readonly challenge?: string;
}

/** Options of a {@link RegistryError}. */
export interface RegistryErrorOptions extends ErrorOptions, ErrorFacts {
  /** Machine-readable details, sent as `detail`. */
  readonly detail?: unknown;
  /**
   * Response headers added by HTTP-edge code (a route's `Location`, a host's own header).
   * Domain code states facts instead ({@link ErrorFacts}).
   */
  readonly headers?: Record<string, string>;
  /** More errors of the same response, e.g. one MANIFEST_BLOB_UNKNOWN per missing digest. */
  readonly additional?: ReadonlyArray<{ readonly code: ErrorCode; readonly message: string; readonly detail?: unknown }>;
}

/**
 * An error a client is meant to see. Carries an {@link ErrorCode} and facts, never an HTTP
 * status or header: the HTTP edge maps the code through the table and the facts to headers
 * (`toResponse`).
 *
 * @example
 * throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} is not in ${repo}`, { detail: { digest } });
 * throw new RegistryError('UNAVAILABLE', 'a garbage collection is running', { retryAfterSeconds: 60 });
 */
export class RegistryError extends Error implements ErrorFacts {
  readonly detail: unknown;
  readonly additional: NonNullable<RegistryErrorOptions['additional']>;
  readonly retryAfterSeconds: number | undefined;
  readonly storedBytes: number | undefined;
  readonly allowedMethods: readonly string[] | undefined;
  readonly challenge: string | undefined;
  /** Headers added by HTTP-edge code (see {@link RegistryErrorOptions.headers}); edge code may add more. */
  readonly extraHeaders: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    options: RegistryErrorOptions = {},
  ) {
    super(message ?? ERROR_CODES[code].message, options);
    this.name = 'RegistryError';
    this.detail = options.detail;
    this.additional = options.additional ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.storedBytes = options.storedBytes;
    this.allowedMethods = options.allowedMethods;
    this.challenge = options.challenge;
    this.extraHeaders = { ...options.headers };
  }
}

/** True for a {@link RegistryError} (also across copies of this module). */
export function isRegistryError(error: unknown): error is RegistryError {
  return error instanceof RegistryError || (error instanceof Error && error.name === 'RegistryError' && 'code' in error);
}
