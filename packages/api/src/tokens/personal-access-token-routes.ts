/**
 * Personal access tokens, as GitLab's API has them:
 *
 * - `POST /users/:user_id/personal_access_tokens` (administrators), and
 *   `POST /user/personal_access_tokens` (one's own, signed in with the password);
 * - `GET /personal_access_tokens` (one's own; administrators all, or one user's by `user_id`);
 * - `GET|DELETE /personal_access_tokens/self` (the token the request was made with) and
 *   `GET|DELETE /personal_access_tokens/:id`;
 * - `POST /personal_access_tokens/:id/rotate` and `/self/rotate`: revoke, and make a token with
 *   the same name and scopes.
 *
 * GitLab's refusals are kept: another user's token is `401` to a non-administrator whether it
 * exists or not (only administrators learn that an id does not exist), and revoking another
 * user's token is `400 Not permitted to revoke`. Revoking keeps the record, shown with
 * `revoked: true`; the secret stops working on the next request.
 * @module
 */
import { type AccessState, PAT_SCOPES, type PatScope, type PersonalAccessTokenRecord } from '@wharf/access';
import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import { findUser, numericId } from '../auth/find.js';
import { requireAdmin } from '../auth/rights.js';
import type { ApiDeps } from '../deps.js';
import { badParameter, badRequest, forbidden, notFound, unauthorized } from '../http/api-error.js';
import { boolParam, intParam, stringListParam } from '../http/input.js';
import { offsetPage, offsetParams, pageOf } from '../http/pagination.js';
import type { ApiContext, RouteTable } from '../http/route-table.js';
import { presentPersonalAccessToken, tokenActive } from '../presenters/tokens.js';

const ROTATED_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

const expiresAt = z.string().max(64).describe('`YYYY-MM-DD` (the token stops working at 00:00 UTC that day) or an ISO timestamp');

const createInput = z.object({
  name: z.string().min(1).max(255),
  // Optional to the schema so a missing list is named as missing (a union's own error would not say so).
  scopes: stringListParam.optional().describe(`Required: any of ${PAT_SCOPES.join(', ')}`),
  expires_at: expiresAt.optional().describe('Default never'),
  description: z.string().max(255).optional().describe('Accepted and ignored: Wharf keeps no token descriptions'),
});

const rotateInput = z.object({ expires_at: expiresAt.optional().describe('Default a week from now, as GitLab') });

const dateTime = z
  .string()
  .max(64)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'not a date or time');

const listInput = z.object({
  ...offsetParams,
  user_id: intParam.optional().describe("Only this user's tokens (administrators, or a user naming themself)"),
  state: z.enum(['active', 'inactive']).optional(),
  revoked: boolParam.optional(),
  search: z.string().max(255).optional().describe('Tokens whose name contains this (case-insensitive)'),
  created_after: dateTime.optional(),
  created_before: dateTime.optional(),
  expires_after: dateTime.optional(),
  expires_before: dateTime.optional(),
});

/** The scopes asked for, checked against Wharf's. @throws ApiError 400 naming `scopes` */
export function patScopes(scopes: readonly string[] | undefined): PatScope[] {
  if (scopes === undefined) throw badParameter('scopes is missing');
  if (scopes.length === 0) throw badParameter('scopes is empty');
  const unknown = scopes.find((s) => !(PAT_SCOPES as readonly string[]).includes(s));
  if (unknown !== undefined)
    throw badParameter(
      `scopes does not have a valid value: ${JSON.stringify(unknown.slice(0, 64))} (Wharf's scopes: ${PAT_SCOPES.join(', ')})`,
    );
  return scopes as PatScope[];
}

function isAdmin(caller: Caller): boolean {
  return caller.kind === 'user' && caller.user.admin;
}

/** The user calling (jobs never get here: these routes refuse job tokens). */
function callerUserId(caller: Caller): string {
  if (caller.kind === 'anonymous') throw unauthorized();
  return caller.user.id;
}

/** The token of this request. @throws ApiError 400 when the request was not made with one */
function ownToken(c: ApiContext): PersonalAccessTokenRecord {
  const caller = c.get('caller');
  if (caller.kind !== 'user' || !caller.token) throw badRequest('this request was not made with a personal access token');
  return caller.token;
}

/**
 * The token `:id` names, when the caller may manage it: their own, or anyone's for an
 * administrator. @throws ApiError 401 (another's or a missing token, to a non-administrator), 404 (missing, to an administrator)
 */
function managedToken(c: ApiContext): PersonalAccessTokenRecord {
  const caller = c.get('caller');
  const id = numericId(c.req.param('id') ?? '');
  if (id === null) throw badParameter('id is invalid');
  const token = c.get('state').byNumber('personalAccessTokens', id);
  if (token && (isAdmin(caller) || token.userId === callerUserId(caller))) return token;
  throw isAdmin(caller) ? notFound('Personal Access Token') : unauthorized();
}

