/**
 * The response headers of an error: the HTTP form of the facts a {@link RegistryError} carries.
 * Domain code says what is true (how long to wait, how much of an upload is stored, which
 * methods an endpoint has, how to log in); this is the one place that knows which header says
 * it.
 * @module
 */
import type { RegistryError } from './registry-error.js';

/**
 * The `Range` of an upload session holding `bytes` bytes: `0-<last byte>` (Docker's form,
 * without a unit; an empty session says `0-0`).
 */
export function uploadRange(bytes: number): string {
  return `0-${Math.max(0, bytes - 1)}`;
}

/**
 * The headers an error response carries besides its body's: `Retry-After`, `Range`, `Allow`
 * and `WWW-Authenticate` from the error's facts, then the headers HTTP-edge code added.
 */
export function errorHeaders(error: RegistryError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.retryAfterSeconds);
  if (error.storedBytes !== undefined) headers.Range = uploadRange(error.storedBytes);
  if (error.allowedMethods !== undefined) headers.Allow = error.allowedMethods.join(', ');
  if (error.challenge !== undefined) headers['WWW-Authenticate'] = error.challenge;
  return { ...headers, ...error.extraHeaders };
}
