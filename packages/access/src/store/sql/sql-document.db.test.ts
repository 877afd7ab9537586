import { afterEach, describe, expect, inject, it } from 'vitest';
import { migrateToLatest, type WharfDatabase } from '@wharf/db';
import { openTestDatabase, reopenTestDatabase, type TestDatabase, testBackend } from '@wharf/db/testing';
import { encodeDocument } from '../../model/document-codec.js';
import { AccessStore } from '../access-store.js';
import { ACCESS_MIGRATIONS, type AccessTables } from './access-tables.js';
import { isAccessError } from '../../model/access-error.js';
import { hashToken } from '../../auth/secrets.js';

// Runs on SQLite in the unit project and on PostgreSQL in the postgres project (WHARF_TEST_DB).
const { backend, skip } = testBackend(inject('wharfPostgresUrl') ?? '', inject('wharfPostgresMissing') ?? '');

const opened: TestDatabase<AccessTables>[] = [];
const others: WharfDatabase<AccessTables>[] = [];
afterEach(async () => {
  await Promise.all(others.splice(0).map((d) => d.close()));
  await Promise.all(opened.splice(0).map((d) => d.drop()));
});

/** A fresh migrated database and a store on it: "server A". */
async function serverA(): Promise<{ database: TestDatabase<AccessTables>; store: AccessStore }> {
  const database = await openTestDatabase<AccessTables>(backend);
  opened.push(database);
  await migrateToLatest(database.db, ACCESS_MIGRATIONS);
  return { database, store: await AccessStore.openDatabase(database, { passwordCost: 10 }) };
}

/** Another server on the same database, with its own connection(s) (see reopenTestDatabase). */
async function serverB(a: TestDatabase<AccessTables>): Promise<AccessStore> {
  const database = await reopenTestDatabase(a);
  others.push(database);
  return AccessStore.openDatabase(database, { passwordCost: 10 });
}

async function seed(store: AccessStore): Promise<{ token: string; tokenId: string }> {
  await store.createUser({ username: 'alice', password: 'password-123' });
  await store.createUser({ username: 'bob', password: null, admin: true });
  await store.createGroup({ path: 'team', visibility: 'internal' });
  await store.createGroup({ path: 'team/sub', visibility: 'internal' });
  await store.createProject({ path: 'team/app' });
  await store.createProject({ path: 'team/sub/svc', visibility: 'internal' });
  await store.addMember({ user: 'alice', project: 'team/app', role: 'developer' });
  await store.addMember({ user: 'bob', group: 'team', role: 'owner' });
  await store.setProjectRegistryAccessLevel('team/sub/svc', 'private');
  await store.createTagRule('team/app', { tagNamePattern: '^v[0-9]', minimumAccessLevelForPush: null, minimumAccessLevelForDelete: null });
  await store.createTagRule('team/app', { tagNamePattern: '^release-', minimumAccessLevelForPush: 'maintainer', minimumAccessLevelForDelete: 'owner' });
  await store.createDeployToken({ name: 'ci', project: 'team/app', scopes: ['read_registry'], expiresAt: null });
  await store.startJob({ project: 'team/app', user: 'alice' });
  const pat = await store.createPersonalAccessToken({ user: 'alice', name: 'laptop', scopes: ['read_registry', 'write_registry'], expiresAt: null });
  return { token: pat.secret, tokenId: pat.token.id };
}

const snapshot = async (store: AccessStore) => {
  const { revision: _revision, ...rest } = encodeDocument((await store.state()).document as never);
  return { ...rest, members: [...rest.members].sort((x, y) => `${x.userId}${x.target.id}`.localeCompare(`${y.userId}${y.target.id}`)) };
};

