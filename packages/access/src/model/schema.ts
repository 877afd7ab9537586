/**
 * The access document: everything the store persists, as one JSON value with a revision
 * number. The zod schema of the file is the only way a document gets in (it is checked on
 * every load), and the record types below are inferred from it so the two cannot drift apart.
 *
 * Entities are keyed by their ulid. In the file they are JSON objects keyed by id; in memory
 * they are `Map`s ({@link AccessDocument}), so a name someone typed (`constructor`,
 * `__proto__`, `hasOwnProperty`) can never hit a property every JavaScript object has. See
 * `document-codec.ts` for the conversion.
 *
 * Every object schema is strict: an unknown key (a future field, a typo, `__proto__`) is
 * refused rather than silently dropped, since dropping it would lose data on the next write.
 *
 * Secrets are never stored: tokens as the hex sha256 of the secret, passwords as scrypt hashes
 * with their parameters (so the cost can be raised later without breaking old hashes).
 * @module
 */
import { z } from 'zod';
import { CONTAINER_REGISTRY_ACCESS_LEVELS, DEPLOY_TOKEN_SCOPES, PAT_SCOPES, ROLES, VISIBILITIES } from './roles.js';

/** Identifies the format; bumped on incompatible changes. */
export const DOCUMENT_FORMAT = 'wharf-access/1';

const id = z.string().min(1).max(255);
const timestamp = z.iso.datetime();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const visibility = z.enum(VISIBILITIES);
const target = z.strictObject({ type: z.enum(['group', 'project']), id });
/**
 * GitLab's numeric id of an entity (what the REST API shows and accepts), from a sequence per
 * kind. Files written before numbers existed get them when read (see document-codec.ts).
 */
const number = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const passwordHashSchema = z.strictObject({
  algorithm: z.literal('scrypt'),
  /** CPU/memory cost (a power of two). */
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  keyLength: z.number().int().positive(),
  salt: z.base64(),
  hash: z.base64(),
});

export const userSchema = z.strictObject({
  id,
  number,
  username: z.string(),
  /** `null`: the user cannot log in with a password (only with tokens). */
  passwordHash: passwordHashSchema.nullable(),
  admin: z.boolean(),
  /** With 2FA the password is refused by the registry; only personal access tokens work. */
  twoFactor: z.boolean(),
  blocked: z.boolean(),
  /** External users see internal projects only where they are members (GitLab's "external"). */
  external: z.boolean(),
  createdAt: timestamp,
});

export const groupSchema = z.strictObject({ id, number, path: z.string(), parentId: id.nullable(), visibility, createdAt: timestamp });

/**
 * Who a container tag protection rule lets push or delete the tags it matches: GitLab's
 * `minimum_access_level_for_push` / `_for_delete` values, weakest first (`admin` is above owner).
 */
export const TAG_RULE_LEVELS = ['maintainer', 'owner', 'admin'] as const;
export type TagRuleLevel = (typeof TAG_RULE_LEVELS)[number];

/**
 * A protected or immutable container tag rule of a project (GitLab's
 * `ContainerRegistry::Protection::TagRule`). Both levels set: a protected rule, pushing and
 * deleting matching tags needs those levels. Both `null`: an immutable rule, a matching tag
 * can be created but never overwritten or deleted. One without the other is no rule.
 * The pattern's grammar (RE2, length) is checked when the rule is made (tag-rules.ts).
 */
export const tagRuleSchema = z
  .strictObject({
    id,
    /** GitLab's numeric rule id, from `counters.containerTagRules`, unique across projects. */
    number,
    tagNamePattern: z.string().min(1).max(255),
    minimumAccessLevelForPush: z.enum(TAG_RULE_LEVELS).nullable(),
    minimumAccessLevelForDelete: z.enum(TAG_RULE_LEVELS).nullable(),
    createdAt: timestamp,
  })
  .refine((rule) => (rule.minimumAccessLevelForPush === null) === (rule.minimumAccessLevelForDelete === null), {
    message: 'set both minimum access levels (a protected rule) or neither (an immutable rule)',
  });

export const projectSchema = z.strictObject({
  id,
  number,
  path: z.string(),
  groupId: id,
  visibility,
  /**
   * Whether the project's container registry is on. Absent (every file written before the
   * setting existed, and every project nobody has switched) means `enabled`; the key is only
   * written once someone changes it, so files stay readable by older versions until then.
   */
  containerRegistryAccessLevel: z.enum(CONTAINER_REGISTRY_ACCESS_LEVELS).optional(),
  /**
   * The project's container tag protection rules, oldest first. They live in the project
   * record (as GitLab's rows belong to their project): they move with it and go when it is
   * deleted. Absent means none; the key is only written while the project has rules, so files
   * without rules stay readable by older versions.
   */
  containerTagRules: z.array(tagRuleSchema).optional(),
  createdAt: timestamp,
});

export const memberSchema = z.strictObject({ userId: id, target, role: z.enum(ROLES), createdAt: timestamp });

