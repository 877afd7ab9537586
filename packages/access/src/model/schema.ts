/**
 * The access document: everything the store persists, as one JSON value with a revision
 * number. The zod schema is the only way a document gets in (it is checked on every load),
 * and the record types below are inferred from it so the two cannot drift apart.
 *
 * Entities are keyed by their ulid. Secrets are never stored: tokens as the hex sha256 of the
 * secret, passwords as scrypt hashes with their parameters (so the cost can be raised later
 * without breaking old hashes).
 * @module
 */
import { z } from 'zod';
import { DEPLOY_TOKEN_SCOPES, PAT_SCOPES, ROLES, VISIBILITIES } from './roles.js';

/** Identifies the format; bumped on incompatible changes. */
export const DOCUMENT_FORMAT = 'wharf-access/1';

const id = z.string().min(1);
const timestamp = z.iso.datetime();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const visibility = z.enum(VISIBILITIES);
const target = z.object({ type: z.enum(['group', 'project']), id });

export const passwordHashSchema = z.object({
  algorithm: z.literal('scrypt'),
  /** CPU/memory cost (a power of two). */
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  keyLength: z.number().int().positive(),
  salt: z.base64(),
  hash: z.base64(),
});

export const userSchema = z.object({
  id,
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

export const groupSchema = z.object({ id, path: z.string(), parentId: id.nullable(), visibility, createdAt: timestamp });

export const projectSchema = z.object({ id, path: z.string(), groupId: id, visibility, createdAt: timestamp });

export const memberSchema = z.object({ userId: id, target, role: z.enum(ROLES), createdAt: timestamp });

export const personalAccessTokenSchema = z.object({
  id,
  userId: id,
  name: z.string(),
  scopes: z.array(z.enum(PAT_SCOPES)),
  tokenHash: sha256,
  /** The first instant the token no longer works; `null` for never. */
  expiresAt: timestamp.nullable(),
  revoked: z.boolean(),
  createdAt: timestamp,
});

export const deployTokenSchema = z.object({
  id,
  name: z.string(),
  username: z.string(),
  target,
  scopes: z.array(z.enum(DEPLOY_TOKEN_SCOPES)),
  tokenHash: sha256,
  expiresAt: timestamp.nullable(),
  revoked: z.boolean(),
  createdAt: timestamp,
});

export const jobSchema = z.object({
  id,
  projectId: id,
  userId: id,
  status: z.enum(['running', 'finished']),
  tokenHash: sha256,
  startedAt: timestamp,
  /** The job's token stops working at this instant even if the job is still running. */
  expiresAt: timestamp,
  finishedAt: timestamp.nullable(),
});

export const accessDocumentSchema = z.object({
  format: z.literal(DOCUMENT_FORMAT),
  revision: z.number().int().nonnegative(),
  users: z.record(z.string(), userSchema),
  groups: z.record(z.string(), groupSchema),
  projects: z.record(z.string(), projectSchema),
  members: z.array(memberSchema),
  personalAccessTokens: z.record(z.string(), personalAccessTokenSchema),
  deployTokens: z.record(z.string(), deployTokenSchema),
  jobs: z.record(z.string(), jobSchema),
  /** Numbering of default deploy-token usernames (`wharf+deploy-token-<n>`). */
  counters: z.object({ deployTokens: z.number().int().nonnegative() }),
});

export type PasswordHash = z.infer<typeof passwordHashSchema>;
export type UserRecord = z.infer<typeof userSchema>;
export type GroupRecord = z.infer<typeof groupSchema>;
export type ProjectRecord = z.infer<typeof projectSchema>;
export type MemberRecord = z.infer<typeof memberSchema>;
export type MemberTarget = z.infer<typeof target>;
export type PersonalAccessTokenRecord = z.infer<typeof personalAccessTokenSchema>;
export type DeployTokenRecord = z.infer<typeof deployTokenSchema>;
export type JobRecord = z.infer<typeof jobSchema>;
export type AccessDocument = z.infer<typeof accessDocumentSchema>;

/** The document of a store nobody has written to yet. */
export function emptyDocument(): AccessDocument {
  return {
    format: DOCUMENT_FORMAT,
    revision: 0,
    users: {},
    groups: {},
    projects: {},
    members: [],
    personalAccessTokens: {},
    deployTokens: {},
    jobs: {},
    counters: { deployTokens: 0 },
  };
}
