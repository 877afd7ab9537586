/**
 * One login check with the failed-login throttle around its password checks, shared by the
 * token service, the management API's and the admin API's Basic auth so that none of them is
 * a side door.
 *
 * The throttle gates password checks only, at the moment the check is about to hash: a check
 * that ends in a token match (or a wrong token, which is as hopeless to guess as it is cheap to
 * refuse) never touches it. A password check is counted as a failure when it starts (so that
 * parallel guesses cannot outrun the count) and taken back when it turns out right.
 * @module
 */
import { RegistryError } from '../errors/registry-error.js';
import type { AuthHooks, Credentials, Principal } from './principal.js';

/** What the helpers need of a throttle; {@link LoginThrottle} has it. */
export interface LoginThrottlePolicy {
  /** Milliseconds until a password may be checked for `account` from `address`; 0 now. */
  retryAfterMs(account: string, address?: string): number;
  /** Count a failed password check. */
  fail(account: string, address?: string): void;
  /** A password check succeeded: clear the name's count and take back this attempt's. */
  succeed(account: string, address?: string): void;
  /**
   * Called before each login check, before any of the methods above: a throttle whose counts
   * live elsewhere (shared by several servers, in a database) reads the latest here, so the
   * synchronous gate right before the password hash decides on them.
   */
  prepare?(account: string, address?: string): Promise<void>;
}

/** The refusal while locked: 429 `TOOMANYREQUESTS`, to retry after whole seconds. */
export function loginLockedError(waitMs: number): RegistryError {
  return new RegistryError('TOOMANYREQUESTS', 'too many failed logins; try again later', {
    retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
  });
}

/**
 * Run `check` with `passwordAttempt`, which it calls right before it checks a password.
 * @param throttle none: no throttling
 * @param account the login name as presented
 * @returns what `check` returns (`null`: wrong credentials)
 * @throws {RegistryError} `TOOMANYREQUESTS` from `passwordAttempt` while locked; whatever `check` throws
 * @example
 * const context = await guardLogin(throttle, username, address, (passwordAttempt) =>
 *   checkCredentials(username, secret, { beforePasswordCheck: passwordAttempt }));
 */
export async function guardLogin<T>(
  throttle: LoginThrottlePolicy | undefined,
  account: string,
  address: string | undefined,
  check: (passwordAttempt: () => void) => Promise<T | null> | T | null,
): Promise<T | null> {
  await throttle?.prepare?.(account, address);
  let attempted = false;
  const passwordAttempt = () => {
    if (attempted) return; // one check, one count
    const wait = throttle?.retryAfterMs(account, address) ?? 0;
    if (wait > 0) throw loginLockedError(wait);
    throttle?.fail(account, address);
    attempted = true;
  };
  const result = await check(passwordAttempt);
  if (attempted && result !== null) throttle?.succeed(account, address);
  return result;
}

/**
 * Check `credentials` through `hooks` under the throttle. Hooks without
 * {@link AuthHooks.gatesPasswords} are treated as checking a password on every call.
 * @param account the name the throttle counts under: the username, or a refresh token's subject
 * @returns the principal, or `null` when the credentials are wrong (or name no one)
 * @throws {RegistryError} `TOOMANYREQUESTS` while locked, or what the hooks throw
 */
export function authenticateThrottled<P extends Principal>(
  hooks: AuthHooks<P>,
  credentials: Credentials,
  options: { readonly throttle?: LoginThrottlePolicy | undefined; readonly account: string; readonly address?: string | undefined },
): Promise<P | null> {
  const { address } = options;
  return guardLogin(options.throttle, options.account, address, async (passwordAttempt) => {
    if (!hooks.gatesPasswords) passwordAttempt();
    const principal = await hooks.authenticate(credentials, { ...(address ? { address } : {}), passwordAttempt });
    return principal && !principal.anonymous && principal.subject ? principal : null;
  });
}
