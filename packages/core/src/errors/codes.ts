/**
 * The one table of error codes a client can see, with their HTTP statuses.
 *
 * The codes are those of the OCI distribution spec (spec-v1.1.1.md, "Error Codes"), Docker's
 * registry API (TAG_INVALID, MANIFEST_UNVERIFIED, PAGINATION_NUMBER_INVALID, RANGE_INVALID) and
 * a few of Wharf's own for statuses the spec names without a code (413, 414, 404 for an
 * unknown route), for the token service's malformed requests (TOKEN_REQUEST_INVALID) and the
 * management API's bad parameters (PARAMETER_INVALID). Nothing
 * else in core knows about HTTP statuses: domain code throws
 * {@link RegistryError} with a code, and the HTTP edge looks the status up here.
 * @module
 */

export const ERROR_CODES = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: { status: 400, message: 'manifest references a manifest or blob unknown to registry' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown to registry' },
  MANIFEST_UNVERIFIED: { status: 400, message: 'manifest failed signature verification' },
  MANIFEST_TOO_LARGE: { status: 413, message: 'manifest is larger than the registry accepts' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  NAME_CONFLICT: { status: 409, message: 'a repository of that name exists' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  TAG_INVALID: { status: 400, message: 'manifest tag did not match URI' },
  TOO_MANY_TAGS: { status: 414, message: 'too many tags in one request' },
  BODY_TOO_LARGE: { status: 413, message: 'request body is larger than this endpoint accepts' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'the request body must be application/json' },
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested' },
  RANGE_INVALID: { status: 416, message: 'invalid content range' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  TOKEN_REQUEST_INVALID: { status: 400, message: 'invalid token request' },
  PARAMETER_INVALID: { status: 400, message: 'invalid request parameter' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported' },
  METHOD_UNKNOWN: { status: 405, message: 'the method is not allowed for this endpoint' },
  NOT_FOUND: { status: 404, message: 'no such endpoint' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  UNAVAILABLE: { status: 503, message: 'service unavailable' },
  UNKNOWN: { status: 500, message: 'unknown error' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code from {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The HTTP status for a code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
