import { ERROR_CODES, type ErrorCode } from './codes.js';

/** Options of a {@link RegistryError}. */
export interface RegistryErrorOptions extends ErrorOptions {
  /** Machine-readable details, sent as `detail`. */
  readonly detail?: unknown;
  /** Extra response headers, e.g. `WWW-Authenticate` on UNAUTHORIZED, `Range` on RANGE_INVALID. */
  readonly headers?: Record<string, string>;
  /** More errors of the same response, e.g. one MANIFEST_BLOB_UNKNOWN per missing digest. */
  readonly additional?: ReadonlyArray<{ readonly code: ErrorCode; readonly message: string; readonly detail?: unknown }>;
}

/**
 * An error a client is meant to see. Carries an {@link ErrorCode}, never an HTTP status: the
 * HTTP edge maps the code through the table.
 *
 * @example
 * throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} is not in ${repo}`, { detail: { digest } });
 */
export class RegistryError extends Error {
  readonly detail: unknown;
  readonly headers: Record<string, string>;
  readonly additional: NonNullable<RegistryErrorOptions['additional']>;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    options: RegistryErrorOptions = {},
  ) {
    super(message ?? ERROR_CODES[code].message, options);
    this.name = 'RegistryError';
    this.detail = options.detail;
    this.headers = options.headers ?? {};
    this.additional = options.additional ?? [];
  }
}

/** True for a {@link RegistryError} (also across copies of this module). */
export function isRegistryError(error: unknown): error is RegistryError {
  return error instanceof RegistryError || (error instanceof Error && error.name === 'RegistryError' && 'code' in error);
}
