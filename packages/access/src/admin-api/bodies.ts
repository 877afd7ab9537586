/**
 * Request bodies of the admin API, one zod schema each. Field names follow GitLab's REST API
 * (snake_case, `expires_at`, `access_level`) so its users find their way; unknown fields are
 * refused, since a misspelt `admn: true` silently ignored is worse than a 400.
 * @module
 */
import { z } from 'zod';
import { ACCESS_LEVELS, DEPLOY_TOKEN_SCOPES, PAT_SCOPES, ROLES, type Role, VISIBILITIES } from '../model/roles.js';

const visibility = z.enum(VISIBILITIES);
const expiresAt = z.string().nullable().optional();
const LEVELS = Object.values(ACCESS_LEVELS);
const accessLevel = z.number().refine((n) => LEVELS.includes(n), `access_level must be one of ${LEVELS.join(', ')}`);

export const createUserBody = z.strictObject({
  username: z.string(),
  password: z.string().nullable().optional(),
  admin: z.boolean().optional(),
  two_factor: z.boolean().optional(),
  external: z.boolean().optional(),
  blocked: z.boolean().optional(),
});

export const updateUserBody = createUserBody.omit({ username: true });

export const createPatBody = z.strictObject({
  name: z.string(),
  scopes: z.array(z.enum(PAT_SCOPES)).min(1),
  expires_at: expiresAt,
});

export const createGroupBody = z.strictObject({ path: z.string(), parent_id: z.string().optional(), visibility: visibility.optional() });
export const createProjectBody = z.strictObject({
  path: z.string(),
  namespace_id: z.string().optional(),
  visibility: visibility.optional(),
});
export const visibilityBody = z.strictObject({ visibility });

const roleFields = { role: z.enum(ROLES).optional(), access_level: accessLevel.optional() };
export const addMemberBody = z.strictObject({
  user: z.string().optional(),
  user_id: z.string().optional(),
  username: z.string().optional(),
  ...roleFields,
});
export const updateMemberBody = z.strictObject(roleFields);

export const createDeployTokenBody = z.strictObject({
  name: z.string().optional(),
  username: z.string().optional(),
  scopes: z.array(z.enum(DEPLOY_TOKEN_SCOPES)).min(1),
  expires_at: expiresAt,
});

export const startJobBody = z.strictObject({ user: z.string(), max_duration_seconds: z.number().int().positive().optional() });

/** The role from `role` or GitLab's numeric `access_level`, or `null` when neither is given. */
export function roleOf(body: { role?: Role | undefined; access_level?: number | undefined }): Role | null {
  if (body.role) return body.role;
  const entry = Object.entries(ACCESS_LEVELS).find(([, level]) => level === body.access_level);
  return entry ? (entry[0] as Role) : null;
}
