/**
 * The access document kept in the metadata database ({@link SqlDocument}): the same contract as
 * the JSON file's {@link PersistentDocument} — `state()` for the auth rules, `update(change)` for
 * the model's writes — so every rule of the model runs unchanged on either. What differs is the
 * cost and the reach:
 *
 * - A write touches only the rows the change touched. The model's changes are immutable updates
 *   (`map.set(id, { ...record, revoked: true })`), so a record that is still the very object it
 *   was before the change did not change; the diff is an identity check per entity, and creating
 *   the 4,000th token writes one row, as the first did. Changed records are checked with the
 *   file's zod schemas before they are written.
 * - Writers take turns on the `access_meta` row: the first statement of every write bumps its
 *   revision, which locks the row until commit (PostgreSQL) or takes the database's write lock
 *   (SQLite). Inside that turn the writer first catches up with what others committed, so a rule
 *   such as "the last owner cannot leave" is checked against the latest data and written in the
 *   same transaction: no other server can slip a change in between.
 * - Reads cost one indexed query when nothing changed (the revision), and otherwise read only the
 *   rows written since the revision this process holds, in one snapshot: a token revoked on
 *   another server is refused by this one on its next request.
 *
 * Removals are remembered in `access_removals` so catching up sees them; they are forgotten after
 * {@link REMOVALS_KEPT} revisions, and a process further behind than that reloads everything.
 * @module
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { WharfDatabase } from '@wharf/db';
import { AccessError } from '../../model/access-error.js';
import { AccessState, type ReadonlyAccessDocument } from '../../model/access-state.js';
import { type AccessDocument, DOCUMENT_FORMAT, emptyDocument, type MemberRecord, memberSchema, type ProjectRecord, projectSchema } from '../../model/schema.js';
import type { AccessTables, TagRuleRow } from './access-tables.js';
import { checked, type MapKind, memberFromRow, memberKey, memberRow, PLAIN_KINDS, PROJECTS, projectWithRules, tagRuleRows } from './record-rows.js';

type Db = Kysely<AccessTables>;
/** A table of rows keyed by `id`, seen loosely: the kinds are handled alike. */
// biome-ignore lint/suspicious/noExplicitAny: one code path for every map kind's table
type AnyKind = MapKind<any, any>;

/** How many revisions removals are remembered for catching up. */
export const REMOVALS_KEPT = 1000;
/** Rows per statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 200;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** A private, changeable copy of a frozen document: new maps and lists holding the same (frozen) records. */
function copyOf(doc: ReadonlyAccessDocument): AccessDocument {
  return {
    format: DOCUMENT_FORMAT,
    revision: doc.revision,
    users: new Map(doc.users),
    groups: new Map(doc.groups),
    projects: new Map(doc.projects),
    members: [...doc.members],
    personalAccessTokens: new Map(doc.personalAccessTokens),
    deployTokens: new Map(doc.deployTokens),
    jobs: new Map(doc.jobs),
    counters: structuredClone(doc.counters) as AccessDocument['counters'],
  };
}

/** A unique constraint the change broke: the model checks these first, so this is a race or a bug. */
function uniqueViolation(error: unknown): boolean {
  const { code, errstr, message } = (error ?? {}) as { code?: unknown; errstr?: unknown; message?: unknown };
  return code === '23505' || (typeof errstr === 'string' && /constraint/.test(errstr)) || (typeof message === 'string' && /UNIQUE constraint failed/.test(message));
}

/** The access document in the metadata database, shared by every server that opens it. */
export class SqlDocument {
  readonly #database: WharfDatabase<AccessTables>;
  #cached: AccessState | undefined;
  #loading: Promise<AccessState> | undefined;

  private constructor(database: WharfDatabase<AccessTables>) {
    this.#database = database;
  }

  /**
   * Load the document from `database` (migrated with `ACCESS_MIGRATIONS`).
   * @throws AccessError CORRUPT when a row is not a valid record; DatabaseUnavailableError
   */
  static async open(database: WharfDatabase<AccessTables>): Promise<SqlDocument> {
    const document = new SqlDocument(database);
    await document.state();
    return document;
  }

  /** Where the document lives, for messages: the database, without its password. */
  get path(): string {
    return this.#database.description;
  }

