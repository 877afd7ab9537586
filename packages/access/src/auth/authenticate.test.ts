import { describe, expect, it } from 'vitest';
import { openTestStore, PASSWORD, seedWorld, TestClock, tempDirs, testHooks } from '../test-support.js';
import { createAccessHooks } from './access-hooks.js';
import { explainWeakPassword } from './password.js';
import { PasswordQueue } from './password-queue.js';
import { generateTokenSecret } from './secrets.js';

const tempDir = tempDirs();

async function world() {
  const clock = new TestClock();
  const store = await openTestStore(await tempDir(), { now: clock.now });
  await seedWorld(store);
  return { store, clock, ...testHooks(store) };
}

describe('authenticate: passwords', () => {
  it('should log a user in with username and password, case-insensitively on the username', async () => {
    const { login, store } = await world();
    const dev = await store.getUser('dev');
    expect(await login('DEV', PASSWORD)).toEqual({ kind: 'user', subject: `user:${dev.id}`, username: 'dev', userId: dev.id });
  });

  it('should refuse a wrong password, an unknown user and a user without password', async () => {
    const { login, store } = await world();
    await store.createUser({ username: 'tokenonly' });
    expect(await login('dev', 'wrong-password')).toBeNull();
    expect(await login('nobody', PASSWORD)).toBeNull();
    expect(await login('tokenonly', '')).toBeNull();
  });

  it('should refuse the password of a user with 2FA but accept their personal access token', async () => {
    const { login, store } = await world();
    await store.updateUser('dev', { twoFactor: true });
    expect(await login('dev', PASSWORD)).toBeNull();
    const { secret, token } = await store.createPersonalAccessToken({ user: 'dev', name: 'laptop', scopes: ['read_registry'] });
    expect(await login('dev', secret)).toMatchObject({ kind: 'personal-access-token', session: token.id, scopes: ['read_registry'] });
  });

  it('should refuse a blocked user, and their tokens too', async () => {
    const { login, store } = await world();
    const { secret } = await store.createPersonalAccessToken({ user: 'dev', name: 'laptop', scopes: ['read_registry'] });
    await store.updateUser('dev', { blocked: true });
    expect(await login('dev', PASSWORD)).toBeNull();
    expect(await login('dev', secret)).toBeNull();
  });

  it('should not let a user id stand in for the username', async () => {
    const { login, store } = await world();
    expect(await login((await store.getUser('dev')).id, PASSWORD)).toBeNull();
  });
});

describe('authenticate: personal access tokens', () => {
  it("should accept a token only with its owner's username", async () => {
    const { login, store } = await world();
    const { secret } = await store.createPersonalAccessToken({ user: 'dev', name: 'laptop', scopes: ['read_registry'] });
    expect(await login('dev', secret)).not.toBeNull();
    expect(await login('mara', secret)).toBeNull();
  });

  it('should refuse a revoked token', async () => {
    const { login, store } = await world();
    const { secret, token } = await store.createPersonalAccessToken({ user: 'dev', name: 'laptop', scopes: ['read_registry'] });
    await store.revokePersonalAccessToken(token.id);
    expect(await login('dev', secret)).toBeNull();
  });

  it('should refuse an expired token from 00:00 UTC of its expiry date', async () => {
    const { login, store, clock } = await world();
    const { secret } = await store.createPersonalAccessToken({
      user: 'dev',
      name: 'laptop',
      scopes: ['read_registry'],
      expiresAt: '2026-03-02',
    });
    expect(await login('dev', secret)).not.toBeNull();
    clock.time = Date.parse('2026-03-01T23:59:59Z');
    expect(await login('dev', secret)).not.toBeNull();
    clock.time = Date.parse('2026-03-02T00:00:00Z');
    expect(await login('dev', secret)).toBeNull();
  });

  it('should refuse a token with one character changed', async () => {
    const { login, store } = await world();
    const { secret } = await store.createPersonalAccessToken({ user: 'dev', name: 'laptop', scopes: ['read_registry'] });
    const last = secret.at(-1) === 'a' ? 'b' : 'a';
    expect(secret).toMatch(/^wharf_pat_[0-9A-Za-z]{40}$/);
    expect(await login('dev', secret.slice(0, -1) + last)).toBeNull();
  });
});

