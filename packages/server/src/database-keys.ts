/**
 * The token-signing keys in the metadata database ({@link DatabaseKeys}), so that every server
 * on one database signs and verifies with the same ring: a token issued by one server is
 * accepted by the others, and `wharf keys rotate` run anywhere reaches them all within
 * {@link RELOAD_CHECK_MS}.
 *
 * The ring is one row (`signing_keys`, the `KeyRing` JSON core writes and reads, private keys
 * included — like the key file it replaces, the database must be kept private) with a revision
 * that every rotation bumps. A data directory from before the database has `auth/keys.json`:
 * its ring is taken on the first start, so tokens and sessions it signed keep working.
 * Concurrent first starts agree on one ring (the insert that loses is dropped and the winner's
 * ring read back).
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { KeyRing } from '@wharf/core';
import type { MigrationDb, WharfMigration } from '@wharf/db';

/** How often a server looks whether the ring was rotated. */
export const RELOAD_CHECK_MS = 5_000;

export interface SigningKeysRow {
  id: number;
  /** `KeyRing.toJSON()`, as JSON text. */
  ring: string;
  revision: number;
}

export interface KeyTables {
  signing_keys: SigningKeysRow;
}

export const SIGNING_KEYS_MIGRATION: WharfMigration = {
  name: '0003_signing_keys',
  async up(db: MigrationDb) {
    await db.schema
      .createTable('signing_keys')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('ring', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .execute();
  },
};

/** What {@link DatabaseKeys.open} did. */
export type KeysOrigin = 'database' | 'generated' | 'key file';

/** The signing keys every server on one database shares. */
export class DatabaseKeys {
  #revision: number;
  #checkedAt = 0;

  private constructor(
    private readonly db: Kysely<KeyTables>,
    readonly ring: KeyRing,
    revision: number,
    readonly origin: KeysOrigin,
  ) {
    this.#revision = revision;
  }

  /**
   * The database's ring; on a database without one, the ring of `legacyFile` (the key file of
   * a data directory from before the database) or a new one.
   * @throws DatabaseUnavailableError; Error when the legacy file is not a key ring
   */
  static async open(db: Kysely<KeyTables>, legacyFile?: string): Promise<DatabaseKeys> {
    const found = await db.selectFrom('signing_keys').selectAll().where('id', '=', 1).executeTakeFirst();
    if (found) return new DatabaseKeys(db, await KeyRing.fromJSON(JSON.parse(found.ring)), found.revision, 'database');
    const legacy = legacyFile ? await readFile(legacyFile, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error))) : null;
    const ring = legacy === null ? await KeyRing.generate() : await KeyRing.fromJSON(JSON.parse(legacy));
    await db
      .insertInto('signing_keys')
      .values({ id: 1, ring: JSON.stringify(ring.toJSON()), revision: 1 })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    // Another server may have inserted first: everyone uses the row that is there.
    const stored = await db.selectFrom('signing_keys').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
    const mine = stored.ring === JSON.stringify(ring.toJSON());
    return new DatabaseKeys(db, mine ? ring : await KeyRing.fromJSON(JSON.parse(stored.ring)), stored.revision, mine ? (legacy === null ? 'generated' : 'key file') : 'database');
  }

  /** Reload the ring if another server rotated it (looks at most every {@link RELOAD_CHECK_MS}). */
  async refresh(now = Date.now()): Promise<void> {
    if (now - this.#checkedAt < RELOAD_CHECK_MS) return;
    this.#checkedAt = now;
    const row = await this.db.selectFrom('signing_keys').select(['revision', 'ring']).where('id', '=', 1).executeTakeFirst();
    if (!row || row.revision === this.#revision) return;
    await this.ring.reload(JSON.parse(row.ring));
    this.#revision = row.revision;
  }

  /**
   * Make a new signing key, drop keys superseded more than `graceMs` ago, and store the ring for
   * every server; rotations from two places at once both land, one after the other.
   * @returns the new key's id
   */
  async rotate(graceMs?: number): Promise<string> {
    return this.db.transaction().execute(async (tx) => {
      // Bumping first holds the row: a concurrent rotation waits and then rotates our result.
      const bumped = await tx
        .updateTable('signing_keys')
        .set((eb) => ({ revision: eb('revision', '+', 1) }))
        .where('id', '=', 1)
        .returning(['revision', 'ring'])
        .executeTakeFirstOrThrow();
      await this.ring.reload(JSON.parse(bumped.ring));
      const kid = await this.ring.rotate();
      this.ring.prune(graceMs);
      await tx.updateTable('signing_keys').set({ ring: JSON.stringify(this.ring.toJSON()) }).where('id', '=', 1).execute();
      this.#revision = bumped.revision;
      return kid;
    });
  }
}
