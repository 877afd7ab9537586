/**
 * Between the access model's records and their rows, one codec per kind. A record read back is
 * checked with the same zod schema that checks the JSON file (so a row edited by hand into
 * something the model cannot hold is refused as CORRUPT, never half-used), and a record is
 * checked with it before it is written (so nothing is stored that could not be read back).
 * @module
 */
import type { z } from 'zod';
import { AccessError } from '../../model/access-error.js';
import {
  type DeployTokenRecord,
  deployTokenSchema,
  type GroupRecord,
  groupSchema,
  type JobRecord,
  jobSchema,
  type MemberRecord,
  memberSchema,
  type PersonalAccessTokenRecord,
  personalAccessTokenSchema,
  type ProjectRecord,
  projectSchema,
  type TagRuleRecord,
  type UserRecord,
  userSchema,
} from '../../model/schema.js';
import type { AccessTables, DeployTokenRow, GroupRow, JobRow, MemberRow, PersonalAccessTokenRow, ProjectRow, TagRuleRow, UserRow } from './access-tables.js';

const flag = (value: boolean): number => (value ? 1 : 0);

/** Check `value` with `schema`. @throws AccessError (`code`) naming the record and the field */
export function checked<T>(schema: z.ZodType<T>, value: unknown, where: string, code: 'INVALID' | 'CORRUPT'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? `.${issue.path.join('.')}` : '';
  const message = `${where}${field}: ${issue?.message ?? 'invalid'}`;
  throw new AccessError(code, code === 'INVALID' ? `the change cannot be stored: ${message}` : `the access database holds an invalid record: ${message}`);
}

/** How one kind of map entity is stored. */
export interface MapKind<R extends { id: string }, Row> {
  /** The document's map, and the removal kind. */
  readonly name: 'users' | 'groups' | 'projects' | 'personalAccessTokens' | 'deployTokens' | 'jobs';
  readonly table: keyof AccessTables & `access_${string}`;
  readonly schema: z.ZodType<R>;
  toRow(record: R, revision: number): Row;
  /** Unchecked: the caller checks with {@link checked}. */
  fromRow(row: Row): unknown;
}

export const USERS: MapKind<UserRecord, UserRow> = {
  name: 'users',
  table: 'access_users',
  schema: userSchema,
  toRow: (u, revision) => ({
    id: u.id,
    number: u.number,
    username: u.username,
    username_key: u.username.toLowerCase(),
    password_hash: u.passwordHash === null ? null : JSON.stringify(u.passwordHash),
    admin: flag(u.admin),
    two_factor: flag(u.twoFactor),
    blocked: flag(u.blocked),
    external: flag(u.external),
    created_at: u.createdAt,
    revision,
  }),
  fromRow: (r) => ({
    id: r.id,
    number: r.number,
    username: r.username,
    passwordHash: r.password_hash === null ? null : JSON.parse(r.password_hash),
    admin: r.admin === 1,
    twoFactor: r.two_factor === 1,
    blocked: r.blocked === 1,
    external: r.external === 1,
    createdAt: r.created_at,
  }),
};

export const GROUPS: MapKind<GroupRecord, GroupRow> = {
  name: 'groups',
  table: 'access_groups',
  schema: groupSchema,
  toRow: (g, revision) => ({ id: g.id, number: g.number, path: g.path, parent_id: g.parentId, visibility: g.visibility, created_at: g.createdAt, revision }),
  fromRow: (r) => ({ id: r.id, number: r.number, path: r.path, parentId: r.parent_id, visibility: r.visibility, createdAt: r.created_at }),
};

/** A project's row; its tag rules go to their own table ({@link tagRuleRows}). */
export const PROJECTS: MapKind<ProjectRecord, ProjectRow> = {
  name: 'projects',
  table: 'access_projects',
  schema: projectSchema,
  toRow: (p, revision) => ({
    id: p.id,
    number: p.number,
    path: p.path,
    group_id: p.groupId,
    visibility: p.visibility,
    registry_access_level: p.containerRegistryAccessLevel ?? null,
    created_at: p.createdAt,
    revision,
  }),
  fromRow: (r) => ({
    id: r.id,
    number: r.number,
    path: r.path,
    groupId: r.group_id,
    visibility: r.visibility,
    ...(r.registry_access_level === null ? {} : { containerRegistryAccessLevel: r.registry_access_level }),
    createdAt: r.created_at,
  }),
};

export function tagRuleRows(project: ProjectRecord): TagRuleRow[] {
  return (project.containerTagRules ?? []).map((rule, position) => ({
    id: rule.id,
    number: rule.number,
    project_id: project.id,
    position,
    tag_name_pattern: rule.tagNamePattern,
    minimum_access_level_for_push: rule.minimumAccessLevelForPush,
    minimum_access_level_for_delete: rule.minimumAccessLevelForDelete,
    created_at: rule.createdAt,
  }));
}