describe.skipIf(skip)(`the access store in the database (${backend.kind})`, () => {
  it('should read back on another connection exactly the document the writes made', async () => {
    const { database, store } = await serverA();
    await seed(store);
    const b = await serverB(database);
    expect(await snapshot(b)).toEqual(await snapshot(store));
    expect((await b.state()).revision).toBe((await store.state()).revision);
    const app = (await b.state()).project('team/app');
    expect(app?.containerTagRules?.map((r) => r.tagNamePattern)).toEqual(['^v[0-9]', '^release-']);
  });

  it("should refuse on server B a token revoked on server A at B's next request", async () => {
    const { database, store: a } = await serverA();
    const { token, tokenId } = await seed(a);
    const b = await serverB(database);
    const hash = hashToken(token);
    expect((await b.state()).personalAccessTokenByHash(hash)?.revoked).toBe(false);
    await a.revokePersonalAccessToken(tokenId);
    expect((await b.state()).personalAccessTokenByHash(hash)?.revoked).toBe(true);
  });

  it('should carry removals to another server: a deleted user with their tokens and memberships, a removed member', async () => {
    const { database, store: a } = await serverA();
    await seed(a);
    const b = await serverB(database);
    await b.state();
    await a.removeMember({ user: 'bob', group: 'team' });
    await a.deleteUser('alice');
    const state = await b.state();
    expect(state.user('alice')).toBeUndefined();
    expect([...state.document.personalAccessTokens.values()]).toEqual([]);
    expect(state.document.members).toEqual([]);
    expect(await snapshot(b)).toEqual(await snapshot(a));
  });

  it('should write only the rows a change touched', async () => {
    const { database, store } = await serverA();
    await seed(store);
    const before = (await store.state()).revision;
    await store.createPersonalAccessToken({ user: 'bob', name: 'one more', scopes: ['api'], expiresAt: null });
    const revision = (await store.state()).revision;
    expect(revision).toBe(before + 1);
    const db = database.db;
    const written = async (table: 'access_users' | 'access_projects' | 'access_personal_access_tokens' | 'access_members') =>
      (await db.selectFrom(table).select('revision').where('revision', '=', revision).execute()).length;
    expect(await written('access_personal_access_tokens')).toBe(1);
    expect(await written('access_users')).toBe(0);
    expect(await written('access_projects')).toBe(0);
    expect(await written('access_members')).toBe(0);
  });

  it('should let two servers write at once without losing a change or giving a number twice', async () => {
    const { database } = await serverA();
    const [a, b] = [await serverB(database), await serverB(database)];
    await Promise.all(
      Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? a : b).createUser({ username: `user${i}`, password: null })),
    );
    const state = await a.state();
    expect(state.document.users.size).toBe(24);
    const numbers = [...state.document.users.values()].map((u) => u.number).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(await snapshot(b)).toEqual(await snapshot(a));
  });

  it("should apply two servers' concurrent changes to one list both, losing neither", async () => {
    const { database } = await serverA();
    const [a, b] = [await serverB(database), await serverB(database)];
    await a.createUser({ username: 'olga', password: null });
    await a.createUser({ username: 'omar', password: null });
    await a.createUser({ username: 'otto', password: null });
    await a.createGroup({ path: 'team' });
    for (const user of ['olga', 'omar', 'otto']) await a.addMember({ user, group: 'team', role: 'owner' });
    await Promise.all([a.removeMember({ user: 'olga', group: 'team' }), b.setMemberRole({ user: 'omar', group: 'team', role: 'developer' })]);
    const { document } = await a.state();
    const members = document.members.map((m) => `${document.users.get(m.userId)?.username}:${m.role}`);
    expect(members.sort()).toEqual(['omar:developer', 'otto:owner']);
    expect(await snapshot(b)).toEqual(await snapshot(a));
  });

  it('should store nothing of a change that throws, or of one the tables cannot hold', async () => {
    const { store } = await serverA();
    await seed(store);
    const before = await snapshot(store);
    const revision = (await store.state()).revision;
    await expect(
      store.update((doc) => {
        doc.users.delete([...doc.users.keys()][0] as string);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const bad = await store
      .update((doc) => {
        const user = [...doc.users.values()][0];
        if (user) doc.users.set(user.id, { ...user, createdAt: 'yesterday' });
      })
      .catch((e: unknown) => e);
    expect(isAccessError(bad) && bad.code).toBe('INVALID');
    expect(String(bad)).toMatch(/createdAt/);
    expect((await store.state()).revision).toBe(revision);
    expect(await snapshot(store)).toEqual(before);
  });

  it('should reload everything when it is further behind than the removals still remembered', async () => {
    const { database, store: a } = await serverA();
    await seed(a);
    const b = await serverB(database);
    await b.state();
    await a.deleteUser('alice');
    // what pruning does after REMOVALS_KEPT revisions, done now
    await database.db.deleteFrom('access_removals').execute();
    const now = (await a.state()).revision;
    await database.db.updateTable('access_meta').set({ pruned_through: now }).execute();
    expect((await b.state()).user('alice')).toBeUndefined();
    expect(await snapshot(b)).toEqual(await snapshot(a));
  });

  it('should refuse to open on a row that is not a valid record, naming it', async () => {
    const { database, store } = await serverA();
    await seed(store);
    await database.db.updateTable('access_users').set({ created_at: 'not a time', revision: 999 }).where('username', '=', 'bob').execute();
    await database.db.updateTable('access_meta').set({ revision: 999 }).execute();
    await expect(serverB(database)).rejects.toThrow(/invalid record: users\.\w+\.createdAt/);
  });
});