export const personalAccessTokenSchema = z.strictObject({
  id,
  number,
  userId: id,
  name: z.string(),
  scopes: z.array(z.enum(PAT_SCOPES)),
  tokenHash: sha256,
  /** The first instant the token no longer works; `null` for never. */
  expiresAt: timestamp.nullable(),
  revoked: z.boolean(),
  createdAt: timestamp,
});

export const deployTokenSchema = z.strictObject({
  id,
  number,
  name: z.string(),
  username: z.string(),
  target,
  scopes: z.array(z.enum(DEPLOY_TOKEN_SCOPES)),
  tokenHash: sha256,
  expiresAt: timestamp.nullable(),
  revoked: z.boolean(),
  createdAt: timestamp,
});

export const jobSchema = z.strictObject({
  id,
  number,
  projectId: id,
  userId: id,
  status: z.enum(['running', 'finished']),
  tokenHash: sha256,
  startedAt: timestamp,
  /** The job's token stops working at this instant even if the job is still running. */
  expiresAt: timestamp,
  finishedAt: timestamp.nullable(),
});

/** The kinds of entity that have numeric ids. */
export const NUMBERED_KINDS = ['users', 'groups', 'projects', 'personalAccessTokens', 'deployTokens', 'jobs'] as const;
export type NumberedKind = (typeof NUMBERED_KINDS)[number];
const numberCounters = z.strictObject(
  Object.fromEntries(NUMBERED_KINDS.map((kind) => [kind, z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])) as Record<
    NumberedKind,
    z.ZodNumber
  >,
);

/** Keys that mean something to every JavaScript object; never accepted as an entity key. */
export const DANGEROUS_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Entities keyed by id, as stored in the file. The keys are checked on the raw input: zod
 * itself silently drops a `__proto__` key, and a document that had one is not what we wrote.
 */
function entities<S extends z.ZodType<{ id: string }>>(entity: S) {
  return z
    .custom<Record<string, unknown>>(
      (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
      'expected an object keyed by id',
    )
    .superRefine((value, ctx) => {
      for (const key of Reflect.ownKeys(value)) {
        if (typeof key !== 'string' || DANGEROUS_KEYS.has(key))
          ctx.addIssue({ code: 'custom', path: [String(key)], message: 'a reserved key' });
      }
    })
    .pipe(z.record(id, entity))
    .superRefine((value, ctx) => {
      for (const [key, item] of Object.entries(value)) {
        if (item.id !== key) ctx.addIssue({ code: 'custom', path: [key, 'id'], message: `the id differs from its key "${key}"` });
      }
    });
}

/** The document as it is stored in `access.json`. */
export const accessFileSchema = z.strictObject({
  format: z.literal(DOCUMENT_FORMAT),
  revision: z.number().int().nonnegative(),
  users: entities(userSchema),
  groups: entities(groupSchema),
  projects: entities(projectSchema),
  members: z.array(memberSchema),
  personalAccessTokens: entities(personalAccessTokenSchema),
  deployTokens: entities(deployTokenSchema),
  jobs: entities(jobSchema),
  counters: z.strictObject({
    /** Numbering of default deploy-token usernames (`wharf+deploy-token-<n>`). */
    deployTokens: z.number().int().nonnegative(),
    /** The last numeric id given out, per kind (never reused, like a database sequence). */
    numbers: numberCounters,
    /** The last tag protection rule number given out; absent until the first rule is made. */
    containerTagRules: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  }),
});

export type PasswordHash = z.infer<typeof passwordHashSchema>;
export type UserRecord = z.infer<typeof userSchema>;
export type GroupRecord = z.infer<typeof groupSchema>;
export type ProjectRecord = z.infer<typeof projectSchema>;
export type TagRuleRecord = z.infer<typeof tagRuleSchema>;
export type MemberRecord = z.infer<typeof memberSchema>;
export type MemberTarget = z.infer<typeof target>;
export type PersonalAccessTokenRecord = z.infer<typeof personalAccessTokenSchema>;
export type DeployTokenRecord = z.infer<typeof deployTokenSchema>;
export type JobRecord = z.infer<typeof jobSchema>;
export type AccessFile = z.infer<typeof accessFileSchema>;

/** The document in memory: entities in `Map`s keyed by id. */
export interface AccessDocument {
  format: typeof DOCUMENT_FORMAT;
  revision: number;
  users: Map<string, UserRecord>;
  groups: Map<string, GroupRecord>;
  projects: Map<string, ProjectRecord>;
  members: MemberRecord[];
  personalAccessTokens: Map<string, PersonalAccessTokenRecord>;
  deployTokens: Map<string, DeployTokenRecord>;
  jobs: Map<string, JobRecord>;
  counters: AccessFile['counters'];
}

/** The document of a store nobody has written to yet. */
export function emptyDocument(): AccessDocument {
  return {
    format: DOCUMENT_FORMAT,
    revision: 0,
    users: new Map(),
    groups: new Map(),
    projects: new Map(),
    members: [],
    personalAccessTokens: new Map(),
    deployTokens: new Map(),
    jobs: new Map(),
    counters: { deployTokens: 0, numbers: { users: 0, groups: 0, projects: 0, personalAccessTokens: 0, deployTokens: 0, jobs: 0 } },
  };
}
