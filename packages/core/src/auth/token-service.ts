/**
 * The token service of Docker's token flow (auth-token.md, auth-oauth.md): the realm a client
 * is sent to by the registry's 401 challenge. It checks credentials through the host's
 * {@link AuthHooks}, asks what the principal may do, and signs a short-lived JWT holding the
 * intersection of what was asked and what is allowed — never more.
 *
 * Routes of its Hono app (the host mounts it, e.g. `app.route('/auth', service.app)`):
 * - `GET /token`: Basic credentials (or none: anonymous), `service`, repeated `scope`,
 *   `offline_token=true` for a refresh token, `account` and `client_id` (informational);
 * - `POST /token`: OAuth2 form, `grant_type=password` or `grant_type=refresh_token`; the body
 *   may arrive chunked, without Content-Length (podman and skopeo send it so), and is cut off
 *   at {@link TOKEN_FORM_MAX_BYTES} while it streams (413 `BODY_TOO_LARGE`);
 * - `GET /jwks`: the public keys, for registries verifying elsewhere.
 *
 * Refresh tokens are JWTs too, signed by the same ring, with an audience no registry accepts
 * (`wharf-refresh:<service>`) and `token_use: "refresh"`. Each use sends the subject and session
 * back through `authenticate`, so the host can refuse a revoked credential.
 *
 * Failed logins go through the {@link LoginThrottle} (throttled-login.ts): 429 with
 * `Retry-After` while a login name or an address is locked for passwords.
 * @module
 */
import { Hono, type Context } from 'hono';
import { jwtVerify, SignJWT } from 'jose';
import { ulid } from 'ulid';
import { toResponse } from '../errors/serialize.js';
import { RegistryError } from '../errors/registry-error.js';
import type { AccessRequest } from '../hooks.js';
import { fromUtf8, readLimited } from '../streams.js';
import type { KeyRing } from './key-ring.js';
import { LoginThrottle } from './login-throttle.js';
import { ANONYMOUS, type AuthHooks, type Credentials, type Principal } from './principal.js';
import { intersectAccess, parseScopes } from './scope.js';
import { authenticateThrottled, type LoginThrottlePolicy } from './throttled-login.js';

export interface TokenServiceOptions<P extends Principal> {
  /** `iss` of the tokens; registries verifying them must accept it. */
  readonly issuer: string;
  /** The registry's service name: the only `service` accepted, and the tokens' `aud`. */
  readonly service: string;
  readonly keys: KeyRing;
  readonly hooks: AuthHooks<P>;
  /** Access token lifetime in seconds (default 300, as Distribution's token servers). */
  readonly tokenTtlSeconds?: number;
  /** Refresh token lifetime in seconds (default 30 days). */
  readonly refreshTtlSeconds?: number;
  /**
   * Failed-login throttle (default: a {@link LoginThrottle} with its default policy); `false`
   * for none. Share one with every other place that checks passwords (the admin API).
   */
  readonly throttle?: LoginThrottlePolicy | false;
  /**
   * The client's address, for the throttle: from the serving adapter's `getConnInfo(c)`
   * (`@wharf/adapter-node` and `@wharf/adapter-bun` export one). Without it failed passwords
   * count per login name only.
   */
  readonly clientAddress?: ClientAddress;
  readonly now?: () => Date;
}

/**
 * A request's client address, for failed-login throttles; undefined when unknown. Core reads no
 * socket: the host passes its runtime adapter's, e.g.
 * `(c) => getConnInfo(c).remote.address` with `getConnInfo` from `@wharf/adapter-node`.
 */
export type ClientAddress = (c: Context) => string | undefined;

/** The JSON answer of the token endpoint. */
export interface TokenResponse {
  readonly token: string;
  readonly access_token: string;
  readonly expires_in: number;
  readonly issued_at: string;
  readonly refresh_token?: string;
}

export interface TokenService<P extends Principal> {
  /** Routes `/token` and `/jwks`; see the module doc. */
  readonly app: Hono;
  /**
   * Issue a token for `principal` directly (no credentials checked): for hosts that
   * authenticate their own way, and for tests.
   */
  issue(principal: P | typeof ANONYMOUS, requested: readonly AccessRequest[], options?: { offline?: boolean }): Promise<TokenResponse>;
}

