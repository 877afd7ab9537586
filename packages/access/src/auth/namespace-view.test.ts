import { ANONYMOUS, type Principal } from '@wharf/core';
import { describe, expect, it } from 'vitest';
import { openTestStore, PASSWORD, seedWorld, tempDirs, testHooks } from '../test-support.js';
import { describeNamespace } from './namespace-view.js';

const tempDir = tempDirs();

async function world() {
  const store = await openTestStore(await tempDir());
  await seedWorld(store);
  const { login, hooks } = testHooks(store);
  const describeAs = async (principal: Principal | null, path: string) => {
    if (principal === null) throw new Error('login failed');
    return describeNamespace(await store.state(), principal, path, store.now());
  };
  return { store, login, hooks, describeAs };
}

describe('describeNamespace', () => {
  it('should describe a project with its registry setting and whether the viewer may change it', async () => {
    const { store, login, describeAs } = await world();
    expect(await describeAs(await login('mara', PASSWORD), 'team/app')).toMatchObject({
      kind: 'project',
      path: 'team/app',
      visibility: 'private',
      registryEnabled: true,
      mayChangeSettings: true,
    });
    expect(await describeAs(await login('dev', PASSWORD), 'team/app')).toMatchObject({ mayChangeSettings: false });
    expect(await describeAs(await login('olga', PASSWORD), 'team/app')).toMatchObject({ mayChangeSettings: true });
    expect(await describeAs(await login('root', PASSWORD), 'other/lib')).toMatchObject({ mayChangeSettings: true });
    await store.setProjectRegistryAccessLevel('team/app', 'disabled');
    expect(await describeAs(await login('gus', PASSWORD), 'team/app')).toMatchObject({ registryEnabled: false, mayChangeSettings: false });
  });

  it('should hide private projects and groups from non-members exactly like missing ones', async () => {
    const { login, describeAs } = await world();
    const eve = await login('eve', PASSWORD);
    expect(await describeAs(eve, 'team/app')).toBeNull();
    expect(await describeAs(eve, 'other')).toBeNull();
    expect(await describeAs(eve, 'no/such')).toBeNull();
    expect(await describeAs(ANONYMOUS, 'team/docs')).toBeNull();
    expect(await describeAs(await login('ext', PASSWORD), 'team/docs')).toBeNull();
    // internal for signed-in users, public for everyone
    expect(await describeAs(eve, 'team/docs')).toMatchObject({ kind: 'project', mayChangeSettings: false });
    expect(await describeAs(ANONYMOUS, 'team/web')).toMatchObject({ kind: 'project', mayChangeSettings: false });
    expect(await describeAs(ANONYMOUS, 'team')).toMatchObject({ kind: 'group', registryEnabled: true, mayChangeSettings: false });
  });

  it('should show a private group to members of something inside it', async () => {
    const { store, login, describeAs } = await world();
    await store.addMember({ project: 'other/lib', user: 'eve', role: 'reporter' });
    expect(await describeAs(await login('eve', PASSWORD), 'other')).toMatchObject({ kind: 'group', mayChangeSettings: false });
    expect(await describeAs(await login('olga', PASSWORD), 'team/sub')).toMatchObject({ kind: 'group', mayChangeSettings: true });
  });

  it('should let settings be changed only with a password or an api-scoped token, and never once the user is blocked', async () => {
    const { store, hooks, login, describeAs } = await world();
    const mara = await store.getUser('mara');
    const read = await store.createPersonalAccessToken({ user: mara.id, name: 'read', scopes: ['read_registry'] });
    const api = await store.createPersonalAccessToken({ user: mara.id, name: 'api', scopes: ['api'] });
    const viaToken = (secret: string) => hooks.authenticate({ kind: 'password', username: 'mara', password: secret });
    expect(await describeAs(await viaToken(read.secret), 'team/app')).toMatchObject({ mayChangeSettings: false });
    expect(await describeAs(await viaToken(api.secret), 'team/app')).toMatchObject({ mayChangeSettings: true });

    const session = await login('mara', PASSWORD);
    await store.updateUser('mara', { blocked: true });
    expect(await describeAs(session, 'team/app')).toBeNull();
  });
});