function listed(state: AccessState, caller: Caller, input: z.output<typeof listInput>, now: Date): PersonalAccessTokenRecord[] {
  let owner: string | undefined;
  if (input.user_id !== undefined) {
    const user = state.byNumber('users', input.user_id);
    if (!isAdmin(caller) && user?.id !== callerUserId(caller)) throw unauthorized();
    if (!user) throw notFound('User');
    owner = user.id;
  } else if (!isAdmin(caller)) {
    owner = callerUserId(caller);
  }
  const search = input.search?.toLowerCase();
  const at = (v: string | undefined) => (v === undefined ? undefined : Date.parse(v));
  const [createdAfter, createdBefore, expiresAfter, expiresBefore] = [
    input.created_after,
    input.created_before,
    input.expires_after,
    input.expires_before,
  ].map(at);
  return [...state.document.personalAccessTokens.values()]
    .filter((t) => {
      const created = Date.parse(t.createdAt);
      const expires = t.expiresAt === null ? null : Date.parse(t.expiresAt);
      return (
        (owner === undefined || t.userId === owner) &&
        (input.state === undefined || tokenActive(t, now) === (input.state === 'active')) &&
        (input.revoked === undefined || t.revoked === input.revoked) &&
        (search === undefined || t.name.toLowerCase().includes(search)) &&
        (createdAfter === undefined || created > createdAfter) &&
        (createdBefore === undefined || created < createdBefore) &&
        (expiresAfter === undefined || (expires !== null && expires > expiresAfter)) &&
        (expiresBefore === undefined || (expires !== null && expires < expiresBefore))
      );
    })
    .sort((a, b) => b.number - a.number);
}

/**
 * Rotate: a new token with the old one's owner, name and scopes, then the old one revoked. The
 * new token is made first so a failure leaves the old one working; should the revocation fail,
 * the new token is revoked too, and the error stands.
 * @throws ApiError 400 for a revoked or expired token
 */
async function rotate(deps: ApiDeps, c: ApiContext, token: PersonalAccessTokenRecord, input: z.output<typeof rotateInput>) {
  const now = deps.store.now();
  if (token.revoked) throw badRequest('token already revoked');
  if (!tokenActive(token, now)) throw badRequest('token already expired');
  const expires = input.expires_at ?? new Date(now.getTime() + ROTATED_LIFETIME_MS).toISOString().slice(0, 10);
  const created = await deps.store.createPersonalAccessToken({
    user: token.userId,
    name: token.name,
    scopes: token.scopes,
    expiresAt: expires,
  });
  try {
    await deps.store.revokePersonalAccessToken(token.id);
  } catch (error) {
    await deps.store.revokePersonalAccessToken(created.token.id).catch(() => undefined);
    throw error;
  }
  const state = await deps.store.state();
  const record = state.document.personalAccessTokens.get(created.token.id);
  if (!record) throw badRequest('the token was deleted meanwhile');
  return c.json(presentPersonalAccessToken(state, record, now, created.secret), 200);
}

/** Make a token for a user (by ulid) and answer it with its secret. */
async function create(deps: ApiDeps, c: ApiContext, userId: string, input: z.output<typeof createInput>): Promise<Response> {
  const created = await deps.store.createPersonalAccessToken({
    user: userId,
    name: input.name,
    scopes: patScopes(input.scopes),
    ...(input.expires_at !== undefined ? { expiresAt: input.expires_at } : {}),
  });
  const state = await deps.store.state();
  const record = state.document.personalAccessTokens.get(created.token.id);
  if (!record) throw badRequest('the token was deleted meanwhile');
  return c.json(presentPersonalAccessToken(state, record, deps.store.now(), created.secret), 201);
}

async function revoke(deps: ApiDeps, c: ApiContext, token: PersonalAccessTokenRecord): Promise<Response> {
  await deps.store.revokePersonalAccessToken(token.id);
  return c.body(null, 204);
}

