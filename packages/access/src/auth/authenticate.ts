/**
 * `authenticate`: credentials → principal, in GitLab's order for a registry login:
 *
 * 1. username `gitlab-ci-token` (or `wharf-ci-token`) and a running job's token;
 * 2. a deploy token's username and secret;
 * 3. a user's username and one of their personal access tokens;
 * 4. a user's username and password (refused for users with 2FA, blocked or without a password).
 *
 * Token secrets are looked up by sha256 and the stored hash is compared in constant time; that
 * costs no scrypt, so tokens are checked first. Only step 4 hashes, and only for secrets that do
 * not have a token's shape (a wrong or revoked token is refused without hashing, whatever the
 * username). Step 4 runs scrypt against a dummy hash when the username does not exist, so
 * response times do not reveal which usernames exist, and it goes through the bounded
 * {@link PasswordQueue}. Right before it hashes, it calls the login throttle's gate
 * (`beforePasswordCheck`), so a throttle counts and locks password checks only: a valid token
 * logs in while its name is locked for passwords. Failure is always a bare `null`: the caller
 * never learns which part was wrong.
 * @module
 */
import type { Credentials } from '@wharf/core';
import type { AccessState } from '../model/access-state.js';
import { CI_USERNAMES } from '../model/names.js';
import {
  type CredentialContext,
  credentialContext,
  passwordLoginAllowed,
  principalOf,
  usableDeployToken,
  usableJob,
  usablePersonalAccessToken,
} from './credential-context.js';
import { verifyPassword } from './password.js';
import type { PasswordQueue } from './password-queue.js';
import type { AccessPrincipal } from './principal.js';
import { hashToken, looksLikeTokenSecret, sameTokenHash } from './secrets.js';

/** What authentication reads: the state, the clock, the cost of the dummy password hash. */
export interface AuthenticationInput {
  readonly state: AccessState;
  readonly now: Date;
  readonly passwordCost: number;
  /** Where password hashes queue (default the process's shared queue). */
  readonly passwords?: PasswordQueue;
  /**
   * Called right before a password is hashed (core's `passwordAttempt`, the login throttle's
   * gate); it may throw to refuse. Not called for token checks.
   */
  readonly beforePasswordCheck?: () => void;
}

/**
 * Which credential a username and secret are, or `null`. Exposed for the admin API's Basic auth.
 * @throws {PasswordQueueFullError} when password hashing is saturated, or what `beforePasswordCheck` throws
 */
export async function checkPasswordCredentials(
  input: AuthenticationInput,
  username: string,
  secret: string,
): Promise<CredentialContext | null> {
  const { state, now } = input;
  const login = username.toLowerCase();
  const hash = hashToken(secret);

  if (CI_USERNAMES.includes(login)) {
    const job = state.jobByHash(hash);
    const user = job && sameTokenHash(job.tokenHash, hash) ? usableJob(state, job, now) : null;
    return job && user ? { kind: 'job', user, job } : null;
  }

  const deployToken = state.deployTokenByHash(hash);
  if (
    deployToken &&
    sameTokenHash(deployToken.tokenHash, hash) &&
    deployToken.username.toLowerCase() === login &&
    usableDeployToken(state, deployToken, now)
  ) {
    return { kind: 'deploy-token', token: deployToken };
  }

  const pat = state.personalAccessTokenByHash(hash);
  if (pat && sameTokenHash(pat.tokenHash, hash)) {
    const owner = usablePersonalAccessToken(state, pat, now);
    if (owner && owner.username.toLowerCase() === login) return { kind: 'personal-access-token', user: owner, token: pat };
  }

  // A token's shape is never a password (explainWeakPassword): a wrong token costs no hash.
  if (looksLikeTokenSecret(secret)) return null;
  const user = state.userByName(username);
  const matches = await verifyPassword(secret, user?.passwordHash ?? null, input.passwordCost, {
    ...(input.passwords ? { queue: input.passwords } : {}),
    ...(input.beforePasswordCheck ? { beforeHashing: input.beforePasswordCheck } : {}),
  });
  return user && matches && passwordLoginAllowed(user) ? { kind: 'user', user } : null;
}

/**
 * Check credentials as core's token service presents them.
 * @returns the principal, or `null` (wrong, revoked, expired, blocked — never saying which)
 */
export async function authenticate(input: AuthenticationInput, credentials: Credentials): Promise<AccessPrincipal | null> {
  if (credentials.kind === 'refresh') {
    const context = credentialContext(input.state, credentials.subject, credentials.session, input.now);
    return context ? principalOf(context) : null;
  }
  const context = await checkPasswordCredentials(input, credentials.username, credentials.password);
  return context ? principalOf(context) : null;
}