describe('authenticate: deploy tokens', () => {
  it('should accept a deploy token with its username, default wharf+deploy-token-<n>', async () => {
    const { login, store } = await world();
    const { secret, token } = await store.createDeployToken({ project: 'team/app', scopes: ['read_registry'] });
    expect(token.username).toBe('wharf+deploy-token-1');
    const project = await store.getProject('team/app');
    expect(await login('wharf+deploy-token-1', secret)).toEqual({
      kind: 'deploy-token',
      subject: `deploy-token:${token.id}`,
      session: token.id,
      username: 'wharf+deploy-token-1',
      scopes: ['read_registry'],
      projectId: project.id,
    });
    expect(await login('someone-else', secret)).toBeNull();
  });

  it('should accept a chosen username and refuse revoked or expired deploy tokens', async () => {
    const { login, store, clock } = await world();
    const a = await store.createDeployToken({ group: 'team', username: 'k8s-puller', scopes: ['read_registry'], expiresAt: '2026-04-01' });
    expect(await login('k8s-puller', a.secret)).toMatchObject({ kind: 'deploy-token', groupId: (await store.getGroup('team')).id });
    clock.time = Date.parse('2026-04-01T00:00:00Z');
    expect(await login('k8s-puller', a.secret)).toBeNull();
    const b = await store.createDeployToken({ project: 'team/app', scopes: ['read_registry'] });
    await store.revokeDeployToken(b.token.id);
    expect(await login(b.token.username, b.secret)).toBeNull();
  });
});

describe('authenticate: CI job tokens', () => {
  it("should accept gitlab-ci-token or wharf-ci-token with a running job's token", async () => {
    const { login, store } = await world();
    const { job, token } = await store.startJob({ project: 'team/app', user: 'dev' });
    expect(token).toMatch(/^wharf_job_[0-9A-Za-z]{40}$/);
    const expected = {
      kind: 'job',
      subject: `job:${job.id}`,
      session: job.id,
      username: 'dev',
      userId: job.userId,
      projectId: job.projectId,
    };
    expect(await login('gitlab-ci-token', token)).toEqual(expected);
    expect(await login('wharf-ci-token', token)).toEqual(expected);
    expect(await login('dev', token)).toBeNull();
  });

  it('should refuse the token once the job finished or ran past its maximum duration', async () => {
    const { login, store, clock } = await world();
    const first = await store.startJob({ project: 'team/app', user: 'dev' });
    await store.finishJob(first.job.id);
    expect(await login('gitlab-ci-token', first.token)).toBeNull();
    const second = await store.startJob({ project: 'team/app', user: 'dev' });
    clock.advance(24 * 3600_000 - 1);
    expect(await login('gitlab-ci-token', second.token)).not.toBeNull();
    clock.advance(1);
    expect(await login('gitlab-ci-token', second.token)).toBeNull();
  });

  it("should refuse a job token once the job's user is blocked", async () => {
    const { login, store } = await world();
    const { token } = await store.startJob({ project: 'team/app', user: 'dev' });
    await store.updateUser('dev', { blocked: true });
    expect(await login('gitlab-ci-token', token)).toBeNull();
  });

  it('should never try a password for the CI login names', async () => {
    const { login } = await world();
    expect(await login('gitlab-ci-token', PASSWORD)).toBeNull();
  });
});

describe("authenticate: the login throttle's gate", () => {
  /** Log in with a gate that counts its calls, or refuses like a locked throttle. */
  async function gated(refuse = false) {
    const w = await world();
    const gate = { calls: 0 };
    const passwordAttempt = () => {
      gate.calls++;
      if (refuse) throw new Error('locked');
    };
    const login = (username: string, password: string) =>
      w.hooks.authenticate({ kind: 'password', username, password }, { passwordAttempt });
    return { ...w, gate, login };
  }

  it('should ask the gate once right before hashing a password, and never for tokens', async () => {
    const { login, store, gate } = await gated();
    expect(kindOf(await login('dev', PASSWORD))).toBe('user');
    expect(gate.calls).toBe(1);
    expect(await login('nobody', PASSWORD)).toBeNull();
    expect(gate.calls).toBe(2);
    const pat = await store.createPersonalAccessToken({ user: 'dev', name: 'laptop', scopes: ['read_registry'] });
    const dt = await store.createDeployToken({ project: 'team/app', scopes: ['read_registry'] });
    const job = await store.startJob({ project: 'team/app', user: 'dev' });
    expect(kindOf(await login('dev', pat.secret))).toBe('personal-access-token');
    expect(kindOf(await login(dt.token.username, dt.secret))).toBe('deploy-token');
    expect(kindOf(await login('gitlab-ci-token', job.token))).toBe('job');
    expect(await login('gitlab-ci-token', 'wrong-guess')).toBeNull();
    // A wrong or revoked token, whatever the username, is refused without hashing.
    expect(await login('dev', generateTokenSecret('personalAccessToken'))).toBeNull();
    expect(await login('nobody', generateTokenSecret('deployToken'))).toBeNull();
    expect(gate.calls).toBe(2);
  });

  it('should log valid tokens in while the gate refuses passwords', async () => {
    const { login, store } = await gated(true);
    const pat = await store.createPersonalAccessToken({ user: 'dev', name: 'laptop', scopes: ['read_registry'] });
    const dt = await store.createDeployToken({ project: 'team/app', scopes: ['read_registry'] });
    expect(kindOf(await login('dev', pat.secret))).toBe('personal-access-token');
    expect(kindOf(await login(dt.token.username, dt.secret))).toBe('deploy-token');
    await expect(login('dev', PASSWORD)).rejects.toThrow('locked');
    await expect(login(dt.token.username, 'a-password-guess')).rejects.toThrow('locked');
  });

  it('should answer TOOMANYREQUESTS with Retry-After, and ask no gate, while password hashing is saturated', async () => {
    const { store, gate } = await gated();
    const passwords = new PasswordQueue({ concurrency: 1, maxWaiting: 0 });
    const hooks = createAccessHooks(store, { passwords });
    let release!: () => void;
    const busy = passwords.run(() => new Promise<void>((resolve) => (release = resolve)));
    const attempt = hooks.authenticate({ kind: 'password', username: 'dev', password: PASSWORD }, { passwordAttempt: () => gate.calls++ });
    await expect(attempt).rejects.toMatchObject({ code: 'TOOMANYREQUESTS', retryAfterSeconds: 1 });
    expect(gate.calls).toBe(0);
    release();
    await busy;
  });

  it('should refuse new passwords shaped like a token', () => {
    expect(explainWeakPassword(generateTokenSecret('personalAccessToken'))).toMatch(/shape of a Wharf access token/);
    expect(explainWeakPassword('wharf_pat_but-not-a-token')).toBeNull();
  });
});

