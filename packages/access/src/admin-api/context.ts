/**
 * Shared pieces of the admin API's routes: the typed Hono app, the authenticated caller,
 * JSON body parsing with zod, and the permission checks each route states up front.
 * @module
 */
import { ERROR_CODES, isRegistryError, readJsonBody } from '@wharf/core';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { z } from 'zod';
import type { UserRecord } from '../model/schema.js';

/** Largest request body the admin API reads: 64 KiB; no admin request needs more. */
export const ADMIN_BODY_MAX_BYTES = 64 * 1024;

/** Who called the admin API: a user, by password or by a personal access token with `api` scope. */
export interface Caller {
  readonly user: UserRecord;
  /** The personal access token used, when not a password. */
  readonly tokenId?: string;
}

export type AdminEnv = { Variables: { caller: Caller } };
export type AdminApp = Hono<AdminEnv>;
export type AdminContext = Context<AdminEnv>;

/** The statuses the admin API answers errors with. */
export type ApiErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

/** An error answered as `{ "message": … }` with this status. */
export class ApiError extends Error {
  constructor(
    readonly status: ApiErrorStatus,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function newAdminApp(): AdminApp {
  return new Hono<AdminEnv>();
}

const BODY_STATUSES: ReadonlySet<number> = new Set([400, 413, 415]);

/**
 * The JSON body validated against `schema`. The body is read with core's `readJsonBody`: at
 * most {@link ADMIN_BODY_MAX_BYTES}, counted while it streams (a longer body is cancelled,
 * never buffered), and only when declared `Content-Type: application/json`.
 * @throws ApiError 413 (too large), 415 (not `application/json`), 400 (not JSON, or the
 *   first problem the schema found)
 */
export async function readBody<S extends z.ZodType>(c: AdminContext, schema: S): Promise<z.output<S>> {
  let json: unknown;
  try {
    json = await readJsonBody(c.req.raw, { maxBytes: ADMIN_BODY_MAX_BYTES });
  } catch (error) {
    if (!isRegistryError(error)) throw error;
    const status = ERROR_CODES[error.code].status;
    throw new ApiError(BODY_STATUSES.has(status) ? (status as ApiErrorStatus) : 400, error.message);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.map(String).join('.').slice(0, 200)}: ` : '';
    throw new ApiError(400, `${where}${(issue?.message ?? 'invalid body').slice(0, 500)}`);
  }
  return result.data;
}

/** @throws ApiError 403 unless the caller is an admin */
export function requireAdmin(c: AdminContext): Caller {
  const caller = c.get('caller');
  if (!caller.user.admin) throw new ApiError(403, 'this needs an administrator');
  return caller;
}
