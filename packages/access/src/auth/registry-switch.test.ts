import { readFile, writeFile } from 'node:fs/promises';
import { ANONYMOUS } from '@wharf/core';
import { describe, expect, it } from 'vitest';
import { decodeDocument, encodeDocument } from '../model/document-codec.js';
import { openJsonTestStore, openTestStore, PASSWORD, seedWorld, tempDirs, testHooks } from '../test-support.js';
import { explainRegistryOff } from './namespace-view.js';

const tempDir = tempDirs();

/** The seeded world, on the run's backend; `json`: on the JSON file store (tests that read the file). */
async function world(json = false) {
  const dir = await tempDir();
  const store = await (json ? openJsonTestStore : openTestStore)(dir);
  await seedWorld(store);
  return { dir, store, ...testHooks(store) };
}

describe('the container registry switch of a project', () => {
  it('should be on for new projects, and refuse every action to everyone while off', async () => {
    const { store, login, actionsOn } = await world();
    expect((await store.getProject('team/app')).containerRegistryAccessLevel).toBeUndefined();
    const root = await login('root', PASSWORD);
    const mara = await login('mara', PASSWORD);
    expect(await actionsOn(root, 'team/app')).toEqual(['delete', 'pull', 'push']);

    await store.setProjectRegistryAccessLevel('team/app', 'disabled');
    await store.setProjectRegistryAccessLevel('team/web', 'disabled');
    expect(await actionsOn(root, 'team/app')).toEqual([]);
    expect(await actionsOn(root, 'team/app/deep/image')).toEqual([]);
    expect(await actionsOn(mara, 'team/app')).toEqual([]);
    expect(await actionsOn(ANONYMOUS, 'team/web')).toEqual([]);
    // other projects are untouched
    expect(await actionsOn(root, 'team/docs')).toEqual(['delete', 'pull', 'push']);
    expect(await actionsOn(ANONYMOUS, 'team/docs')).toEqual([]);
  });

  it('should refuse deploy tokens, CI jobs and personal access tokens too, and give everything back once on', async () => {
    const { store, hooks, actionsOn } = await world();
    const deploy = await store.createDeployToken({ project: 'team/app', scopes: ['read_registry', 'write_registry'] });
    const job = await store.startJob({ project: 'team/app', user: 'dev' });
    const root = await store.getUser('root');
    const pat = await store.createPersonalAccessToken({ user: root.id, name: 'all', scopes: ['api'] });
    const principals = await Promise.all([
      hooks.authenticate({ kind: 'password', username: deploy.token.username, password: deploy.secret }),
      hooks.authenticate({ kind: 'password', username: 'gitlab-ci-token', password: job.token }),
      hooks.authenticate({ kind: 'password', username: 'root', password: pat.secret }),
    ]);
    const before = await Promise.all(principals.map((p) => actionsOn(p, 'team/app')));
    expect(before).toEqual([
      ['pull', 'push'],
      ['delete', 'pull', 'push'],
      ['delete', 'pull', 'push'],
    ]);

    await store.setProjectRegistryAccessLevel('team/app', 'disabled');
    expect(await Promise.all(principals.map((p) => actionsOn(p, 'team/app')))).toEqual([[], [], []]);

    await store.setProjectRegistryAccessLevel('team/app', 'enabled');
    expect(await Promise.all(principals.map((p) => actionsOn(p, 'team/app')))).toEqual(before);
  });

  it('should keep the setting in access.json and read older files without it as on', async () => {
    const { dir, store } = await world(true);
    await store.setProjectRegistryAccessLevel('team/app', 'disabled');
    const file = JSON.parse(await readFile(store.path, 'utf8'));
    const app = Object.values(file.projects as Record<string, { path: string; containerRegistryAccessLevel?: string }>).find(
      (p) => p.path === 'team/app',
    );
    expect(app?.containerRegistryAccessLevel).toBe('disabled');
    await expect((await openJsonTestStore(dir)).getProject('team/app')).resolves.toMatchObject({ containerRegistryAccessLevel: 'disabled' });

    // an older file has no such key: still valid, and on
    for (const p of Object.values(file.projects as Record<string, Record<string, unknown>>)) delete p.containerRegistryAccessLevel;
    file.revision += 1;
    await writeFile(store.path, JSON.stringify(file));
    const reopened = await openJsonTestStore(dir);
    const { actionsOn, login } = testHooks(reopened);
    expect(await actionsOn(await login('root', PASSWORD), 'team/app')).toEqual(['delete', 'pull', 'push']);
  });

  it('should refuse an unknown value in the file (the codec is strict)', async () => {
    const { store } = await world();
    await store.setProjectRegistryAccessLevel('team/app', 'disabled');
    const file = encodeDocument((await store.state()).document as never) as unknown as {
      projects: Record<string, Record<string, unknown>>;
    };
    const json = JSON.parse(JSON.stringify(file));
    const id = Object.keys(json.projects)[0] as string;
    json.projects[id].containerRegistryAccessLevel = 'maybe';
    expect(decodeDocument(json)).toMatchObject({ problem: { where: `projects.${id}.containerRegistryAccessLevel` } });
    json.projects[id].containerRegistryAccessLevel = 'enabled';
    expect(decodeDocument(json)).toHaveProperty('doc');
  });

  it('should explain the refusal to those who may see the project, and to nobody else', async () => {
    const { store } = await world();
    await store.setProjectRegistryAccessLevel('team/app', 'disabled');
    await store.setProjectRegistryAccessLevel('team/web', 'disabled');
    const state = await store.state();
    const now = store.now();
    const subject = async (username: string) => `user:${(await store.getUser(username)).id}`;
    const off = 'the container registry is turned off for project team/app';
    expect(explainRegistryOff(state, await subject('dev'), 'team/app/api', now)).toBe(off);
    expect(explainRegistryOff(state, await subject('gus'), 'team/app', now)).toBe(off);
    expect(explainRegistryOff(state, await subject('root'), 'team/app', now)).toBe(off);
    // a private project stays secret from outsiders
    expect(explainRegistryOff(state, await subject('eve'), 'team/app', now)).toBeNull();
    expect(explainRegistryOff(state, '', 'team/app', now)).toBeNull();
    // a public one does not
    expect(explainRegistryOff(state, '', 'team/web', now)).toBe('the container registry is turned off for project team/web');
    // nothing to explain where the registry is on, or there is no project
    expect(explainRegistryOff(state, await subject('dev'), 'team/docs', now)).toBeNull();
    expect(explainRegistryOff(state, await subject('root'), 'nowhere/x', now)).toBeNull();
  });
});
