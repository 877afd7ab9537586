import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessStore } from '@wharf/access';
import { KeyRing } from '@wharf/core';
import type { CommandIo } from './command-io.js';
import { accessDir, keyFilePath } from './data-dir.js';
import { DatabaseKeys } from './database-keys.js';
import { runDbCommand } from './db-command.js';
import { accessJsonPath, openMetadata } from './metadata-db.js';

/** How the store keeps a token: the hex sha256 of its secret. */
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-metadata-'));
  dirs.push(dir);
  return dir;
}

function capture(): { io: CommandIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

/** A data directory as Wharf left it before the database: access/access.json with a user, a project and a token. */
async function legacyDataDir(): Promise<{ dir: string; secret: string }> {
  const dir = await dataDir();
  const json = await AccessStore.open(accessDir(dir), { passwordCost: 10 });
  await json.createUser({ username: 'alice', password: 'alice-password-1' });
  await json.createGroup({ path: 'team' });
  await json.createProject({ path: 'team/app' });
  await json.addMember({ user: 'alice', project: 'team/app', role: 'developer' });
  const { secret } = await json.createPersonalAccessToken({ user: 'alice', name: 'laptop', scopes: ['read_registry'] });
  return { dir, secret };
}

describe('the metadata database of the standalone server', () => {
  it('should move a data directory’s access.json in on the first start, tokens and numbers intact, and rename the file', async () => {
    const { dir, secret } = await legacyDataDir();
    const before = await (await AccessStore.open(accessDir(dir))).state();
    const first = await openMetadata(dir);
    try {
      expect(first.notices.join('\n')).toMatch(/moved the access store .*access\.json into the database/);
      const state = await first.store.state();
      expect(state.user('alice')?.number).toBe(before.user('alice')?.number);
      expect(state.project('team/app')?.number).toBe(before.project('team/app')?.number);
      expect(state.personalAccessTokenByHash(hashOf(secret))?.name).toBe('laptop');
      expect(state.membershipsOf(state.user('alice')?.id ?? '')).toHaveLength(1);
    } finally {
      await first.close();
    }
    expect(existsSync(accessJsonPath(dir))).toBe(false);
    expect(existsSync(`${accessJsonPath(dir)}.imported`)).toBe(true);
    const again = await openMetadata(dir);
    try {
      expect(again.notices).toHaveLength(1);
      expect((await again.store.state()).user('alice')).toBeDefined();
    } finally {
      await again.close();
    }
  });

  it('should import with wharf db import once, change nothing on a second run, and refuse other data without --replace', async () => {
    const { dir } = await legacyDataDir();
    const backup = await readFile(accessJsonPath(dir), 'utf8');
    const ran = capture();
    expect(await runDbCommand(['import', '--data', dir], ran.io)).toBe(0);
    expect(ran.out.join('')).toMatch(/: imported .*access\.json/);
    // the same file again (restored from a backup): already there, nothing changes
    await writeFile(accessJsonPath(dir), backup);
    const second = capture();
    expect(await runDbCommand(['import', '--data', dir], second.io)).toBe(0);
    expect(second.out.join('')).toMatch(/already held everything in/);
    // a file with other data: refused, then loaded over the database with --replace
    const metadata = await openMetadata(dir);
    await metadata.store.createUser({ username: 'bob', password: null });
    await metadata.close();
    await writeFile(accessJsonPath(dir), backup);
    const refused = capture();
    expect(await runDbCommand(['import', '--data', dir], refused.io)).toBe(1);
    expect(refused.err.join('')).toMatch(/already holds other users.*--replace/);
    expect(existsSync(accessJsonPath(dir))).toBe(true);
    const replaced = capture();
    expect(await runDbCommand(['import', '--replace', '--data', dir], replaced.io)).toBe(0);
    const after = await openMetadata(dir);
    try {
      expect((await after.store.state()).user('bob')).toBeUndefined();
      expect((await after.store.state()).user('alice')).toBeDefined();
    } finally {
      await after.close();
    }
    const none = capture();
    expect(await runDbCommand(['import', '--data', dir], none.io)).toBe(0);
    expect(none.out.join('')).toMatch(/nothing to import/);
  });

  it('should report the database and its migrations with wharf db status and apply them with wharf db migrate', async () => {
    const dir = await dataDir();
    const before = capture();
    expect(await runDbCommand(['status', '--data', dir], before.io)).toBe(0);
    expect(before.out.join('')).toMatch(/database: SQLite .*wharf\.db[\s\S]*applied: +none[\s\S]*pending: +0001_access, 0002_login_events, 0003_signing_keys/);
    const migrated = capture();
    expect(await runDbCommand(['migrate', '--data', dir], migrated.io)).toBe(0);
    expect(migrated.out.join('')).toMatch(/applied 0001_access, 0002_login_events, 0003_signing_keys/);
    const after = capture();
    expect(await runDbCommand(['status', '--data', dir], after.io)).toBe(0);
    expect(after.out.join('')).toMatch(/pending: +none/);
    expect(await runDbCommand(['vacuum', '--data', dir], capture().io)).toBe(2);
  });

  it('should take over the signing keys of a data directory from before the database, so its tokens stay valid', async () => {
    const dir = await dataDir();
    const ring = await KeyRing.generate();
    await mkdir(join(dir, 'auth'), { recursive: true });
    await writeFile(keyFilePath(dir), JSON.stringify(ring.toJSON()));
    const metadata = await openMetadata(dir);
    try {
      const keys = await DatabaseKeys.open(metadata.view(), keyFilePath(dir));
      expect(keys.origin).toBe('key file');
      expect(keys.ring.current.kid).toBe(ring.current.kid);
      // a second server on the same database gets the same ring, not a new one
      const other = await DatabaseKeys.open(metadata.view());
      expect(other.origin).toBe('database');
      expect(other.ring.current.kid).toBe(ring.current.kid);
      const kid = await other.rotate();
      await keys.refresh(Date.now() + 60_000);
      expect(keys.ring.current.kid).toBe(kid);
    } finally {
      await metadata.close();
    }
  });
});