/** The project of `row` with its rules (`rules` in position order); unchecked. */
export function projectWithRules(row: ProjectRow, rules: readonly TagRuleRow[]): unknown {
  const project = PROJECTS.fromRow(row) as Record<string, unknown>;
  if (rules.length > 0)
    project.containerTagRules = rules.map(
      (r): TagRuleRecord => ({
        id: r.id,
        number: r.number,
        tagNamePattern: r.tag_name_pattern,
        minimumAccessLevelForPush: r.minimum_access_level_for_push as TagRuleRecord['minimumAccessLevelForPush'],
        minimumAccessLevelForDelete: r.minimum_access_level_for_delete as TagRuleRecord['minimumAccessLevelForDelete'],
        createdAt: r.created_at,
      }),
    );
  return project;
}

export const PERSONAL_ACCESS_TOKENS: MapKind<PersonalAccessTokenRecord, PersonalAccessTokenRow> = {
  name: 'personalAccessTokens',
  table: 'access_personal_access_tokens',
  schema: personalAccessTokenSchema,
  toRow: (t, revision) => ({
    id: t.id,
    number: t.number,
    user_id: t.userId,
    name: t.name,
    scopes: JSON.stringify(t.scopes),
    token_hash: t.tokenHash,
    expires_at: t.expiresAt,
    revoked: flag(t.revoked),
    created_at: t.createdAt,
    revision,
  }),
  fromRow: (r) => ({
    id: r.id,
    number: r.number,
    userId: r.user_id,
    name: r.name,
    scopes: JSON.parse(r.scopes),
    tokenHash: r.token_hash,
    expiresAt: r.expires_at,
    revoked: r.revoked === 1,
    createdAt: r.created_at,
  }),
};

export const DEPLOY_TOKENS: MapKind<DeployTokenRecord, DeployTokenRow> = {
  name: 'deployTokens',
  table: 'access_deploy_tokens',
  schema: deployTokenSchema,
  toRow: (t, revision) => ({
    id: t.id,
    number: t.number,
    name: t.name,
    username: t.username,
    target_type: t.target.type,
    target_id: t.target.id,
    scopes: JSON.stringify(t.scopes),
    token_hash: t.tokenHash,
    expires_at: t.expiresAt,
    revoked: flag(t.revoked),
    created_at: t.createdAt,
    revision,
  }),
  fromRow: (r) => ({
    id: r.id,
    number: r.number,
    name: r.name,
    username: r.username,
    target: { type: r.target_type, id: r.target_id },
    scopes: JSON.parse(r.scopes),
    tokenHash: r.token_hash,
    expiresAt: r.expires_at,
    revoked: r.revoked === 1,
    createdAt: r.created_at,
  }),
};

export const JOBS: MapKind<JobRecord, JobRow> = {
  name: 'jobs',
  table: 'access_jobs',
  schema: jobSchema,
  toRow: (j, revision) => ({
    id: j.id,
    number: j.number,
    project_id: j.projectId,
    user_id: j.userId,
    status: j.status,
    token_hash: j.tokenHash,
    started_at: j.startedAt,
    expires_at: j.expiresAt,
    finished_at: j.finishedAt,
    revision,
  }),
  fromRow: (r) => ({
    id: r.id,
    number: r.number,
    projectId: r.project_id,
    userId: r.user_id,
    status: r.status,
    tokenHash: r.token_hash,
    startedAt: r.started_at,
    expiresAt: r.expires_at,
    finishedAt: r.finished_at,
  }),
};

/** Every map kind except projects (whose rules need a second table). */
export const PLAIN_KINDS = [USERS, GROUPS, PERSONAL_ACCESS_TOKENS, DEPLOY_TOKENS, JOBS] as const;

/** A membership's key: user, target type and target id (ulids never hold `|`). */
export function memberKey(m: { userId: string; target: { type: string; id: string } }): string {
  return `${m.userId}|${m.target.type}|${m.target.id}`;
}

export function memberRow(m: MemberRecord, revision: number): MemberRow {
  return { user_id: m.userId, target_type: m.target.type, target_id: m.target.id, role: m.role, created_at: m.createdAt, revision };
}

export function memberFromRow(r: MemberRow): MemberRecord {
  return checked(memberSchema, { userId: r.user_id, target: { type: r.target_type, id: r.target_id }, role: r.role, createdAt: r.created_at }, `members.${r.user_id}`, 'CORRUPT');
}
