/**
 * The access model's tables in the metadata database, and the migration that makes them.
 *
 * One table per kind of entity, with real columns: what the model looks things up by (ids,
 * numbers, usernames, paths, token hashes) is unique in the database too, so a bug that would
 * give two users one name or two tokens one hash fails the write instead of storing it. Portable
 * types only (text, integer), so one migration serves SQLite and PostgreSQL: booleans are 0/1,
 * instants ISO-8601 text (which sorts as time), lists and password hashes JSON text.
 *
 * Every row carries the `revision` that last wrote it, and removals leave a row in
 * `access_removals`: a server that holds revision R catches up by reading the rows with a larger
 * revision (indexed), not the whole model (see sql-document.ts). `access_meta` holds the
 * current revision (its row lock is what makes writers take turns) and the numbering counters.
 * @module
 */
import type { MigrationDb, WharfMigration } from '@wharf/db';

/** 0/1 in both backends. */
type Flag = number;

export interface AccessMetaTable {
  id: number;
  revision: number;
  /** Removals at or below this revision have been forgotten: a server behind it reloads everything. */
  pruned_through: number;
  /** The document's `counters`, as JSON. */
  counters: string;
}

export interface UserRow {
  id: string;
  number: number;
  username: string;
  /** Lowercase username: usernames are unique whatever their case. */
  username_key: string;
  password_hash: string | null;
  admin: Flag;
  two_factor: Flag;
  blocked: Flag;
  external: Flag;
  created_at: string;
  revision: number;
}

export interface GroupRow {
  id: string;
  number: number;
  path: string;
  parent_id: string | null;
  visibility: string;
  created_at: string;
  revision: number;
}

export interface ProjectRow {
  id: string;
  number: number;
  path: string;
  group_id: string;
  visibility: string;
  /** `null`: never switched (means enabled). */
  registry_access_level: string | null;
  created_at: string;
  revision: number;
}

/** A project's container tag rule; rewritten with its project. */
export interface TagRuleRow {
  id: string;
  number: number;
  project_id: string;
  position: number;
  tag_name_pattern: string;
  minimum_access_level_for_push: string | null;
  minimum_access_level_for_delete: string | null;
  created_at: string;
}

export interface MemberRow {
  user_id: string;
  target_type: string;
  target_id: string;
  role: string;
  created_at: string;
  revision: number;
}

export interface PersonalAccessTokenRow {
  id: string;
  number: number;
  user_id: string;
  name: string;
  scopes: string;
  token_hash: string;
  expires_at: string | null;
  revoked: Flag;
  created_at: string;
  revision: number;
}

export interface DeployTokenRow {
  id: string;
  number: number;
  name: string;
  username: string;
  target_type: string;
  target_id: string;
  scopes: string;
  token_hash: string;
  expires_at: string | null;
  revoked: Flag;
  created_at: string;
  revision: number;
}

export interface JobRow {
  id: string;
  number: number;
  project_id: string;
  user_id: string;
  status: string;
  token_hash: string;
  started_at: string;
  expires_at: string;
  finished_at: string | null;
  revision: number;
}

export interface RemovalRow {
  kind: string;
  key: string;
  revision: number;
}

/** The access model's part of the database. */
export interface AccessTables {
  access_meta: AccessMetaTable;
  access_users: UserRow;
  access_groups: GroupRow;
  access_projects: ProjectRow;
  access_tag_rules: TagRuleRow;
  access_members: MemberRow;
  access_personal_access_tokens: PersonalAccessTokenRow;
  access_deploy_tokens: DeployTokenRow;
  access_jobs: JobRow;
  access_removals: RemovalRow;
}

async function up(db: MigrationDb): Promise<void> {
  await db.schema
    .createTable('access_meta')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('pruned_through', 'integer', (c) => c.notNull())
    .addColumn('counters', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('access_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('username_key', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text')
    .addColumn('admin', 'integer', (c) => c.notNull())
    .addColumn('two_factor', 'integer', (c) => c.notNull())
    .addColumn('blocked', 'integer', (c) => c.notNull())
    .addColumn('external', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('access_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('path', 'text', (c) => c.notNull().unique())
    .addColumn('parent_id', 'text')
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('access_projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('path', 'text', (c) => c.notNull().unique())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('registry_access_level', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('access_tag_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('tag_name_pattern', 'text', (c) => c.notNull())
    .addColumn('minimum_access_level_for_push', 'text')
    .addColumn('minimum_access_level_for_delete', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('access_members')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_members_pk', ['user_id', 'target_type', 'target_id'])
    .execute();
  for (const table of ['access_personal_access_tokens', 'access_deploy_tokens'] as const) {
    let t = db.schema
      .createTable(table)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'integer', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull());
    t =
      table === 'access_personal_access_tokens'
        ? t.addColumn('user_id', 'text', (c) => c.notNull())
        : t
            .addColumn('username', 'text', (c) => c.notNull())
            .addColumn('target_type', 'text', (c) => c.notNull())
            .addColumn('target_id', 'text', (c) => c.notNull());
    await t
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('expires_at', 'text')
      .addColumn('revoked', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .execute();
  }
  await db.schema
    .createTable('access_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('access_removals')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_removals_pk', ['kind', 'key'])
    .execute();
  // Catching up reads "changed since revision R" from every table.
  for (const table of [
    'access_users',
    'access_groups',
    'access_projects',
    'access_members',
    'access_personal_access_tokens',
    'access_deploy_tokens',
    'access_jobs',
    'access_removals',
  ]) {
    await db.schema.createIndex(`${table}_revision`).on(table).column('revision').execute();
  }
  await db.schema.createIndex('access_tag_rules_project').on('access_tag_rules').columns(['project_id', 'position']).execute();
  await db
    .insertInto('access_meta')
    .values({
      id: 1,
      revision: 0,
      pruned_through: 0,
      counters: JSON.stringify({ deployTokens: 0, numbers: { users: 0, groups: 0, projects: 0, personalAccessTokens: 0, deployTokens: 0, jobs: 0 } }),
    })
    .execute();
}

/** The access model's migrations, in order. */
export const ACCESS_MIGRATIONS: readonly WharfMigration[] = [{ name: '0001_access', up }];