/** The kind of a principal, or null. */
const kindOf = (principal: { kind: string } | null) => principal?.kind ?? null;

describe('authenticate: refresh', () => {
  it('should renew a password session while the user is valid, and stop once blocked or 2FA is on', async () => {
    const { hooks, login, store } = await world();
    const dev = await login('dev', PASSWORD);
    if (!dev) throw new Error('login failed');
    expect(await hooks.authenticate({ kind: 'refresh', subject: dev.subject })).toEqual(dev);
    await store.updateUser('dev', { twoFactor: true });
    expect(await hooks.authenticate({ kind: 'refresh', subject: dev.subject })).toBeNull();
    await store.updateUser('dev', { twoFactor: false, blocked: true });
    expect(await hooks.authenticate({ kind: 'refresh', subject: dev.subject })).toBeNull();
  });

  it('should renew a token session until the token is revoked', async () => {
    const { hooks, login, store } = await world();
    const { secret, token } = await store.createPersonalAccessToken({ user: 'dev', name: 'laptop', scopes: ['read_registry'] });
    const principal = await login('dev', secret);
    if (!principal) throw new Error('login failed');
    const refresh = { kind: 'refresh' as const, subject: principal.subject, session: principal.session };
    expect(await hooks.authenticate(refresh)).toEqual(principal);
    await store.revokePersonalAccessToken(token.id);
    expect(await hooks.authenticate(refresh)).toBeNull();
  });

  it('should renew deploy token and job sessions only while they are valid', async () => {
    const { hooks, login, store } = await world();
    const dt = await store.createDeployToken({ project: 'team/app', scopes: ['read_registry'] });
    const job = await store.startJob({ project: 'team/app', user: 'dev' });
    const a = await login(dt.token.username, dt.secret);
    const b = await login('gitlab-ci-token', job.token);
    if (!a || !b) throw new Error('login failed');
    expect(await hooks.authenticate({ kind: 'refresh', subject: a.subject, session: a.session })).toEqual(a);
    expect(await hooks.authenticate({ kind: 'refresh', subject: b.subject, session: b.session })).toEqual(b);
    await store.revokeDeployToken(dt.token.id);
    await store.finishJob(job.job.id);
    expect(await hooks.authenticate({ kind: 'refresh', subject: a.subject, session: a.session })).toBeNull();
    expect(await hooks.authenticate({ kind: 'refresh', subject: b.subject, session: b.session })).toBeNull();
  });

  it('should refuse a session that belongs to another user, and subjects it did not make', async () => {
    const { hooks, store } = await world();
    const { token } = await store.createPersonalAccessToken({ user: 'dev', name: 'laptop', scopes: ['read_registry'] });
    const mara = await store.getUser('mara');
    expect(await hooks.authenticate({ kind: 'refresh', subject: `user:${mara.id}`, session: token.id })).toBeNull();
    expect(await hooks.authenticate({ kind: 'refresh', subject: 'someone' })).toBeNull();
    expect(await hooks.authenticate({ kind: 'refresh', subject: 'user:nope' })).toBeNull();
  });
});
