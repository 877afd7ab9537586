import { describe, expect, it } from 'vitest';
import { openTestStore, PASSWORD, seedWorld, TestClock, tempDirs, testHooks } from '../test-support.js';

const tempDir = tempDirs();

async function world() {
  const clock = new TestClock();
  const store = await openTestStore(await tempDir(), { now: clock.now });
  await seedWorld(store);
  return { store, clock, ...testHooks(store) };
}

describe('authorize: personal access tokens', () => {
  it('should let a read_registry token pull but not push', async () => {
    const { store, login, actionsOn } = await world();
    const { secret } = await store.createPersonalAccessToken({ user: 'mara', name: 'ro', scopes: ['read_registry'] });
    expect(await actionsOn(await login('mara', secret), 'team/app')).toEqual(['pull']);
  });

  it('should let write_registry push but not pull, as GitLab does, and both together do both', async () => {
    const { store, login, actionsOn } = await world();
    const w = await store.createPersonalAccessToken({ user: 'dev', name: 'w', scopes: ['write_registry'] });
    const rw = await store.createPersonalAccessToken({ user: 'dev', name: 'rw', scopes: ['read_registry', 'write_registry'] });
    expect(await actionsOn(await login('dev', w.secret), 'team/app')).toEqual(['push']);
    expect(await actionsOn(await login('dev', rw.secret), 'team/app')).toEqual(['pull', 'push']);
  });

  it('should need the api scope and a maintainer role to delete', async () => {
    const { store, login, actionsOn } = await world();
    const rw = await store.createPersonalAccessToken({ user: 'mara', name: 'rw', scopes: ['read_registry', 'write_registry'] });
    const api = await store.createPersonalAccessToken({ user: 'mara', name: 'api', scopes: ['api'] });
    const devApi = await store.createPersonalAccessToken({ user: 'dev', name: 'api', scopes: ['api'] });
    expect(await actionsOn(await login('mara', rw.secret), 'team/app')).toEqual(['pull', 'push']);
    expect(await actionsOn(await login('mara', api.secret), 'team/app')).toEqual(['delete', 'pull', 'push']);
    expect(await actionsOn(await login('dev', devApi.secret), 'team/app')).toEqual(['pull', 'push']);
  });

  it('should grant nothing in the registry for read_api, beyond what anonymous may', async () => {
    const { store, login, actionsOn } = await world();
    const { secret } = await store.createPersonalAccessToken({ user: 'mara', name: 'api-ro', scopes: ['read_api'] });
    expect(await actionsOn(await login('mara', secret), 'team/app')).toEqual([]);
    expect(await actionsOn(await login('mara', secret), 'team/web')).toEqual(['pull']);
  });

  it("should never exceed the user's own rights", async () => {
    const { store, login, actionsOn } = await world();
    const { secret } = await store.createPersonalAccessToken({ user: 'rita', name: 'all', scopes: ['api'] });
    expect(await actionsOn(await login('rita', secret), 'team/app')).toEqual(['pull']);
    expect(await actionsOn(await login('rita', secret), 'other/lib')).toEqual([]);
  });

  it('should grant nothing once the token is revoked, even to a principal already logged in', async () => {
    const { store, login, actionsOn } = await world();
    const { secret, token } = await store.createPersonalAccessToken({
      user: 'dev',
      name: 'rw',
      scopes: ['read_registry', 'write_registry'],
    });
    const principal = await login('dev', secret);
    await store.revokePersonalAccessToken(token.id);
    expect(await actionsOn(principal, 'team/app')).toEqual([]);
    expect(await actionsOn(principal, 'team/web')).toEqual([]);
  });

  it('should grant nothing once the token expired', async () => {
    const { store, login, actionsOn, clock } = await world();
    const { secret } = await store.createPersonalAccessToken({
      user: 'dev',
      name: 'rw',
      scopes: ['read_registry'],
      expiresAt: '2026-03-02',
    });
    const principal = await login('dev', secret);
    clock.time = Date.parse('2026-03-02T00:00:00Z');
    expect(await actionsOn(principal, 'team/app')).toEqual([]);
  });
});

