/**
 * Who is calling, and the two hooks a host implements to plug its own users in: one that
 * checks credentials, one that decides what a principal may do. The token service
 * ({@link createTokenService}) calls them; nothing else in core knows about users.
 * @module
 */
import type { AccessRequest } from '../hooks.js';

/** An authenticated caller, or the anonymous one. */
export interface Principal {
  /**
   * Stable identifier, written to the token's `sub` claim and matched when a refresh token is
   * used. Empty for the anonymous principal.
   */
  readonly subject: string;
  /** True only for {@link ANONYMOUS}: a request that carried no credentials. */
  readonly anonymous?: boolean;
  /**
   * Identifies the credential this principal logged in with (a personal access token's id,
   * a job's id, …). It is written into refresh tokens, and the `refresh` credentials carry it
   * back, so a host can refuse a refresh once that credential is revoked or expired.
   */
  readonly session?: string;
  /** Anything else the host wants to carry to `authorize` (ids, roles, token scopes). */
  readonly [extra: string]: unknown;
}

/** The principal of requests without credentials. */
export const ANONYMOUS: Principal = Object.freeze({ subject: '', anonymous: true });

/** What a client presented to the token service. */
export type Credentials =
  /** Basic auth on GET, or `grant_type=password` on POST. */
  | { readonly kind: 'password'; readonly username: string; readonly password: string; readonly clientId?: string }
  /**
   * A verified refresh token (`grant_type=refresh_token`): the signature, expiry and audience
   * are checked already; the host decides whether `subject` and `session` are still valid.
   */
  | { readonly kind: 'refresh'; readonly subject: string; readonly session?: string; readonly clientId?: string };

/** What the token service passes to {@link AuthHooks.authenticate} besides the credentials. */
export interface AuthenticateContext {
  /** The client's address, when the runtime tells it. */
  readonly address?: string;
  /**
   * Call right before checking a password: after the checks of tokens (long random secrets,
   * which cannot be guessed and need no slow hash), before the slow hash. It throws a
   * `RegistryError` `TOOMANYREQUESTS` (with `Retry-After`) while the login name or the address
   * is locked for passwords; otherwise the check counts towards the failed-login throttle
   * unless it succeeds. Hooks that call it set {@link AuthHooks.gatesPasswords}.
   */
  passwordAttempt(): void;
}

/** The hooks of {@link createTokenService}. Both may be async. */
export interface AuthHooks<P extends Principal = Principal> {
  /**
   * Check credentials. Return the principal, or `null` when they are wrong (the client gets
   * 401). Compare secrets in constant time (`node:crypto` `timingSafeEqual`). Without
   * {@link gatesPasswords} every call counts towards the failed-login throttle and none is
   * made while the name is locked.
   */
  authenticate(credentials: Credentials, context?: AuthenticateContext): Promise<P | null> | P | null;
  /**
   * True when `authenticate` calls `context.passwordAttempt()` before every password check.
   * The throttle then counts password checks only: a valid token still logs in while its login
   * name (`gitlab-ci-token`, a deploy token's username) is locked for passwords, and failed
   * token checks lock nothing.
   */
  readonly gatesPasswords?: boolean;
  /**
   * Decide what `principal` (possibly {@link ANONYMOUS}) may do among `requested`. Return the
   * granted access; the token service keeps only what was requested, so answering more is
   * harmless and never widens a token.
   */
  authorize(principal: P, requested: readonly AccessRequest[]): Promise<readonly AccessRequest[]> | readonly AccessRequest[];
}
