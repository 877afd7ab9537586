/**
 * Shared pieces of the admin API's routes: the typed Hono app, the authenticated caller,
 * JSON body parsing with zod, and the permission checks each route states up front.
 * @module
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { z } from 'zod';
import type { UserRecord } from '../model/schema.js';

/** Who called the admin API: a user, by password or by a personal access token with `api` scope. */
export interface Caller {
  readonly user: UserRecord;
  /** The personal access token used, when not a password. */
  readonly tokenId?: string;
}

export type AdminEnv = { Variables: { caller: Caller } };
export type AdminApp = Hono<AdminEnv>;
export type AdminContext = Context<AdminEnv>;

/** An error answered as `{ "message": … }` with this status. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 429 | 503,
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

/**
 * The JSON body validated against `schema`.
 * @throws ApiError 400 naming the first problem
 */
export async function readBody<S extends z.ZodType>(c: AdminContext, schema: S): Promise<z.output<S>> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw new ApiError(400, 'the request body must be a JSON object');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ApiError(400, `${where}${issue?.message ?? 'invalid body'}`);
  }
  return result.data;
}

/** @throws ApiError 403 unless the caller is an admin */
export function requireAdmin(c: AdminContext): Caller {
  const caller = c.get('caller');
  if (!caller.user.admin) throw new ApiError(403, 'this needs an administrator');
  return caller;
}
