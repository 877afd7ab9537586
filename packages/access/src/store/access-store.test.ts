import { describe, expect, it } from 'vitest';
import { isAccessError } from '../model/access-error.js';
import { openTestStore, TestClock, tempDirs } from '../test-support.js';

const tempDir = tempDirs();

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isAccessError(error), `expected AccessError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  if (message) expect((error as Error).message).toMatch(message);
}

describe('AccessStore: users', () => {
  it('should create, get, list, update and delete users without exposing hashes', async () => {
    const store = await openTestStore(await tempDir());
    const alice = await store.createUser({ username: 'Alice', password: 'password-1', twoFactor: true });
    expect(alice).toMatchObject({ username: 'Alice', admin: false, twoFactor: true, blocked: false, external: false, hasPassword: true });
    expect(alice.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(alice).not.toHaveProperty('passwordHash');
    expect(await store.getUser('alice')).toEqual(alice);
    expect(await store.getUser(alice.id)).toEqual(alice);
    expect(await store.updateUser('alice', { admin: true, blocked: true })).toMatchObject({ admin: true, blocked: true });
    await store.createUser({ username: 'bob' });
    expect((await store.listUsers()).map((u) => u.username)).toEqual(['Alice', 'bob']);
    await store.deleteUser('bob');
    await rejectsWith(store.getUser('bob'), 'NOT_FOUND', /no user "bob"/);
  });

  it('should refuse duplicate usernames case-insensitively, bad usernames and weak passwords', async () => {
    const store = await openTestStore(await tempDir());
    await store.createUser({ username: 'alice' });
    await rejectsWith(store.createUser({ username: 'ALICE' }), 'CONFLICT', /taken/);
    await rejectsWith(store.createUser({ username: '-x' }), 'INVALID', /starts with "-"/);
    await rejectsWith(store.createUser({ username: 'bob', password: 'short' }), 'INVALID', /at least 8/);
  });

  it('should refuse to delete, block or demote the last active admin', async () => {
    const store = await openTestStore(await tempDir());
    await store.createUser({ username: 'root', admin: true });
    await rejectsWith(store.deleteUser('root'), 'CONFLICT', /last active admin/);
    await rejectsWith(store.updateUser('root', { blocked: true }), 'CONFLICT');
    await rejectsWith(store.updateUser('root', { admin: false }), 'CONFLICT');
    await store.createUser({ username: 'root2', admin: true });
    await store.updateUser('root', { admin: false });
  });

  it("should delete a user's memberships, tokens and jobs with the user", async () => {
    const store = await openTestStore(await tempDir());
    await store.createUser({ username: 'dev' });
    await store.createGroup({ path: 'team' });
    await store.createProject({ path: 'team/app' });
    await store.addMember({ project: 'team/app', user: 'dev', role: 'developer' });
    await store.createPersonalAccessToken({ user: 'dev', name: 't', scopes: ['api'] });
    await store.startJob({ project: 'team/app', user: 'dev' });
    await store.deleteUser('dev');
    expect(await store.listMembers({ project: 'team/app' })).toEqual([]);
    expect(await store.listPersonalAccessTokens()).toEqual([]);
    expect(await store.listJobs()).toEqual([]);
  });
});

describe('AccessStore: groups and projects', () => {
  it('should create nested groups and projects inside existing groups only', async () => {
    const store = await openTestStore(await tempDir());
    const team = await store.createGroup({ path: 'team' });
    const sub = await store.createGroup({ path: 'team/sub' });
    expect(sub.parentId).toBe(team.id);
    const app = await store.createProject({ path: 'team/sub/app' });
    expect(app).toMatchObject({ groupId: sub.id, visibility: 'private' });
    await rejectsWith(store.createProject({ path: 'nope/app' }), 'NOT_FOUND', /group "nope" does not exist/);
    await rejectsWith(store.createGroup({ path: 'a/b' }), 'NOT_FOUND');
    await rejectsWith(store.createProject({ path: 'app' }), 'INVALID', /has no group/);
    await rejectsWith(store.createProject({ path: 'team/App' }), 'INVALID', /uppercase/);
  });

  it('should keep groups and projects in one namespace', async () => {
    const store = await openTestStore(await tempDir());
    await store.createGroup({ path: 'team' });
    await store.createProject({ path: 'team/app' });
    await rejectsWith(store.createGroup({ path: 'team/app' }), 'CONFLICT', /taken by a project/);
    await rejectsWith(store.createProject({ path: 'team/app' }), 'CONFLICT');
  });

  it('should refuse visibility above the parent group, and lowering a group below its children', async () => {
    const store = await openTestStore(await tempDir());
    await store.createGroup({ path: 'team', visibility: 'internal' });
    await rejectsWith(store.createProject({ path: 'team/app', visibility: 'public' }), 'INVALID', /group "team" is internal/);
    await store.createProject({ path: 'team/app', visibility: 'internal' });
    await rejectsWith(store.setProjectVisibility('team/app', 'public'), 'INVALID');
    await rejectsWith(store.setGroupVisibility('team', 'private'), 'CONFLICT', /"team\/app" inside it is internal/);
    await store.setGroupVisibility('team', 'public');
    expect(await store.setProjectVisibility('team/app', 'public')).toMatchObject({ visibility: 'public' });
  });

  it('should delete only empty groups, and projects with their tokens', async () => {
    const store = await openTestStore(await tempDir());
    await store.createGroup({ path: 'team' });
    await store.createProject({ path: 'team/app' });
    await store.createDeployToken({ project: 'team/app', scopes: ['read_registry'] });
    await rejectsWith(store.deleteGroup('team'), 'CONFLICT', /not empty/);
    await store.deleteProject('team/app');
    expect(await store.listDeployTokens()).toEqual([]);
    await store.deleteGroup('team');
    expect(await store.listGroups()).toEqual([]);
  });
});

describe('AccessStore: members', () => {
  it('should add, change and remove memberships, refusing duplicates', async () => {
    const store = await openTestStore(await tempDir());
    await store.createUser({ username: 'dev' });
    await store.createGroup({ path: 'team' });
    await store.addMember({ group: 'team', user: 'dev', role: 'reporter' });
    await rejectsWith(store.addMember({ group: 'team', user: 'dev', role: 'owner' }), 'CONFLICT', /already a member/);
    await store.setMemberRole({ group: 'team', user: 'dev', role: 'owner' });
    expect(await store.listMembers({ group: 'team' })).toMatchObject([{ username: 'dev', role: 'owner', path: 'team' }]);
    await store.removeMember({ group: 'team', user: 'dev' });
    await rejectsWith(store.removeMember({ group: 'team', user: 'dev' }), 'NOT_FOUND', /not a direct member/);
    await rejectsWith(store.addMember({ project: 'team/x', user: 'dev', role: 'owner' }), 'NOT_FOUND', /no project/);
  });
});

describe('AccessStore: tokens and jobs', () => {
  it('should return a token secret once and list tokens without secrets or hashes', async () => {
    const store = await openTestStore(await tempDir());
    await store.createUser({ username: 'dev' });
    const { token, secret } = await store.createPersonalAccessToken({
      user: 'dev',
      name: 'laptop',
      scopes: ['read_registry', 'write_registry'],
    });
    expect(secret).toMatch(/^wharf_pat_/);
    expect(token).toMatchObject({ name: 'laptop', state: 'active', expiresAt: null });
    const listed = await store.listPersonalAccessTokens('dev');
    expect(listed).toEqual([token]);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed[0]).not.toHaveProperty('tokenHash');
    expect(await store.revokePersonalAccessToken(token.id)).toMatchObject({ state: 'revoked', revoked: true });
  });

  it('should refuse unknown scopes, no scopes and expiries in the past', async () => {
    const clock = new TestClock();
    const store = await openTestStore(await tempDir(), { now: clock.now });
    await store.createUser({ username: 'dev' });
    await rejectsWith(store.createPersonalAccessToken({ user: 'dev', name: 'x', scopes: [] }), 'INVALID', /at least one scope/);
    await rejectsWith(store.createPersonalAccessToken({ user: 'dev', name: 'x', scopes: ['sudo' as 'api'] }), 'INVALID', /unknown/);
    await rejectsWith(
      store.createPersonalAccessToken({ user: 'dev', name: 'x', scopes: ['api'], expiresAt: '2026-03-01' }),
      'INVALID',
      /not in the future/,
    );
    await rejectsWith(
      store.createPersonalAccessToken({ user: 'dev', name: 'x', scopes: ['api'], expiresAt: '2026-02-30' }),
      'INVALID',
      /not a date/,
    );
    const { token } = await store.createPersonalAccessToken({ user: 'dev', name: 'x', scopes: ['api'], expiresAt: '2026-03-02' });
    expect(token.expiresAt).toBe('2026-03-02T00:00:00.000Z');
    clock.time = Date.parse('2026-03-02T00:00:00Z');
    expect((await store.getPersonalAccessToken(token.id)).state).toBe('expired');
  });

  it('should number default deploy token usernames and refuse a taken or reserved one', async () => {
    const store = await openTestStore(await tempDir());
    await store.createGroup({ path: 'team' });
    const a = await store.createDeployToken({ group: 'team', scopes: ['read_registry'] });
    const b = await store.createDeployToken({ group: 'team', scopes: ['read_registry'], username: 'puller' });
    const c = await store.createDeployToken({ group: 'team', scopes: ['read_registry'] });
    expect([a.token.username, b.token.username, c.token.username]).toEqual(['wharf+deploy-token-1', 'puller', 'wharf+deploy-token-3']);
    expect(a.secret).toMatch(/^wharf_dt_/);
    await rejectsWith(store.createDeployToken({ group: 'team', scopes: ['read_registry'], username: 'PULLER' }), 'CONFLICT');
    await rejectsWith(
      store.createDeployToken({ group: 'team', scopes: ['read_registry'], username: 'gitlab-ci-token' }),
      'INVALID',
      /reserved/,
    );
    await rejectsWith(store.createDeployToken({ group: 'team', scopes: ['api' as 'read_registry'] }), 'INVALID');
  });

  it('should start jobs with a one-time token and finish them idempotently', async () => {
    const clock = new TestClock();
    const store = await openTestStore(await tempDir(), { now: clock.now, jobMaxDurationMs: 3600_000 });
    await store.createUser({ username: 'dev' });
    await store.createGroup({ path: 'team' });
    await store.createProject({ path: 'team/app' });
    const { job, token } = await store.startJob({ project: 'team/app', user: 'dev' });
    expect(token).toMatch(/^wharf_job_/);
    expect(job).toMatchObject({ status: 'running', tokenActive: true, expiresAt: '2026-03-01T13:00:00.000Z' });
    expect(await store.finishJob(job.id)).toMatchObject({ status: 'finished', tokenActive: false });
    expect(await store.finishJob(job.id)).toMatchObject({ status: 'finished' });
    await store.updateUser('dev', { blocked: true });
    await rejectsWith(store.startJob({ project: 'team/app', user: 'dev' }), 'CONFLICT', /blocked/);
  });

  it('should prune jobs a week after they ended', async () => {
    const clock = new TestClock();
    const store = await openTestStore(await tempDir(), { now: clock.now });
    await store.createUser({ username: 'dev' });
    await store.createGroup({ path: 'team' });
    await store.createProject({ path: 'team/app' });
    const old = await store.startJob({ project: 'team/app', user: 'dev' });
    await store.finishJob(old.job.id);
    clock.advance(8 * 24 * 3600_000);
    await store.startJob({ project: 'team/app', user: 'dev' });
    expect((await store.listJobs()).map((j) => j.id)).not.toContain(old.job.id);
  });
});
