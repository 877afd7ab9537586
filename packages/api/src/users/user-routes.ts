/**
 * Users: `GET /user`, `GET /users`, `GET /users/:id`, `POST /users`, `PUT /users/:id`,
 * `DELETE /users/:id`, `POST /users/:id/block` and `/unblock`, as GitLab's Users API has them.
 *
 * Who sees what (GitLab's rule): any signed-in caller may list and read users, and gets the
 * basic fields; administrators, and a caller reading themself at `/user`, get the
 * administrator fields (`is_admin`, `external`, `two_factor_enabled`). Only administrators
 * create, edit, block and delete users. A CI job token cannot use these endpoints (GitLab's
 * job tokens reach only the endpoints listed for them). Unlike GitLab, listing users needs a
 * signed-in caller: a registry has no public profiles to show.
 *
 * Wharf keeps no e-mail addresses, display names or profiles: `email`, `name` and the other
 * profile parameters GitLab takes are accepted and ignored, so GitLab's clients and scripts
 * work unchanged. A user without a password can sign in with tokens only.
 * @module
 */
import type { AccessState, UserRecord } from '@wharf/access';
import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import { findUser } from '../auth/find.js';
import { requireAdmin } from '../auth/rights.js';
import { type ApiDeps, originOf } from '../deps.js';
import { badRequest, forbidden } from '../http/api-error.js';
import { boolParam } from '../http/input.js';
import { offsetPage, offsetParams, pageOf } from '../http/pagination.js';
import type { ApiContext, RouteTable } from '../http/route-table.js';
import { presentUser, presentUserBasic, presentUserDetails, type UserUrls } from '../presenters/users.js';

const password = z.string().max(4096).describe('At least 8 characters; leave out for a user who signs in with tokens only');

const userFields = {
  admin: boolParam.optional().describe('Whether the user is an administrator'),
  external: boolParam.optional().describe('External users see internal projects only where they are members'),
  two_factor_enabled: boolParam
    .optional()
    .describe(
      "Wharf's extension: with two-factor authentication on, the registry refuses the password and takes personal access tokens only",
    ),
  email: z.string().max(255).optional().describe('Accepted and ignored: Wharf keeps no e-mail addresses'),
  name: z.string().max(255).optional().describe('Accepted and ignored: Wharf has no display names (the name is the username)'),
};

const createInput = z.object({
  username: z.string().min(1).max(255),
  password: password.optional(),
  ...userFields,
});

const editInput = z.object({
  username: z.string().min(1).max(255).optional().describe('Must be the current username: Wharf cannot rename users'),
  password: password.optional(),
  ...userFields,
});

const listInput = z.object({
  ...offsetParams,
  search: z.string().max(255).optional().describe('Usernames containing this (case-insensitive)'),
  username: z.string().max(255).optional().describe('The user with exactly this username (case-insensitive)'),
  active: boolParam.optional().describe('Only users who are not blocked'),
  blocked: boolParam.optional().describe('Only blocked users'),
  external: boolParam.optional().describe('Only external users (administrators only)'),
  exclude_external: boolParam.optional().describe('Leave external users out'),
  admins: boolParam.optional().describe('Only administrators (administrators only; ignored for others)'),
  order_by: z.enum(['id', 'name', 'username', 'created_at', 'updated_at']).optional().describe('Default `id`'),
  sort: z.enum(['asc', 'desc']).optional().describe('Default `desc`'),
});

function urlsOf(deps: ApiDeps, c: ApiContext): UserUrls {
  return { origin: originOf(deps, c.req.raw) };
}

function isAdmin(caller: Caller): boolean {
  return caller.kind === 'user' && caller.user.admin;
}

function listed(state: AccessState, caller: Caller, input: z.output<typeof listInput>): UserRecord[] {
  if (input.external !== undefined && !isAdmin(caller)) throw forbidden('only administrators may filter by external');
  const search = input.search?.toLowerCase();
  const username = input.username?.toLowerCase();
  const admins = input.admins === true && isAdmin(caller);
  const users = [...state.document.users.values()].filter(
    (user) =>
      (search === undefined || user.username.toLowerCase().includes(search)) &&
      (username === undefined || user.username.toLowerCase() === username) &&
      (!input.active || !user.blocked) &&
      (!input.blocked || user.blocked) &&
      (input.external === undefined || user.external === input.external) &&
      (!input.exclude_external || !user.external) &&
      (!admins || user.admin),
  );
  const orderBy = input.order_by ?? 'id';
  const key: (u: UserRecord) => string | number =
    orderBy === 'name' || orderBy === 'username'
      ? (u) => u.username.toLowerCase()
      : orderBy === 'created_at'
        ? (u) => u.createdAt
        : (u) => u.number;
  const sign = (input.sort ?? 'desc') === 'asc' ? 1 : -1;
  return users.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * sign || (a.number - b.number) * sign;
  });
}

/** The store's changes to a user from GitLab's parameters (only those given). */
function changesOf(input: z.output<typeof editInput>) {
  return {
    ...(input.password !== undefined ? { password: input.password } : {}),
    ...(input.admin !== undefined ? { admin: input.admin } : {}),
    ...(input.external !== undefined ? { external: input.external } : {}),
    ...(input.two_factor_enabled !== undefined ? { twoFactor: input.two_factor_enabled } : {}),
  };
}

