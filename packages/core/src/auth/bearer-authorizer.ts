/**
 * The registry side of Docker's token flow: an `onAuthorize` hook that accepts requests with a
 * valid Bearer token whose `access` claim covers what the request needs, and answers every
 * other request with a 401 challenge naming the realm, the service and the scope to ask for.
 *
 * The hook never looks up users: the token is the whole decision, so the registry can run
 * apart from the token service (or with GitLab's). A request for a repository the caller may
 * not see gets the same `insufficient_scope` challenge whether the repository exists or not.
 * @module
 */
import type { AccessRequest, Authorization, AuthorizationRequest } from '../hooks.js';
import { challengeError } from './challenge.js';
import { TokenInvalidError, type TokenVerifier, type VerifiedToken } from './token-verifier.js';
import { covers } from './scope.js';

export interface BearerAuthorizerOptions {
  /** The token endpoint clients are sent to; a function to derive it from the request (e.g. its Host). */
  readonly realm: string | ((request: Request) => string);
  /** The service name, sent in the challenge and required as the tokens' audience. */
  readonly service: string;
  readonly verifier: TokenVerifier;
  /**
   * Appended to the message of an `insufficient_scope` refusal, to say how names map to
   * permissions (e.g. GitLab's path convention). A string must not depend on what exists, or it
   * would tell outsiders which repositories are there. A function is asked per refusal with the
   * token's subject, so a host can say more to a caller entitled to know it ("the container
   * registry is turned off for project team/app" to a member); it must tell nobody what they
   * may not see. `undefined` from it: no hint.
   */
  readonly deniedHint?: string | ((refusal: DeniedAccess) => string | undefined | Promise<string | undefined>);
}

/** What a {@link BearerAuthorizerOptions.deniedHint} function is told about a refusal. */
export interface DeniedAccess {
  /** The first access the token does not cover. */
  readonly access: AccessRequest;
  /** The token's subject (`''` for an anonymous token). */
  readonly subject: string;
  readonly request: Request;
}

/** What the hook passes to events as the principal. */
export interface TokenPrincipal {
  readonly subject: string;
  readonly token: VerifiedToken;
}

/** Build the hook; use it as `hooks.onAuthorize` of `createRegistry`. */
export function createBearerAuthorizer(options: BearerAuthorizerOptions): (request: AuthorizationRequest) => Promise<Authorization> {
  const realmOf = typeof options.realm === 'function' ? options.realm : () => options.realm as string;
  return async ({ request, required }) => {
    const challenge = { realm: realmOf(request), service: options.service, scopes: required };
    const token = bearerToken(request.headers.get('authorization'));
    if (token === null) throw challengeError(challenge);
    let verified: VerifiedToken;
    try {
      verified = await options.verifier.verify(token);
    } catch (error) {
      if (!(error instanceof TokenInvalidError)) throw error;
      throw challengeError({ ...challenge, error: 'invalid_token', description: error.message }, `invalid token: ${error.message}`);
    }
    const missing = required.find((a) => !covers(verified.access, a));
    if (missing) {
      const hint = typeof options.deniedHint === 'function'
        ? await options.deniedHint({ access: missing, subject: verified.subject, request })
        : options.deniedHint;
      const why = hint ? `${describe(missing)}; ${hint}` : describe(missing);
      throw challengeError({ ...challenge, error: 'insufficient_scope', description: why }, `authentication required: ${why}`);
    }
    const principal: TokenPrincipal = { subject: verified.subject, token: verified };
    return { principal, granted: verified.access };
  };
}

/** The token of `Authorization: Bearer <token>`, or null for anything else. */
function bearerToken(header: string | null): string | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i.exec(header);
  return match?.[1] ?? null;
}

function describe(access: AccessRequest): string {
  return `the token does not allow ${access.actions.join(',')} on ${access.type} ${access.name}`;
}
