import { ANONYMOUS } from '@wharf/core';
import { describe, expect, it } from 'vitest';
import { openTestStore, PASSWORD, seedWorld, tempDirs, testHooks } from '../test-support.js';

const tempDir = tempDirs();

async function world() {
  const store = await openTestStore(await tempDir());
  await seedWorld(store);
  return { store, ...testHooks(store) };
}

describe('a project registry open to members only (container_registry_access_level: private)', () => {
  it('should hide a public project\'s images from anonymous users and non-members, and keep members\' rights', async () => {
    const { store, login, actionsOn } = await world();
    const eve = await login('eve', PASSWORD);
    const rita = await login('rita', PASSWORD);
    const olga = await login('olga', PASSWORD);
    expect(await actionsOn(ANONYMOUS, 'team/web')).toEqual(['pull']);
    expect(await actionsOn(eve, 'team/web')).toEqual(['pull']);

    await store.setProjectRegistryAccessLevel('team/web', 'private');
    expect(await actionsOn(ANONYMOUS, 'team/web')).toEqual([]);
    expect(await actionsOn(eve, 'team/web')).toEqual([]);
    expect(await actionsOn(rita, 'team/web')).toEqual(['pull']);
    expect(await actionsOn(olga, 'team/web')).toEqual(['delete', 'pull', 'push']);
  });

  it('should refuse an internal project\'s images to logged-in non-members, and give them back when enabled', async () => {
    const { store, login, actionsOn } = await world();
    const eve = await login('eve', PASSWORD);
    const root = await login('root', PASSWORD);
    await store.setProjectRegistryAccessLevel('team/docs', 'private');
    expect(await actionsOn(eve, 'team/docs')).toEqual([]);
    expect(await actionsOn(root, 'team/docs')).toEqual(['delete', 'pull', 'push']);
    await store.setProjectRegistryAccessLevel('team/docs', 'enabled');
    expect(await actionsOn(eve, 'team/docs')).toEqual(['pull']);
  });

  it('should keep the project\'s deploy tokens working', async () => {
    const { store, hooks, actionsOn } = await world();
    await store.setProjectRegistryAccessLevel('team/web', 'private');
    const deploy = await store.createDeployToken({ project: 'team/web', scopes: ['read_registry'] });
    const principal = await hooks.authenticate({ kind: 'password', username: deploy.token.username, password: deploy.secret });
    expect(await actionsOn(principal, 'team/web')).toEqual(['pull']);
  });
});
