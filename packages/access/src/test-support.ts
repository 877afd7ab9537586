/**
 * Test helpers: real temporary directories (removed after each test), a settable clock, and a
 * small seeded world. Stores use a low scrypt cost so password tests stay fast; nothing is mocked.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, inject } from 'vitest';
import type { Credentials } from '@wharf/core';
import { testBackend } from '@wharf/db/testing';
import { createAccessHooks } from './auth/access-hooks.js';
import { AccessStore, type AccessStoreOptions } from './store/access-store.js';
import { closeTestStores, openTestStoreOn } from './testing.js';

// The store is the metadata database's (SQLite; PostgreSQL in the postgres project), or the
// JSON file's with WHARF_TEST_ACCESS=json: see testing.ts.
const { backend } = testBackend(inject('wharfPostgresUrl') ?? '', inject('wharfPostgresMissing') ?? '');
afterEach(closeTestStores);

/** A function making fresh temp directories, all removed after each test. */
export function tempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-access-'));
    dirs.push(dir);
    return dir;
  };
}

/** A clock tests move by hand. */
export class TestClock {
  constructor(public time = Date.parse('2026-03-01T12:00:00Z')) {}
  readonly now = (): Date => new Date(this.time);
  advance(ms: number): void {
    this.time += ms;
  }
}

/** Open the JSON file store of `dir` with a cheap password hash, whatever the run's backend (tests of the file itself). */
export function openJsonTestStore(dir: string, options: AccessStoreOptions = {}): Promise<AccessStore> {
  return AccessStore.open(dir, { passwordCost: 10, ...options });
}

/** Open the store of `dir` with a cheap password hash (and an optional clock), on the run's backend. */
export function openTestStore(dir: string, options: AccessStoreOptions = {}): Promise<AccessStore> {
  return openTestStoreOn(dir, { passwordCost: 10, ...options }, backend);
}

export const PASSWORD = 'password-123';

/**
 * A small world:
 * - group `team` (public) with projects `team/app` (private), `team/docs` (internal),
 *   `team/web` (public) and subgroup `team/sub` (private) with `team/sub/svc` (private);
 *   group `other` (private) with `other/lib` (private);
 * - users `root` (admin), `olga` (owner of group team), `mara` (maintainer of team/app),
 *   `dev` (developer of team/app), `rita` (reporter of group team), `gus` (guest of team/app),
 *   `eve` (no membership), `ext` (external, no membership); all with {@link PASSWORD}.
 */
export async function seedWorld(store: AccessStore): Promise<void> {
  for (const username of ['root', 'olga', 'mara', 'dev', 'rita', 'gus', 'eve', 'ext']) {
    await store.createUser({ username, password: PASSWORD, admin: username === 'root', external: username === 'ext' });
  }
  await store.createGroup({ path: 'team', visibility: 'public' });
  await store.createGroup({ path: 'other' });
  await store.createGroup({ path: 'team/sub' });
  await store.createProject({ path: 'team/app' });
  await store.createProject({ path: 'team/docs', visibility: 'internal' });
  await store.createProject({ path: 'team/web', visibility: 'public' });
  await store.createProject({ path: 'team/sub/svc' });
  await store.createProject({ path: 'other/lib' });
  await store.addMember({ group: 'team', user: 'olga', role: 'owner' });
  await store.addMember({ group: 'team', user: 'rita', role: 'reporter' });
  await store.addMember({ project: 'team/app', user: 'mara', role: 'maintainer' });
  await store.addMember({ project: 'team/app', user: 'dev', role: 'developer' });
  await store.addMember({ project: 'team/app', user: 'gus', role: 'guest' });
}

/** Hooks over a store with two shortcuts: log in with a password, and ask for one repository's actions. */
export function testHooks(store: AccessStore) {
  const hooks = createAccessHooks(store);
  const login = (username: string, password: string) => hooks.authenticate({ kind: 'password', username, password } satisfies Credentials);
  const actionsOn = async (principal: Parameters<typeof hooks.authorize>[0] | null, name: string): Promise<string[]> => {
    if (principal === null) throw new Error('login failed');
    const granted = await hooks.authorize(principal, [{ type: 'repository', name, actions: ['pull', 'push', 'delete'] }]);
    return [...(granted[0]?.actions ?? [])].sort();
  };
  return { hooks, login, actionsOn };
}
