/**
 * The Bearer challenge of Docker's token flow (auth-token.md): a 401 whose `WWW-Authenticate`
 * tells the client where to get a token and for which scope.
 * @module
 */
import { RegistryError } from '../errors/registry-error.js';
import type { AccessRequest } from '../hooks.js';
import { formatScope } from './scope.js';

/** Why a request with a token is refused (RFC 6750 §3.1). */
export type ChallengeError = 'invalid_token' | 'insufficient_scope';

export interface ChallengeOptions {
  readonly realm: string;
  readonly service: string;
  /** The access the request needs; becomes the `scope` parameter. */
  readonly scopes?: readonly AccessRequest[];
  readonly error?: ChallengeError;
  /** Human-readable reason, sent as `error_description` (docker prints it). */
  readonly description?: string;
}

/** `Bearer realm="…",service="…",scope="…"[,error="…"]`. */
export function bearerChallenge(options: ChallengeOptions): string {
  const params: [string, string][] = [
    ['realm', options.realm],
    ['service', options.service],
  ];
  if (options.scopes && options.scopes.length > 0) params.push(['scope', options.scopes.map(formatScope).join(' ')]);
  if (options.error) params.push(['error', options.error]);
  if (options.description) params.push(['error_description', options.description]);
  return `Bearer ${params.map(([k, v]) => `${k}=${quote(v)}`).join(',')}`;
}

/**
 * The 401 UNAUTHORIZED to throw from an authorization hook. Docker reads the challenge, asks
 * the realm for a token with the scope, and retries.
 */
export function challengeError(options: ChallengeOptions, message = 'authentication required'): RegistryError {
  const detail = options.scopes?.map((s) => ({ Type: s.type, Name: s.name, Action: s.actions.join(',') }));
  return new RegistryError('UNAUTHORIZED', message, {
    challenge: bearerChallenge(options),
    ...(detail && detail.length > 0 ? { detail } : {}),
  });
}

/** A quoted-string (RFC 9110 §5.6.4): backslash-escape `"` and `\`, drop control characters. */
function quote(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return `"${value.replace(/[\u0000-\u001f\u007f]/g, '').replace(/["\\]/g, '\\$&')}"`;
}