  /**
   * The latest state: the one held when the database's revision is unchanged, else caught up.
   * @throws DatabaseUnavailableError, AccessError CORRUPT
   */
  async state(): Promise<AccessState> {
    const meta = await this.#database.read((db) => db.selectFrom('access_meta').select('revision').where('id', '=', 1).executeTakeFirst());
    if (!meta) throw new AccessError('CORRUPT', `the access tables in ${this.path} have no access_meta row; run "wharf db migrate"`);
    if (this.#cached && this.#cached.revision >= meta.revision) return this.#cached;
    this.#loading ??= this.#database
      .read((db) => this.#snapshot(db, (tx) => this.#advance(tx, this.#cached)))
      .then((state) => this.#keep(state))
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  /**
   * Apply `change` to the latest document and store what it changed as the next revision, in
   * one transaction (retried when the database asks; `change` must be a pure function of the
   * document). Whatever `change` throws aborts the write and is rethrown.
   * @throws AccessError (from `change`, INVALID for a record the tables cannot hold, CONFLICT for
   *   a unique name or hash taken meanwhile), DatabaseUnavailableError
   */
  async update<T>(change: (doc: AccessDocument) => T): Promise<T> {
    try {
      const { result, state } = await this.#database.write(async (tx) => {
        const bumped = await tx
          .updateTable('access_meta')
          .set((eb) => ({ revision: eb('revision', '+', 1) }))
          .where('id', '=', 1)
          .returning('revision')
          .executeTakeFirst();
        if (!bumped) throw new AccessError('CORRUPT', `the access tables in ${this.path} have no access_meta row; run "wharf db migrate"`);
        const revision = bumped.revision;
        const base = await this.#advance(tx, this.#cached, revision - 1);
        const doc = copyOf(base.document);
        const result = change(doc);
        doc.revision = revision;
        await writeChanges(tx, base.document, doc, revision);
        const counters = JSON.stringify(doc.counters);
        const pruneTo = revision % REMOVALS_KEPT === 0 ? revision - REMOVALS_KEPT : 0;
        if (pruneTo > 0) await tx.deleteFrom('access_removals').where('revision', '<=', pruneTo).execute();
        if (counters !== JSON.stringify(base.document.counters) || pruneTo > 0)
          await tx
            .updateTable('access_meta')
            .set({ counters, ...(pruneTo > 0 ? { pruned_through: pruneTo } : {}) })
            .where('id', '=', 1)
            .execute();
        return { result, state: new AccessState(doc) };
      });
      this.#keep(state);
      return result;
    } catch (error) {
      if (uniqueViolation(error)) throw new AccessError('CONFLICT', 'the name or token was taken by a concurrent change; try again');
      throw error;
    }
  }

  #keep(state: AccessState): AccessState {
    if (!this.#cached || state.revision > this.#cached.revision) this.#cached = state;
    return this.#cached;
  }

  /**
   * Run `work` on one consistent snapshot of the tables: a REPEATABLE READ transaction on
   * PostgreSQL; on SQLite a deferred `BEGIN` (WAL gives it a snapshot at its first read and it
   * never waits for a writer, unlike the `BEGIN IMMEDIATE` of write transactions).
   */
  #snapshot<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
    if (this.#database.dialect === 'postgres') return db.transaction().setIsolationLevel('repeatable read').execute(work);
    return db.connection().execute(async (connection) => {
      await sql`begin`.execute(connection);
      try {
        const result = await work(connection);
        await sql`commit`.execute(connection);
        return result;
      } catch (error) {
        await sql`rollback`.execute(connection).catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * `base` brought up to the database's revision (or to `upTo`, inside a write that has already
   * bumped it): the rows written since `base`'s revision, or everything when there is no base or
   * it is older than the removals still remembered.
   */
  async #advance(tx: Db, base: AccessState | undefined, upTo?: number): Promise<AccessState> {
    const meta = await tx.selectFrom('access_meta').select(['revision', 'pruned_through', 'counters']).where('id', '=', 1).executeTakeFirstOrThrow();
    const target = upTo ?? meta.revision;
    if (base && base.revision === target) return base;
    const since = base && base.revision >= meta.pruned_through ? base.revision : 0;
    const doc = since > 0 && base ? copyOf(base.document) : emptyDocument();

    for (const kind of PLAIN_KINDS as readonly AnyKind[]) {
      const rows = await (tx as unknown as Db).selectFrom(kind.table as 'access_users').selectAll().where('revision', '>', since).execute();
      const map = doc[kind.name] as Map<string, unknown>;
      for (const row of rows) map.set(row.id, checked(kind.schema, kind.fromRow(row), `${kind.name}.${row.id}`, 'CORRUPT'));
    }
    await this.#advanceProjects(tx, doc, since);
    await advanceMembers(tx, doc, since);
    if (since > 0) {
      const removals = await tx.selectFrom('access_removals').select(['kind', 'key']).where('revision', '>', since).execute();
      for (const { kind, key } of removals) {
        if (kind === 'members') doc.members = doc.members.filter((m) => memberKey(m) !== key);
        else (doc[kind as AnyKind['name']] as Map<string, unknown> | undefined)?.delete(key);
      }
    }
    doc.revision = target;
    doc.counters = JSON.parse(meta.counters) as AccessDocument['counters'];
    return new AccessState(doc);
  }

  async #advanceProjects(tx: Db, doc: AccessDocument, since: number): Promise<void> {
    const rows = await tx.selectFrom('access_projects').selectAll().where('revision', '>', since).execute();
    if (rows.length === 0) return;
    const rules = new Map<string, TagRuleRow[]>();
    const ruleRows =
      since === 0
        ? await tx.selectFrom('access_tag_rules').selectAll().orderBy('project_id').orderBy('position').execute()
        : (
            await Promise.all(
              chunks(rows.map((r) => r.id)).map((ids) =>
                tx.selectFrom('access_tag_rules').selectAll().where('project_id', 'in', ids).orderBy('project_id').orderBy('position').execute(),
              ),
            )
          ).flat();
    for (const rule of ruleRows) {
      const list = rules.get(rule.project_id);
      if (list) list.push(rule);
      else rules.set(rule.project_id, [rule]);
    }
    for (const row of rows) {
      const project = checked(projectSchema, projectWithRules(row, rules.get(row.id) ?? []), `projects.${row.id}`, 'CORRUPT') as ProjectRecord;
      doc.projects.set(row.id, project);
    }
  }
}

async function advanceMembers(tx: Db, doc: AccessDocument, since: number): Promise<void> {
  const rows = await tx.selectFrom('access_members').selectAll().where('revision', '>', since).orderBy('created_at').orderBy('user_id').execute();
  if (rows.length === 0) return;
  const changed = new Map<string, MemberRecord>(rows.map((row) => {
    const member = memberFromRow(row);
    return [memberKey(member), member];
  }));
  doc.members = doc.members.map((m) => {
    const key = memberKey(m);
    const next = changed.get(key);
    if (!next) return m;
    changed.delete(key);
    return next;
  });
  doc.members.push(...changed.values());
}

/** Write what `after` changed relative to `before`, as `revision`. */
async function writeChanges(tx: Transaction<AccessTables>, before: ReadonlyAccessDocument, after: AccessDocument, revision: number): Promise<void> {
  const db = tx as unknown as Db;
  for (const kind of [...PLAIN_KINDS, PROJECTS] as readonly AnyKind[]) {
    const old = before[kind.name] as ReadonlyMap<string, { id: string }>;
    const now = after[kind.name] as ReadonlyMap<string, { id: string }>;
    const removed = [...old.keys()].filter((key) => !now.has(key));
    const changed: { id: string }[] = [];
    for (const [key, record] of now) {
      if (old.get(key) === record) continue;
      const valid = checked(kind.schema, record, `${kind.name}.${key}`, 'INVALID') as { id: string };
      if (valid.id !== key) throw new AccessError('INVALID', `the change cannot be stored: ${kind.name}.${key}: the id differs from its key`);
      changed.push(valid);
    }
    const table = kind.table as 'access_users';
    for (const ids of chunks([...removed, ...changed.map((r) => r.id)])) await db.deleteFrom(table).where('id', 'in', ids).execute();
    for (const part of chunks(changed)) await db.insertInto(table).values(part.map((r) => kind.toRow(r, revision))).execute();
    await remember(tx, kind.name, removed, changed.map((r) => r.id), revision);
    if (kind === PROJECTS) {
      const touched = [...removed, ...changed.map((r) => r.id)];
      for (const ids of chunks(touched)) await tx.deleteFrom('access_tag_rules').where('project_id', 'in', ids).execute();
      const rules = (changed as ProjectRecord[]).flatMap((p) => tagRuleRows(p));
      for (const part of chunks(rules)) await tx.insertInto('access_tag_rules').values(part).execute();
    }
  }
  const old = new Map(before.members.map((m) => [memberKey(m), m]));
  const now = new Map(after.members.map((m) => [memberKey(m), m]));
  if (now.size !== after.members.length) throw new AccessError('INVALID', 'the change cannot be stored: a membership is listed twice');
  const removed = [...old.keys()].filter((key) => !now.has(key));
  const changed = [...now].filter(([key, m]) => old.get(key) !== m);
  for (const [key, m] of changed) checked(memberSchema, m, `members.${key}`, 'INVALID');
  for (const key of [...removed, ...changed.map(([k]) => k)]) {
    const [userId, type, id] = key.split('|') as [string, string, string];
    await tx.deleteFrom('access_members').where('user_id', '=', userId).where('target_type', '=', type).where('target_id', '=', id).execute();
  }
  for (const part of chunks(changed)) await tx.insertInto('access_members').values(part.map(([, m]) => memberRow(m, revision))).execute();
  await remember(tx, 'members', removed, changed.map(([k]) => k), revision);
}

/** Note removals for other servers catching up; a key written again is no longer removed. */
async function remember(tx: Transaction<AccessTables>, kind: string, removed: readonly string[], written: readonly string[], revision: number): Promise<void> {
  for (const keys of chunks([...removed, ...written])) await tx.deleteFrom('access_removals').where('kind', '=', kind).where('key', 'in', keys).execute();
  for (const keys of chunks(removed)) await tx.insertInto('access_removals').values(keys.map((key) => ({ kind, key, revision }))).execute();
}
