/**
 * Names that are properties of every JavaScript object (`constructor`, `__proto__`,
 * `hasOwnProperty`, `toString`, …) used as usernames, group and project paths, token names and
 * as references: the store treats them like any other name. Before the store kept entities in
 * `Map`s, `doc.users["constructor"]` found `Object`, so such a user could not be deleted,
 * blocking it failed, and lookups of missing names answered with junk.
 */
import { describe, expect, it } from 'vitest';
import { credentialContext } from '../auth/credential-context.js';
import { AccessError } from '../model/access-error.js';
import { openTestStore, PASSWORD, seedWorld, tempDirs, testHooks } from '../test-support.js';

const tempDir = tempDirs();
const NAMES = ['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf', 'prototype', '__defineGetter__', 'isPrototypeOf'];
const PATHS = ['constructor', 'prototype', 'tostring', 'valueof', 'hasownproperty'];

async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AccessError)) throw new Error(`expected an AccessError, got ${String(error)}`);
  return error.code;
}

describe('access store: names that are object properties', () => {
  it('should answer NOT_FOUND for every lookup of such a name in an empty store', async () => {
    const store = await openTestStore(await tempDir());
    for (const name of NAMES) {
      expect(await refusal(store.getUser(name))).toBe('NOT_FOUND');
      expect(await refusal(store.updateUser(name, { blocked: true }))).toBe('NOT_FOUND');
      expect(await refusal(store.deleteUser(name))).toBe('NOT_FOUND');
      expect(await refusal(store.getGroup(name))).toBe('NOT_FOUND');
      expect(await refusal(store.deleteGroup(name))).toBe('NOT_FOUND');
      expect(await refusal(store.getProject(name))).toBe('NOT_FOUND');
      expect(await refusal(store.deleteProject(name))).toBe('NOT_FOUND');
      expect(await refusal(store.listMembers({ group: name }))).toBe('NOT_FOUND');
      expect(await refusal(store.getPersonalAccessToken(name))).toBe('NOT_FOUND');
      expect(await refusal(store.revokePersonalAccessToken(name))).toBe('NOT_FOUND');
      expect(await refusal(store.listPersonalAccessTokens(name))).toBe('NOT_FOUND');
      expect(await refusal(store.getDeployToken(name))).toBe('NOT_FOUND');
      expect(await refusal(store.revokeDeployToken(name))).toBe('NOT_FOUND');
      expect(await refusal(store.getJob(name))).toBe('NOT_FOUND');
      expect(await refusal(store.finishJob(name))).toBe('NOT_FOUND');
    }
    expect(await store.listUsers()).toEqual([]);
  });

  it('should create, block, unblock and delete users with such names, who then can no longer log in', async () => {
    const store = await openTestStore(await tempDir());
    const { login } = testHooks(store);
    await store.createUser({ username: 'root', password: PASSWORD, admin: true });
    for (const name of NAMES) {
      const created = await store.createUser({ username: name, password: PASSWORD });
      expect(await store.getUser(name)).toEqual(created);
      expect(await login(name, PASSWORD)).toMatchObject({ username: name });
      expect(await store.updateUser(name, { blocked: true })).toMatchObject({ username: name, blocked: true });
      expect(await login(name, PASSWORD)).toBeNull();
      expect(await store.updateUser(name, { blocked: false })).toMatchObject({ blocked: false });
      expect((await store.deleteUser(name)).id).toBe(created.id);
      expect(await refusal(store.getUser(name))).toBe('NOT_FOUND');
      expect(await login(name, PASSWORD)).toBeNull();
    }
    expect((await store.listUsers()).map((u) => u.username)).toEqual(['root']);
  });

  it('should create and delete groups and projects at such paths, with members and tokens', async () => {
    const store = await openTestStore(await tempDir());
    await seedWorld(store);
    for (const path of PATHS) {
      const group = await store.createGroup({ path });
      const project = await store.createProject({ path: `${path}/${path}` });
      await store.addMember({ group: path, user: 'dev', role: 'developer' });
      const { token } = await store.createDeployToken({ project: `${path}/${path}`, name: path, scopes: ['read_registry'] });
      expect(await store.getGroup(path)).toEqual(group);
      expect((await store.listMembers({ group: path })).map((m) => m.username)).toEqual(['dev']);
      expect((await store.deleteProject(`${path}/${path}`)).id).toBe(project.id);
      expect(await refusal(store.getDeployToken(token.id))).toBe('NOT_FOUND');
      expect((await store.deleteGroup(path)).id).toBe(group.id);
      expect(await refusal(store.getGroup(path))).toBe('NOT_FOUND');
    }
  });

  it('should keep tokens named like object properties, and find none by such an id', async () => {
    const store = await openTestStore(await tempDir());
    await seedWorld(store);
    for (const name of NAMES) {
      const { token } = await store.createPersonalAccessToken({ user: 'dev', name, scopes: ['read_registry'] });
      expect(token.name).toBe(name);
      await expect(store.createDeployToken({ project: 'team/app', name, username: name, scopes: ['read_registry'] })).resolves.toBeTruthy();
    }
    expect(await store.listPersonalAccessTokens('dev')).toHaveLength(NAMES.length);
    expect(await refusal(store.startJob({ project: 'team/app', user: 'constructor' }))).toBe('NOT_FOUND');
  });

  it('should find no credential for subjects and sessions named like object properties', async () => {
    const store = await openTestStore(await tempDir());
    await seedWorld(store);
    const state = await store.state();
    for (const name of NAMES) {
      for (const kind of ['user', 'deploy-token', 'job']) {
        expect(credentialContext(state, `${kind}:${name}`, undefined, new Date())).toBeNull();
        expect(credentialContext(state, `${kind}:${name}`, name, new Date())).toBeNull();
      }
      expect(state.user(name)).toBeUndefined();
      expect(state.group(name)).toBeUndefined();
      expect(state.project(name)).toBeUndefined();
      expect(state.groupChain(name)).toEqual([]);
    }
  });

  it('should hand out a state whose maps refuse changes', async () => {
    const store = await openTestStore(await tempDir());
    await seedWorld(store);
    const state = await store.state();
    const users = state.document.users as Map<string, unknown>;
    expect(() => users.set('x', {})).toThrow(TypeError);
    expect(() => users.delete([...users.keys()][0] as string)).toThrow(TypeError);
    expect(() => users.clear()).toThrow(TypeError);
    expect(state.document.users.size).toBe(8);
  });
});