/**
 * Largest POST body accepted (413 `BODY_TOO_LARGE` beyond, counted while it streams): a form
 * with a few scopes and a refresh token fits many times over.
 */
export const TOKEN_FORM_MAX_BYTES = 64 * 1024;

export function createTokenService<P extends Principal>(options: TokenServiceOptions<P>): TokenService<P> {
  const ttl = options.tokenTtlSeconds ?? 300;
  const refreshTtl = options.refreshTtlSeconds ?? 30 * 86_400;
  const throttle = options.throttle === false ? undefined : (options.throttle ?? new LoginThrottle());
  const now = options.now ?? (() => new Date());
  const refreshAudience = `wharf-refresh:${options.service}`;
  const addressOf: ClientAddress = options.clientAddress ?? (() => undefined);

  async function sign(claims: Record<string, unknown>, subject: string, audience: string, lifetime: number, issuedAt: Date): Promise<string> {
    const { kid, alg, privateKey } = options.keys.current;
    const iat = Math.floor(issuedAt.getTime() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setIssuer(options.issuer)
      .setSubject(subject)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + lifetime)
      .setJti(ulid())
      .sign(privateKey);
  }

  async function issue(principal: P | typeof ANONYMOUS, requested: readonly AccessRequest[], issueOptions: { offline?: boolean; refreshToken?: string } = {}): Promise<TokenResponse> {
    const allowed = requested.length === 0 ? [] : await options.hooks.authorize(principal as P, requested);
    const access = intersectAccess(requested, allowed);
    const issuedAt = now();
    const token = await sign({ access }, principal.subject, options.service, ttl, issuedAt);
    let refresh = issueOptions.refreshToken;
    if (!refresh && issueOptions.offline && !principal.anonymous) {
      const session = typeof principal.session === 'string' ? { sid: principal.session } : {};
      refresh = await sign({ token_use: 'refresh', ...session }, principal.subject, refreshAudience, refreshTtl, issuedAt);
    }
    return {
      token,
      access_token: token,
      expires_in: ttl,
      issued_at: issuedAt.toISOString(),
      ...(refresh ? { refresh_token: refresh } : {}),
    };
  }

  /**
   * Check credentials, with the throttle around their password checks (throttled-login.ts).
   * @throws RegistryError UNAUTHORIZED, or TOOMANYREQUESTS while locked or while the host's password hashing is saturated
   */
  async function authenticate(credentials: Credentials, account: string, address: string | undefined): Promise<P> {
    const principal = await authenticateThrottled(options.hooks, credentials, { throttle, account, address });
    if (!principal) {
      throw new RegistryError('UNAUTHORIZED', credentials.kind === 'refresh' ? 'the refresh token is no longer valid' : 'incorrect username or password', {
        challenge: 'Basic realm="wharf", charset="UTF-8"',
      });
    }
    return principal;
  }

  /** Verify a refresh token and turn it into refresh credentials. */
  async function refreshCredentials(token: string, clientId: string | undefined): Promise<Credentials> {
    try {
      const { payload } = await jwtVerify(token, (header) => keyFor(options.keys, header.kid), {
        issuer: options.issuer,
        audience: refreshAudience,
        algorithms: ['ES256', 'RS256', 'EdDSA'],
        requiredClaims: ['exp', 'sub'],
      });
      if (payload.token_use !== 'refresh' || typeof payload.sub !== 'string') throw new Error('not a refresh token');
      return {
        kind: 'refresh',
        subject: payload.sub,
        ...(typeof payload.sid === 'string' ? { session: payload.sid } : {}),
        ...(clientId ? { clientId } : {}),
      };
    } catch {
      throw new RegistryError('UNAUTHORIZED', 'the refresh token is invalid or expired');
    }
  }

  function checkService(service: string | undefined): void {
    if (service !== undefined && service !== '' && service !== options.service) {
      throw new RegistryError('TOKEN_REQUEST_INVALID', `unknown service ${JSON.stringify(service.slice(0, 100))}; this token service issues tokens for ${JSON.stringify(options.service)}`);
    }
  }

  async function getToken(c: Context): Promise<Response> {
    const url = new URL(c.req.url);
    const q = url.searchParams;
    checkService(q.get('service') ?? undefined);
    const requested = parseScopes(q.getAll('scope'));
    const basic = parseBasic(c.req.header('authorization'));
    if (basic === 'malformed') throw new RegistryError('UNAUTHORIZED', 'malformed Basic credentials');
    const clientId = q.get('client_id') ?? undefined;
    const principal = basic
      ? await authenticate({ kind: 'password', ...basic, ...(clientId ? { clientId } : {}) }, basic.username, addressOf(c))
      : ANONYMOUS;
    return json(await issue(principal, requested, { offline: q.get('offline_token') === 'true' }));
  }

  async function postToken(c: Context): Promise<Response> {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      await c.req.raw.body?.cancel().catch(() => {});
      throw new RegistryError('TOKEN_REQUEST_INVALID', 'the token request must be an application/x-www-form-urlencoded form');
    }
    const tooLarge = () => new RegistryError('BODY_TOO_LARGE', `the form is larger than ${TOKEN_FORM_MAX_BYTES} bytes`);
    if (Number(c.req.header('content-length') ?? 0) > TOKEN_FORM_MAX_BYTES) {
      await c.req.raw.body?.cancel().catch(() => {});
      throw tooLarge();
    }
    const body = await readLimited(c.req.raw.body, TOKEN_FORM_MAX_BYTES);
    if (body === null) throw tooLarge();
    const form = new URLSearchParams(fromUtf8(body));
    checkService(form.get('service') ?? undefined);
    const requested = parseScopes(form.getAll('scope'));
    const clientId = form.get('client_id') ?? undefined;
    const address = addressOf(c);
    switch (form.get('grant_type')) {
      case 'password': {
        const username = form.get('username');
        const password = form.get('password');
        if (!username || password === null) throw new RegistryError('TOKEN_REQUEST_INVALID', 'grant_type=password needs username and password');
        const principal = await authenticate({ kind: 'password', username, password, ...(clientId ? { clientId } : {}) }, username, address);
        return json(await issue(principal, requested, { offline: form.get('access_type') === 'offline' }));
      }
      case 'refresh_token': {
        const token = form.get('refresh_token');
        if (!token) throw new RegistryError('TOKEN_REQUEST_INVALID', 'grant_type=refresh_token needs refresh_token');
        const credentials = await refreshCredentials(token, clientId);
        const principal = await authenticate(credentials, credentials.kind === 'refresh' ? credentials.subject : '', address);
        // The same refresh token goes back: docker keeps the one it got at login.
        return json(await issue(principal, requested, { refreshToken: token }));
      }
      default:
        throw new RegistryError('TOKEN_REQUEST_INVALID', 'grant_type must be password or refresh_token');
    }
  }

  const app = new Hono();
  const guarded = (handler: (c: Context) => Promise<Response>) => async (c: Context) => {
    try {
      return await handler(c);
    } catch (error) {
      // A client that left mid-request (its body aborted) is no server error: the access log has its line.
      if (!(error instanceof RegistryError) && !c.req.raw.signal.aborted) console.error('wharf token service: unexpected error', error);
      // The registry's `{"errors": [...]}` (docker prints its message), plus OAuth's fields for OAuth clients.
      return toResponse(error, 'GET', { oauth: true });
    }
  };
  app.get('/token', guarded(getToken));
  app.post('/token', guarded(postToken));
  app.get('/jwks', (c) => c.json(options.keys.jwks(), 200, { 'Cache-Control': 'max-age=300' }));
  return { app, issue: (principal, requested, o) => issue(principal, requested, o) };
}

function keyFor(ring: KeyRing, kid: string | undefined) {
  const key = ring.publicKeys.find((k) => k.kid === kid);
  if (!key) throw new Error('unknown key');
  return key.key;
}

/** `{ username, password }` from a Basic header; null when absent; 'malformed' when unreadable. */
function parseBasic(header: string | undefined): { username: string; password: string } | null | 'malformed' {
  if (!header) return null;
  const match = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
  if (!match?.[1]) return /^Basic\b/i.test(header) ? 'malformed' : null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function json(body: TokenResponse): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
  });
}
