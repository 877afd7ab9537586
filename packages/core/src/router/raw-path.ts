/**
 * Checks on the request target as the client sent it, before a URL parser normalises it.
 *
 * WHATWG URL parsing (which `Request` applies) resolves `.` and `..` segments, also written as
 * `%2e`: `/v2/team/../admin/manifests/x` arrives in the app as `/v2/admin/manifests/x`. That is
 * consistent (authorization and handlers see the same name) but it hides a path trick the
 * client should be told about, and a registry name never has such segments. Adapters call
 * {@link rawTargetProblem} with the raw target and answer the error it returns themselves.
 * @module
 */
import { RegistryError } from '../errors/registry-error.js';

/** A `.` or `..` path segment, literally or percent-encoded. */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/**
 * Why a raw request target (`/v2/…?query`) must be refused, or `null` when it is fine.
 * @returns NAME_INVALID for a `/v2/` path with a relative segment, NOT_FOUND for any other path.
 */
export function rawTargetProblem(target: string): RegistryError | null {
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  if (!DOT_SEGMENT.test(path)) return null;
  if (path.startsWith('/v2/')) {
    return new RegistryError('NAME_INVALID', 'invalid repository name: the path has a relative segment ("." or "..", maybe percent-encoded), which is not allowed', {
      detail: { path: path.slice(0, 300) },
    });
  }
  return new RegistryError('NOT_FOUND', 'the path has a relative segment ("." or ".."), which is not allowed');
}
