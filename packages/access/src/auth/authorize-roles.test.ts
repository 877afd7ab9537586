import { ANONYMOUS } from '@wharf/core';
import { describe, expect, it } from 'vitest';
import { openTestStore, PASSWORD, seedWorld, tempDirs, testHooks } from '../test-support.js';

const tempDir = tempDirs();

async function world() {
  const store = await openTestStore(await tempDir());
  await seedWorld(store);
  return { store, ...testHooks(store) };
}

describe('authorize: roles', () => {
  it('should map reporter to pull, developer to push, maintainer and owner to delete, guest to nothing on private', async () => {
    const { login, actionsOn } = await world();
    expect(await actionsOn(await login('gus', PASSWORD), 'team/app')).toEqual([]);
    expect(await actionsOn(await login('rita', PASSWORD), 'team/app')).toEqual(['pull']);
    expect(await actionsOn(await login('dev', PASSWORD), 'team/app')).toEqual(['pull', 'push']);
    expect(await actionsOn(await login('mara', PASSWORD), 'team/app')).toEqual(['delete', 'pull', 'push']);
    expect(await actionsOn(await login('olga', PASSWORD), 'team/app/api')).toEqual(['delete', 'pull', 'push']);
  });

  it('should inherit group membership into subgroups and their projects', async () => {
    const { login, actionsOn } = await world();
    expect(await actionsOn(await login('olga', PASSWORD), 'team/sub/svc/x')).toEqual(['delete', 'pull', 'push']);
    expect(await actionsOn(await login('rita', PASSWORD), 'team/sub/svc')).toEqual(['pull']);
  });

  it('should use the highest of inherited and direct roles', async () => {
    const { store, login, actionsOn } = await world();
    await store.addMember({ project: 'team/app', user: 'rita', role: 'maintainer' });
    await store.addMember({ project: 'team/sub/svc', user: 'olga', role: 'guest' });
    expect(await actionsOn(await login('rita', PASSWORD), 'team/app')).toEqual(['delete', 'pull', 'push']);
    expect(await actionsOn(await login('olga', PASSWORD), 'team/sub/svc')).toEqual(['delete', 'pull', 'push']);
  });

  it('should give nothing outside the memberships', async () => {
    const { login, actionsOn } = await world();
    expect(await actionsOn(await login('dev', PASSWORD), 'other/lib')).toEqual([]);
    expect(await actionsOn(await login('mara', PASSWORD), 'team/sub/svc')).toEqual([]);
  });

  it('should let admins do everything everywhere', async () => {
    const { login, actionsOn } = await world();
    const root = await login('root', PASSWORD);
    expect(await actionsOn(root, 'other/lib/x')).toEqual(['delete', 'pull', 'push']);
    expect(await actionsOn(root, 'team/sub/svc')).toEqual(['delete', 'pull', 'push']);
  });

  it('should follow role changes and removals on the next request', async () => {
    const { store, login, actionsOn } = await world();
    const dev = await login('dev', PASSWORD);
    await store.setMemberRole({ project: 'team/app', user: 'dev', role: 'reporter' });
    expect(await actionsOn(dev, 'team/app')).toEqual(['pull']);
    await store.removeMember({ project: 'team/app', user: 'dev' });
    expect(await actionsOn(dev, 'team/app')).toEqual([]);
  });
});

describe('authorize: visibility', () => {
  it('should let anonymous pull a public project and nothing else', async () => {
    const { actionsOn } = await world();
    expect(await actionsOn(ANONYMOUS, 'team/web')).toEqual(['pull']);
    expect(await actionsOn(ANONYMOUS, 'team/web/img')).toEqual(['pull']);
    expect(await actionsOn(ANONYMOUS, 'team/docs')).toEqual([]);
    expect(await actionsOn(ANONYMOUS, 'team/app')).toEqual([]);
  });

  it('should let any logged-in non-external user pull an internal project', async () => {
    const { login, actionsOn } = await world();
    expect(await actionsOn(await login('eve', PASSWORD), 'team/docs')).toEqual(['pull']);
    expect(await actionsOn(await login('ext', PASSWORD), 'team/docs')).toEqual([]);
    expect(await actionsOn(await login('ext', PASSWORD), 'team/web')).toEqual(['pull']);
  });

  it('should keep private projects to members', async () => {
    const { login, actionsOn } = await world();
    expect(await actionsOn(await login('eve', PASSWORD), 'team/app')).toEqual([]);
  });

  it('should never let visibility alone grant push or delete', async () => {
    const { login, actionsOn } = await world();
    expect(await actionsOn(await login('eve', PASSWORD), 'team/web')).toEqual(['pull']);
  });

  it('should grant nothing for unknown, too deep or invalid repositories, exactly like for denied ones', async () => {
    const { hooks, login } = await world();
    const root = await login('root', PASSWORD);
    if (!root) throw new Error('login failed');
    const granted = await hooks.authorize(root, [
      { type: 'repository', name: 'nobody/app', actions: ['pull'] },
      { type: 'repository', name: 'team/app/a/b/c/d', actions: ['pull'] },
      { type: 'repository', name: 'UPPER/case', actions: ['pull'] },
      { type: 'repository', name: 'team/app', actions: ['pull'] },
    ]);
    expect(granted).toEqual([{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
  });

  it('should keep only requested actions and expand "*" to what is allowed', async () => {
    const { hooks, login } = await world();
    const dev = await login('dev', PASSWORD);
    const mara = await login('mara', PASSWORD);
    if (!dev || !mara) throw new Error('login failed');
    expect(await hooks.authorize(dev, [{ type: 'repository', name: 'team/app', actions: ['pull'] }])).toEqual([
      { type: 'repository', name: 'team/app', actions: ['pull'] },
    ]);
    expect(await hooks.authorize(dev, [{ type: 'repository', name: 'team/app', actions: ['*'] }])).toEqual([
      { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
    ]);
    expect(await hooks.authorize(mara, [{ type: 'repository', name: 'team/app', actions: ['*'] }])).toEqual([
      { type: 'repository', name: 'team/app', actions: ['*'] },
    ]);
  });
});

describe('authorize: catalog', () => {
  it('should list the catalog for admins only', async () => {
    const { store, hooks, login } = await world();
    const catalog = [{ type: 'registry' as const, name: 'catalog', actions: ['*' as const] }];
    const root = await login('root', PASSWORD);
    const olga = await login('olga', PASSWORD);
    if (!root || !olga) throw new Error('login failed');
    expect(await hooks.authorize(root, catalog)).toEqual(catalog);
    expect(await hooks.authorize(olga, catalog)).toEqual([]);
    expect(await hooks.authorize(ANONYMOUS, catalog)).toEqual([]);
    const { secret } = await store.createPersonalAccessToken({ user: 'root', name: 'ci', scopes: ['write_registry'] });
    const writeOnly = await login('root', secret);
    if (!writeOnly) throw new Error('login failed');
    expect(await hooks.authorize(writeOnly, catalog)).toEqual([]);
  });

  it('should grant nothing for other registry resources', async () => {
    const { hooks, login } = await world();
    const root = await login('root', PASSWORD);
    if (!root) throw new Error('login failed');
    expect(await hooks.authorize(root, [{ type: 'registry', name: 'other', actions: ['*'] }])).toEqual([]);
  });
});
