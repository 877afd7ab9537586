/**
 * Verification of registry tokens (Docker's auth-jwt.md): a JWT signed by a token service,
 * whose `access` claim lists what it allows.
 *
 * Keys come from this process's {@link KeyRing}, from a fixed set (JWKs, or PEM public keys
 * and certificates, as GitLab's registry is configured), or from a JWKS URL, so a token server
 * elsewhere (GitLab's, say) works without Wharf's own. Only asymmetric algorithms are accepted:
 * `alg: none` and HMAC tokens are refused before any key is tried, which closes the classic
 * "HS256 signed with the public key as secret" confusion.
 * @module
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, importJWK, jwtVerify, type CryptoKey, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { AccessRequest } from '../hooks.js';
import { KeyRing } from './key-ring.js';
import { parseScope } from './scope.js';

/** Asymmetric algorithms only. */
export const DEFAULT_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'] as const;

export interface TokenVerifierOptions {
  /** Accepted `iss` value(s). */
  readonly issuer: string | readonly string[];
  /** This registry's service name: the required `aud`. */
  readonly service: string;
  /** Verification keys: a ring (its current keys, read at each verification), a JWKS, or PEM public keys / certificates. */
  readonly keys?: KeyRing | { readonly keys: readonly JWK[] } | readonly string[];
  /** Fetch keys from this JWKS URL (cached; refetched when an unknown `kid` shows up). */
  readonly jwksUrl?: string | URL;
  /** Accepted algorithms (default {@link DEFAULT_ALGORITHMS}); symmetric ones are refused anyway. */
  readonly algorithms?: readonly string[];
  /** Allowed clock difference for `exp` and `nbf`, in seconds (default 30). */
  readonly clockToleranceSeconds?: number;
}

/** What a valid token says. */
export interface VerifiedToken {
  /** `sub`; empty for anonymous tokens. */
  readonly subject: string;
  /** The `access` claim, restricted to resources and actions this registry knows. */
  readonly access: AccessRequest[];
  readonly claims: JWTPayload;
}

/** Why a token was refused; the message is safe to show the client. */
export class TokenInvalidError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TokenInvalidError';
  }
}

export interface TokenVerifier {
  /** @throws TokenInvalidError */
  verify(token: string): Promise<VerifiedToken>;
}

const accessClaim = z
  .array(z.object({ type: z.string(), name: z.string(), actions: z.array(z.string()) }).passthrough())
  .max(1000);

type VerifyKey = CryptoKey | KeyObject;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const algorithms = (options.algorithms ?? DEFAULT_ALGORITHMS).filter((a) => !/^(HS|none)/i.test(a));
  const ring = options.keys instanceof KeyRing ? options.keys : undefined;
  // A ring is read at each verification, so a rotation is seen at once; other keys load once.
  if (options.keys && !ring && !Array.isArray(options.keys) && (options.keys as { keys: readonly JWK[] }).keys.some((k) => k.d || k.kty === 'oct')) {
    throw new Error('createTokenVerifier: verification keys must be public keys');
  }
  const fixedKeys = ring ? undefined : loadFixedKeys(options.keys as Exclude<TokenVerifierOptions['keys'], KeyRing>);
  // A key that fails to load fails every verification (below); it must not also crash the process.
  fixedKeys?.catch(() => {});
  const remote = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  if (!options.keys && !remote) throw new Error('createTokenVerifier: give keys or jwksUrl');
  const verifyOptions = {
    issuer: typeof options.issuer === 'string' ? options.issuer : [...options.issuer],
    audience: options.service,
    algorithms,
    clockTolerance: options.clockToleranceSeconds ?? 30,
    requiredClaims: ['exp'],
  };

  return {
    async verify(token: string): Promise<VerifiedToken> {
      const header = decodeHeader(token);
      const alg = header.alg;
      if (typeof alg !== 'string' || !algorithms.includes(alg)) {
        throw new TokenInvalidError(`token algorithm ${JSON.stringify(alg)} is not accepted`);
      }
      const keys = ring ? ringKeys(ring) : await (fixedKeys as Promise<LoadedVerifyKey[]>);
      // Keys are tried by kid when the token names a known one; otherwise every key of the
      // right type (GitLab's tokens carry a libtrust kid that no JWK thumbprint matches).
      const kidKnown = header.kid !== undefined && keys.some((k) => k.kid === header.kid);
      const attempts: Array<VerifyKey | JWTVerifyGetKey> = keys
        .filter((k) => keyTypeFits(k.type, alg) && (!kidKnown || k.kid === header.kid))
        .map((k) => k.key);
      if (remote) attempts.push(remote);
      let lastError: unknown = new TokenInvalidError('no key matches the token');
      for (const key of attempts) {
        try {
          // Two calls because jwtVerify's overloads differ for a key and a key function.
          const { payload } = typeof key === 'function' ? await jwtVerify(token, key, verifyOptions) : await jwtVerify(token, key, verifyOptions);
          return { subject: typeof payload.sub === 'string' ? payload.sub : '', access: readAccess(payload.access), claims: payload };
        } catch (error) {
          lastError = error;
          // A failed signature may just be the wrong key of several; anything else is final.
          if (!(error instanceof joseErrors.JWSSignatureVerificationFailed) && !(error instanceof joseErrors.JWKSNoMatchingKey)) break;
        }
      }
      throw explain(lastError);
    },
  };
}

