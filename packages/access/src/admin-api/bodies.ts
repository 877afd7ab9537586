/**
 * Request bodies of the admin API, one zod schema each. Field names follow GitLab's REST API
 * (snake_case, `expires_at`, `access_level`) so its users find their way; unknown fields are
 * refused (strict objects, which also refuse `__proto__`, `constructor` and `prototype`), since
 * a misspelt `admn: true` silently ignored is worse than a 400. Every string and number is
 * bounded here, so nothing a client sends reaches the store in a shape it cannot keep: bad
 * input is a 400, never a 500.
 * @module
 */
import { z } from 'zod';
import { MAX_JOB_DURATION_MS } from '../model/jobs.js';
import {
  ACCESS_LEVELS,
  CONTAINER_REGISTRY_ACCESS_LEVELS,
  type ContainerRegistryAccessLevel,
  DEPLOY_TOKEN_SCOPES,
  PAT_SCOPES,
  ROLES,
  type Role,
  VISIBILITIES,
} from '../model/roles.js';

/** Longest name, path or reference accepted (usernames, paths and image names stop at 255). */
const MAX_TEXT = 255;
const text = z.string().max(MAX_TEXT);
const visibility = z.enum(VISIBILITIES);
/** `YYYY-MM-DD` or an ISO timestamp; the model checks the calendar and the range. */
const expiresAt = z.string().max(64).nullable().optional();
const LEVELS = Object.values(ACCESS_LEVELS);
const accessLevel = z.number().refine((n) => LEVELS.includes(n), `access_level must be one of ${LEVELS.join(', ')}`);
const scopes = <S extends readonly [string, ...string[]]>(allowed: S) =>
  z
    .array(z.enum(allowed))
    .min(1)
    .max(allowed.length * 4);

export const createUserBody = z.strictObject({
  username: text,
  /** At most 1024 characters is the password rule; the bound here only stops huge strings early. */
  password: z.string().max(4096).nullable().optional(),
  admin: z.boolean().optional(),
  two_factor: z.boolean().optional(),
  external: z.boolean().optional(),
  blocked: z.boolean().optional(),
});

export const updateUserBody = createUserBody.omit({ username: true });

export const createPatBody = z.strictObject({
  name: text,
  scopes: scopes(PAT_SCOPES),
  expires_at: expiresAt,
});

export const createGroupBody = z.strictObject({ path: text, parent_id: text.optional(), visibility: visibility.optional() });
export const createProjectBody = z.strictObject({
  path: text,
  namespace_id: text.optional(),
  visibility: visibility.optional(),
});
export const visibilityBody = z.strictObject({ visibility });

/**
 * `PUT /projects/:id` (GitLab's "edit project"): the visibility, and the container registry
 * as `container_registry_access_level` or GitLab's older boolean `container_registry_enabled`.
 */
export const editProjectBody = z.strictObject({
  visibility: visibility.optional(),
  container_registry_access_level: z.enum(CONTAINER_REGISTRY_ACCESS_LEVELS).optional(),
  container_registry_enabled: z.boolean().optional(),
});

/** The registry setting an edit asks for, `undefined` for none, `null` when the two fields disagree. */
export function registryLevelOf(body: z.output<typeof editProjectBody>): ContainerRegistryAccessLevel | undefined | null {
  const fromFlag = body.container_registry_enabled === undefined ? undefined : body.container_registry_enabled ? 'enabled' : 'disabled';
  const level = body.container_registry_access_level;
  if (level !== undefined && fromFlag !== undefined && level !== fromFlag) return null;
  return level ?? fromFlag;
}

const roleFields = { role: z.enum(ROLES).optional(), access_level: accessLevel.optional() };
export const addMemberBody = z.strictObject({
  user: text.optional(),
  user_id: text.optional(),
  username: text.optional(),
  ...roleFields,
});
export const updateMemberBody = z.strictObject(roleFields);

export const createDeployTokenBody = z.strictObject({
  name: text.optional(),
  username: text.optional(),
  scopes: scopes(DEPLOY_TOKEN_SCOPES),
  expires_at: expiresAt,
});

export const startJobBody = z.strictObject({
  user: text,
  max_duration_seconds: z
    .number()
    .int()
    .positive()
    .max(MAX_JOB_DURATION_MS / 1000)
    .optional(),
});

/** The role from `role` or GitLab's numeric `access_level`, or `null` when neither is given. */
export function roleOf(body: { role?: Role | undefined; access_level?: number | undefined }): Role | null {
  if (body.role) return body.role;
  const entry = Object.entries(ACCESS_LEVELS).find(([, level]) => level === body.access_level);
  return entry ? (entry[0] as Role) : null;
}
