import { describe, expect, it } from 'vitest';
import { isRegistryError } from '../errors/registry-error.js';
import { LoginThrottle } from './login-throttle.js';
import type { AuthHooks, Credentials, Principal } from './principal.js';
import { authenticateThrottled, guardLogin } from './throttled-login.js';

const ADDRESS = '10.0.0.1';

/** Tokens are `tok-…` and need no password check; `alice` / `secret` is the only password. */
function gatingHooks(calls: { passwords: number }): AuthHooks {
  return {
    gatesPasswords: true,
    authenticate(credentials: Credentials, context) {
      if (credentials.kind !== 'password') return null;
      if (credentials.password.startsWith('tok-'))
        return credentials.password === 'tok-valid' ? { subject: `token:${credentials.username}` } : null;
      context?.passwordAttempt();
      calls.passwords++;
      return credentials.username === 'alice' && credentials.password === 'secret' ? { subject: 'user:alice' } : null;
    },
    authorize: () => [],
  };
}
const password = (username: string, secret: string): Credentials => ({ kind: 'password', username, password: secret });

describe('guardLogin', () => {
  it('should count a password check when it starts, so parallel guesses cannot outrun the count', async () => {
    const throttle = new LoginThrottle({ freeFailures: 2 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const guesses = Array.from({ length: 6 }, () =>
      guardLogin(throttle, 'alice', ADDRESS, async (attempt) => {
        attempt();
        await gate;
        return null;
      }).then(
        () => 'checked',
        (error: unknown) => (isRegistryError(error) ? error.code : 'other'),
      ),
    );
    release();
    // Two free failures and the third that starts the lock: the others are refused unchecked.
    expect(await Promise.all(guesses)).toEqual(['checked', 'checked', 'checked', 'TOOMANYREQUESTS', 'TOOMANYREQUESTS', 'TOOMANYREQUESTS']);
  });

  it('should take the count back when the password was right, and count nothing that never reached a password', async () => {
    const throttle = new LoginThrottle({ freeFailures: 1, addressFreeFailures: 1 });
    const right = (attempt: () => void) => {
      attempt();
      return 'ok';
    };
    expect(await guardLogin(throttle, 'alice', ADDRESS, right)).toBe('ok');
    expect(throttle.retryAfterMs('alice', ADDRESS)).toBe(0);
    for (let i = 0; i < 5; i++) expect(await guardLogin(throttle, 'gitlab-ci-token', ADDRESS, () => null)).toBeNull();
    expect(throttle.retryAfterMs('gitlab-ci-token', ADDRESS)).toBe(0);
  });

  it('should refuse a password check while locked with TOOMANYREQUESTS and Retry-After in seconds', async () => {
    const throttle = new LoginThrottle({ freeFailures: 0 });
    const wrong = (attempt: () => void) => {
      attempt();
      return null;
    };
    await guardLogin(throttle, 'alice', ADDRESS, wrong);
    const refused = guardLogin(throttle, 'alice', ADDRESS, (attempt) => {
      attempt();
      return 'never';
    });
    await expect(refused).rejects.toMatchObject({ code: 'TOOMANYREQUESTS', retryAfterSeconds: 1 });
  });
});

describe('authenticateThrottled', () => {
  it('should let a valid token through while its name is locked for passwords, and lock the passwords', async () => {
    const calls = { passwords: 0 };
    const hooks = gatingHooks(calls);
    const throttle = new LoginThrottle();
    const login = (user: string, secret: string) =>
      authenticateThrottled(hooks, password(user, secret), { throttle, account: user, address: ADDRESS });
    for (let i = 0; i < 20; i++) await login('deploy-bot', `tok-wrong-${i}`).catch(() => null);
    expect(throttle.retryAfterMs('deploy-bot', ADDRESS)).toBe(0); // wrong tokens lock nothing
    for (let i = 0; i < 6; i++) expect(await login('deploy-bot', `guess-${i}`)).toBeNull();
    await expect(login('deploy-bot', 'guess-7')).rejects.toMatchObject({ code: 'TOOMANYREQUESTS' });
    expect(calls.passwords).toBe(6);
    expect(await login('deploy-bot', 'tok-valid')).toEqual({ subject: 'token:deploy-bot' });
  });

  it('should treat hooks that do not gate passwords as checking one on every call', async () => {
    let calls = 0;
    const hooks: AuthHooks = {
      authenticate: () => {
        calls++;
        return null;
      },
      authorize: () => [],
    };
    const throttle = new LoginThrottle({ freeFailures: 1 });
    const login = () => authenticateThrottled(hooks, password('alice', 'x'), { throttle, account: 'alice', address: ADDRESS });
    expect(await login()).toBeNull();
    expect(await login()).toBeNull();
    await expect(login()).rejects.toMatchObject({ code: 'TOOMANYREQUESTS' });
    expect(calls).toBe(2);
  });

  it('should answer null for an anonymous or subjectless principal and count it as a failure', async () => {
    const hooks: AuthHooks<Principal> = { authenticate: () => ({ subject: '' }), authorize: () => [] };
    const throttle = new LoginThrottle({ freeFailures: 0 });
    expect(await authenticateThrottled(hooks, password('alice', 'x'), { throttle, account: 'alice' })).toBeNull();
    expect(throttle.retryAfterMs('alice')).toBeGreaterThan(0);
  });
});