/** Declare the personal access token endpoints. */
export function personalAccessTokenRoutes(table: RouteTable, deps: ApiDeps): void {
  table.add({
    method: 'post',
    path: '/users/:user_id/personal_access_tokens',
    operationId: 'createPersonalAccessToken',
    tag: 'personal_access_tokens',
    summary: 'Create a personal access token for a user (administrators)',
    description: 'The answer carries the secret as `token`, this once.',
    access: { auth: 'user' },
    input: createInput,
    response: { status: 201, description: 'The token, with its secret' },
    handler: async (c, input) => {
      requireAdmin(c.get('caller'));
      return create(deps, c, findUser(c.get('state'), c.req.param('user_id') ?? '').id, input);
    },
  });

  table.add({
    method: 'post',
    path: '/user/personal_access_tokens',
    operationId: 'createOwnPersonalAccessToken',
    tag: 'personal_access_tokens',
    summary: 'Create a personal access token for the signed-in user',
    description:
      "Where GitLab's users make tokens in their settings page, Wharf's do it here, signed in with their password (HTTP Basic): a token cannot make tokens, so a leaked one cannot outlive its expiry (GitLab limits tokens here to `k8s_proxy` for the same reason). Administrators' tokens use `POST /users/:user_id/personal_access_tokens`. The answer carries the secret as `token`, this once.",
    access: { auth: 'user' },
    input: createInput,
    response: { status: 201, description: 'The token, with its secret' },
    handler: (c, input) => {
      const caller = c.get('caller');
      if (caller.kind !== 'user' || caller.token) throw forbidden('sign in with the password to make a personal access token');
      return create(deps, c, caller.user.id, input);
    },
  });

  table.add({
    method: 'get',
    path: '/personal_access_tokens',
    operationId: 'listPersonalAccessTokens',
    tag: 'personal_access_tokens',
    summary: "List personal access tokens: the caller's own; an administrator's, everyone's",
    description: 'Newest first. A non-administrator naming another user in `user_id` gets 401, as in GitLab.',
    access: { auth: 'user' },
    input: listInput,
    response: { status: 200, description: 'The tokens', paginated: 'offset' },
    handler: (c, input) => {
      const state = c.get('state');
      const now = deps.store.now();
      const { items, headers } = offsetPage(listed(state, c.get('caller'), input, now), pageOf(input), new URL(c.req.url));
      return c.json(
        items.map((t) => presentPersonalAccessToken(state, t, now)),
        200,
        headers,
      );
    },
  });

  // `self` before `:id`: the first route that matches answers.
  table.add({
    method: 'get',
    path: '/personal_access_tokens/self',
    operationId: 'getOwnPersonalAccessToken',
    tag: 'personal_access_tokens',
    summary: 'The personal access token this request was made with',
    access: { auth: 'user', anyScope: true },
    response: { status: 200, description: 'The token' },
    handler: (c) => c.json(presentPersonalAccessToken(c.get('state'), ownToken(c), deps.store.now())),
  });

  table.add({
    method: 'delete',
    path: '/personal_access_tokens/self',
    operationId: 'revokeOwnPersonalAccessToken',
    tag: 'personal_access_tokens',
    summary: 'Revoke the personal access token this request was made with',
    access: { auth: 'user', anyScope: true },
    response: { status: 204, description: 'Revoked' },
    handler: (c) => revoke(deps, c, ownToken(c)),
  });

  table.add({
    method: 'post',
    path: '/personal_access_tokens/self/rotate',
    operationId: 'rotateOwnPersonalAccessToken',
    tag: 'personal_access_tokens',
    summary: 'Rotate the personal access token this request was made with',
    description: 'Revokes it and answers a new token with the same name and scopes (`token` carries the secret).',
    access: { auth: 'user' },
    input: rotateInput,
    response: { status: 200, description: 'The new token, with its secret' },
    handler: (c, input) => rotate(deps, c, ownToken(c), input),
  });

  table.add({
    method: 'get',
    path: '/personal_access_tokens/:id',
    operationId: 'getPersonalAccessToken',
    tag: 'personal_access_tokens',
    summary: "One personal access token (one's own; administrators, anyone's)",
    access: { auth: 'user' },
    response: { status: 200, description: 'The token' },
    handler: (c) => c.json(presentPersonalAccessToken(c.get('state'), managedToken(c), deps.store.now())),
  });

  table.add({
    method: 'post',
    path: '/personal_access_tokens/:id/rotate',
    operationId: 'rotatePersonalAccessToken',
    tag: 'personal_access_tokens',
    summary: 'Rotate a personal access token: revoke it and make one with the same name and scopes',
    access: { auth: 'user' },
    input: rotateInput,
    response: { status: 200, description: 'The new token, with its secret' },
    handler: (c, input) => rotate(deps, c, managedToken(c), input),
  });

  table.add({
    method: 'delete',
    path: '/personal_access_tokens/:id',
    operationId: 'revokePersonalAccessToken',
    tag: 'personal_access_tokens',
    summary: "Revoke a personal access token (one's own; administrators, anyone's)",
    access: { auth: 'user' },
    response: { status: 204, description: 'Revoked' },
    handler: (c) => {
      const caller = c.get('caller');
      const id = numericId(c.req.param('id') ?? '');
      if (id === null) throw badParameter('id is invalid');
      const token = c.get('state').byNumber('personalAccessTokens', id);
      if (!token) throw notFound('Personal Access Token');
      if (!isAdmin(caller) && token.userId !== callerUserId(caller)) throw badRequest('Not permitted to revoke');
      return revoke(deps, c, token);
    },
  });
}