interface TokenHeader {
  readonly alg?: unknown;
  readonly kid?: string;
}

interface LoadedVerifyKey {
  readonly key: VerifyKey;
  readonly kid?: string;
  /** `EC`, `RSA` or `OKP`. */
  readonly type: string;
}

function decodeHeader(token: string): TokenHeader {
  const first = token.split('.')[0] ?? '';
  try {
    const header = JSON.parse(Buffer.from(first, 'base64url').toString('utf8')) as unknown;
    if (header && typeof header === 'object') {
      const h = header as Record<string, unknown>;
      return { alg: h.alg, ...(typeof h.kid === 'string' ? { kid: h.kid } : {}) };
    }
  } catch {
    // fall through
  }
  throw new TokenInvalidError('the token is not a JWT');
}

function keyTypeFits(type: string, alg: string): boolean {
  if (alg.startsWith('ES')) return type === 'EC';
  if (alg.startsWith('RS') || alg.startsWith('PS')) return type === 'RSA';
  if (alg === 'EdDSA') return type === 'OKP';
  return false;
}

function ringKeys(ring: KeyRing): LoadedVerifyKey[] {
  return ring.publicKeys.map((k) => ({ key: k.key, kid: k.kid, type: String(k.jwk.kty) }));
}

async function loadFixedKeys(keys: Exclude<TokenVerifierOptions['keys'], KeyRing>): Promise<LoadedVerifyKey[]> {
  if (!keys) return [];
  if ('keys' in keys && !Array.isArray(keys)) {
    const out: LoadedVerifyKey[] = [];
    for (const jwk of (keys as { keys: readonly JWK[] }).keys) {
      const alg = jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : jwk.kty === 'OKP' ? 'EdDSA' : 'RS256');
      out.push({ key: (await importJWK(jwk, alg)) as CryptoKey, ...(jwk.kid ? { kid: jwk.kid } : {}), type: String(jwk.kty) });
    }
    return out;
  }
  return (keys as readonly string[]).map((pem) => {
    const key = createPublicKey(pem);
    const type = key.asymmetricKeyType === 'ec' ? 'EC' : key.asymmetricKeyType === 'ed25519' ? 'OKP' : 'RSA';
    return { key, type };
  });
}

function readAccess(claim: unknown): AccessRequest[] {
  if (claim === undefined) return [];
  const parsed = accessClaim.safeParse(claim);
  if (!parsed.success) throw new TokenInvalidError('the token has a malformed access claim');
  const out: AccessRequest[] = [];
  for (const entry of parsed.data) {
    const actions = entry.actions.filter((a) => ['pull', 'push', 'delete', '*'].includes(a));
    if (actions.length === 0) continue;
    const scope = parseScope(`${entry.type}:${entry.name}:${actions.join(',')}`);
    if (scope) out.push(scope);
  }
  return out;
}

function explain(error: unknown): TokenInvalidError {
  if (error instanceof TokenInvalidError) return error;
  if (error instanceof joseErrors.JWTExpired) return new TokenInvalidError('the token has expired', { cause: error });
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const claim = error.claim;
    if (claim === 'nbf') return new TokenInvalidError('the token is not valid yet', { cause: error });
    if (claim === 'iss') return new TokenInvalidError('the token was issued by an unknown issuer', { cause: error });
    if (claim === 'aud') return new TokenInvalidError('the token is for another service', { cause: error });
    return new TokenInvalidError(`the token's ${claim} claim is invalid`, { cause: error });
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new TokenInvalidError('the token algorithm is not accepted', { cause: error });
  return new TokenInvalidError('the token signature is invalid', { cause: error });
}