/** The user `:id` names, for an administrator. @throws ApiError 403, 404 `User Not Found` */
function managedUser(c: ApiContext): UserRecord {
  requireAdmin(c.get('caller'));
  return findUser(c.get('state'), c.req.param('id') ?? '');
}

/** The user as it is after a change, from the store's latest state. */
async function reread(deps: ApiDeps, id: string): Promise<UserRecord> {
  const user = (await deps.store.state()).document.users.get(id);
  if (!user) throw badRequest('the user was deleted meanwhile');
  return user;
}

/** Declare the users endpoints. */
export function userRoutes(table: RouteTable, deps: ApiDeps): void {
  table.add({
    method: 'get',
    path: '/user',
    operationId: 'getCurrentUser',
    tag: 'users',
    summary: 'The signed-in user',
    access: { auth: 'user' },
    response: { status: 200, description: 'The caller, with the administrator fields' },
    handler: (c) => {
      const caller = c.get('caller');
      if (caller.kind === 'anonymous') throw forbidden();
      return c.json(presentUserDetails(caller.user, urlsOf(deps, c)));
    },
  });

  table.add({
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    tag: 'users',
    summary: 'List users',
    description: 'Administrators get the administrator fields; other callers the basic ones.',
    access: { auth: 'user' },
    input: listInput,
    response: { status: 200, description: 'The users', paginated: 'offset' },
    handler: (c, input) => {
      const caller = c.get('caller');
      const urls = urlsOf(deps, c);
      const { items, headers } = offsetPage(listed(c.get('state'), caller, input), pageOf(input), new URL(c.req.url));
      const present = isAdmin(caller) ? presentUserDetails : presentUserBasic;
      return c.json(
        items.map((u) => present(u, urls)),
        200,
        headers,
      );
    },
  });

  table.add({
    method: 'get',
    path: '/users/:id',
    operationId: 'getUser',
    tag: 'users',
    summary: 'One user',
    access: { auth: 'user' },
    response: { status: 200, description: 'The user (with the administrator fields for an administrator)' },
    handler: (c) => {
      const caller = c.get('caller');
      const user = findUser(c.get('state'), c.req.param('id') ?? '');
      const self = caller.kind !== 'anonymous' && caller.user.id === user.id;
      return c.json((isAdmin(caller) || self ? presentUserDetails : presentUser)(user, urlsOf(deps, c)));
    },
  });

  table.add({
    method: 'post',
    path: '/users',
    operationId: 'createUser',
    tag: 'users',
    summary: 'Create a user (administrators)',
    access: { auth: 'user' },
    input: createInput,
    response: { status: 201, description: 'The new user' },
    errors: [409],
    handler: async (c, input) => {
      requireAdmin(c.get('caller'));
      const { username, ...rest } = input;
      const created = await deps.store.createUser({ username, ...changesOf(rest) });
      return c.json(presentUserDetails(await reread(deps, created.id), urlsOf(deps, c)), 201);
    },
  });

  table.add({
    method: 'put',
    path: '/users/:id',
    operationId: 'editUser',
    tag: 'users',
    summary: "Change a user's password, administrator or external flag (administrators)",
    description: 'Answers 409 rather than leave no active administrator.',
    access: { auth: 'user' },
    input: editInput,
    response: { status: 200, description: 'The user as it is now' },
    errors: [409],
    handler: async (c, input) => {
      const user = managedUser(c);
      if (input.username !== undefined && input.username.toLowerCase() !== user.username.toLowerCase())
        throw badRequest('username cannot be changed: Wharf cannot rename users');
      const changes = changesOf(input);
      if (Object.keys(changes).length > 0) await deps.store.updateUser(user.id, changes);
      return c.json(presentUserDetails(await reread(deps, user.id), urlsOf(deps, c)));
    },
  });

  table.add({
    method: 'delete',
    path: '/users/:id',
    operationId: 'deleteUser',
    tag: 'users',
    summary: 'Delete a user with their memberships, tokens and jobs (administrators)',
    description: 'Answers 409 for the last active administrator.',
    access: { auth: 'user' },
    response: { status: 204, description: 'Deleted' },
    errors: [409],
    handler: async (c) => {
      await deps.store.deleteUser(managedUser(c).id);
      return c.body(null, 204);
    },
  });

  for (const [verb, blocked] of [
    ['block', true],
    ['unblock', false],
  ] as const) {
    table.add({
      method: 'post',
      path: `/users/:id/${verb}`,
      operationId: `${verb}User`,
      tag: 'users',
      summary: blocked
        ? 'Block a user: every sign-in and token of theirs stops working (administrators)'
        : 'Unblock a user (administrators)',
      ...(blocked ? { description: 'Answers 409 for the last active administrator.' } : {}),
      access: { auth: 'user' },
      response: { status: 201, description: '`true`' },
      errors: [409],
      handler: async (c) => {
        const user = managedUser(c);
        if (user.blocked !== blocked) await deps.store.updateUser(user.id, { blocked });
        return c.json(true, 201);
      },
    });
  }
}