describe('authorize: deploy tokens', () => {
  it('should let a read-only deploy token pull its private project and nothing more', async () => {
    const { store, login, actionsOn } = await world();
    const { secret, token } = await store.createDeployToken({ project: 'team/app', scopes: ['read_registry'] });
    const principal = await login(token.username, secret);
    expect(await actionsOn(principal, 'team/app/img')).toEqual(['pull']);
    expect(await actionsOn(principal, 'team/docs')).toEqual([]);
    expect(await actionsOn(principal, 'other/lib')).toEqual([]);
  });

  it('should let a read-write deploy token pull and push but never delete', async () => {
    const { store, login, actionsOn } = await world();
    const { secret, token } = await store.createDeployToken({ project: 'team/app', scopes: ['read_registry', 'write_registry'] });
    expect(await actionsOn(await login(token.username, secret), 'team/app')).toEqual(['pull', 'push']);
  });

  it("should reach every project inside a group-level token's group, subgroups included", async () => {
    const { store, login, actionsOn } = await world();
    const { secret, token } = await store.createDeployToken({ group: 'team', scopes: ['read_registry'] });
    const principal = await login(token.username, secret);
    expect(await actionsOn(principal, 'team/app')).toEqual(['pull']);
    expect(await actionsOn(principal, 'team/sub/svc')).toEqual(['pull']);
    expect(await actionsOn(principal, 'other/lib')).toEqual([]);
  });

  it('should still pull public projects elsewhere, like anonymous', async () => {
    const { store, login, actionsOn } = await world();
    await store.createGroup({ path: 'pub', visibility: 'public' });
    await store.createProject({ path: 'pub/base', visibility: 'public' });
    const { secret, token } = await store.createDeployToken({ project: 'other/lib', scopes: ['write_registry'] });
    expect(await actionsOn(await login(token.username, secret), 'pub/base')).toEqual(['pull']);
  });
});

describe('authorize: CI job tokens', () => {
  it("should pull, push and delete in the job's own project where its user may push, and only pull other projects the user can read", async () => {
    const { store, login, actionsOn } = await world();
    await store.addMember({ project: 'other/lib', user: 'dev', role: 'maintainer' });
    const { token } = await store.startJob({ project: 'team/app', user: 'dev' });
    const principal = await login('gitlab-ci-token', token);
    expect(await actionsOn(principal, 'team/app/build')).toEqual(['delete', 'pull', 'push']);
    expect(await actionsOn(principal, 'other/lib')).toEqual(['pull']);
    expect(await actionsOn(principal, 'team/docs')).toEqual(['pull']);
    expect(await actionsOn(principal, 'team/sub/svc')).toEqual([]);
  });

  it('should never push or delete outside its own project, even for a maintainer or an admin', async () => {
    const { store, login, actionsOn } = await world();
    const a = await store.startJob({ project: 'team/app', user: 'mara' });
    const b = await store.startJob({ project: 'team/app', user: 'root' });
    expect(await actionsOn(await login('gitlab-ci-token', a.token), 'team/app')).toEqual(['delete', 'pull', 'push']);
    expect(await actionsOn(await login('gitlab-ci-token', b.token), 'other/lib')).toEqual(['pull']);
  });

  it('should not push to its own project when the user may not', async () => {
    const { store, login, actionsOn } = await world();
    const { token } = await store.startJob({ project: 'team/app', user: 'rita' });
    expect(await actionsOn(await login('gitlab-ci-token', token), 'team/app')).toEqual(['pull']);
  });

  it('should grant nothing after the job finished', async () => {
    const { store, login, actionsOn } = await world();
    const { job, token } = await store.startJob({ project: 'team/app', user: 'dev' });
    const principal = await login('gitlab-ci-token', token);
    await store.finishJob(job.id);
    expect(await actionsOn(principal, 'team/app')).toEqual([]);
  });
});

describe('authorize: users', () => {
  it('should grant nothing to a user principal once the user is blocked or deleted', async () => {
    const { store, login, actionsOn } = await world();
    const dev = await login('dev', PASSWORD);
    const mara = await login('mara', PASSWORD);
    await store.updateUser('dev', { blocked: true });
    await store.deleteUser('mara');
    expect(await actionsOn(dev, 'team/app')).toEqual([]);
    expect(await actionsOn(mara, 'team/app')).toEqual([]);
  });
});
