/**
 * GitLab REST v4: the members of groups and projects — `GET /{groups|projects}/:id/members`
 * (direct), `…/members/all` (inherited from the groups above too), one member of each, and
 * adding (`POST`), changing the role of (`PUT`) and removing (`DELETE`) a direct member.
 *
 * The same routes are declared for groups and for projects, as GitLab documents them together.
 * Whoever can see a group or project can list its members; changing them follows GitLab's rules
 * (member-rules.ts). A change takes effect at once in the registry (`/v2`): the registry's
 * rights are computed from the same memberships.
 * @module
 */
import type { AccessState, Role, TargetSelector, UserRecord } from '@wharf/access';
import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import { findGroup, findProject, findUser, numericId } from '../auth/find.js';
import { type ApiDeps, originOf } from '../deps.js';
import { ApiError, badParameter, badRequest, notFound } from '../http/api-error.js';
import { idListParam, intParam } from '../http/input.js';
import { offsetPage, offsetParams, pageOf } from '../http/pagination.js';
import type { ApiContext, RouteTable } from '../http/route-table.js';
import { type MemberView, presentMember } from '../presenters/members.js';
import {
  allMembers,
  directMembers,
  type MemberSource,
  refuseBelowInherited,
  refuseLastOwnerChange,
  requireManage,
  roleOfLevel,
} from './member-rules.js';

type Kind = 'groups' | 'projects';

const listInput = z.object({
  ...offsetParams,
  query: z.string().max(255).optional().describe('Only members whose username contains this'),
  user_ids: idListParam.optional().describe('Only these users'),
  skip_users: idListParam.optional().describe('Leave these users out'),
});

/** Required; optional in the schema so that a missing one is named as missing (a union cannot say so). */
const accessLevel = intParam.optional().describe('Required: 10 guest, 20 reporter, 30 developer, 40 maintainer, 50 owner');

/** The role of the required `access_level`. @throws ApiError 400 when it is missing or not one of the model's */
function roleOf(level: number | undefined): Role {
  if (level === undefined) throw badParameter('access_level is missing');
  return roleOfLevel(level);
}

const expiresAt = z
  .union([z.string().max(64), z.null()])
  .optional()
  .describe('Not available in Wharf (memberships do not expire): leave it out, or send it empty or null');

const addInput = z.object({
  user_id: z
    .union([intParam, z.string().max(1024)])
    .optional()
    .describe('The numeric id of the user'),
  username: z.string().max(255).optional().describe('The username, instead of user_id'),
  access_level: accessLevel,
  expires_at: expiresAt,
});

const editInput = z.object({
  access_level: accessLevel,
  expires_at: expiresAt,
});

function sourceOf(c: ApiContext, kind: Kind): MemberSource {
  const ref = c.req.param('id') ?? '';
  return kind === 'groups'
    ? { type: 'group', record: findGroup(c.get('state'), c.get('caller'), ref) }
    : { type: 'project', record: findProject(c.get('state'), c.get('caller'), ref) };
}

function selectorOf(source: MemberSource): TargetSelector {
  return source.type === 'group' ? { group: source.record.id } : { project: source.record.id };
}

/** @throws ApiError 400 for an expiry date: the access model has no membership expiry */
function refuseExpiry(value: string | null | undefined): void {
  if (value !== undefined && value !== null && value.trim() !== '')
    throw badRequest('expires_at is not available: memberships do not expire in Wharf; leave it out');
}

/** The direct membership of `user`, or 404 `Member Not Found`. */
function directMember(state: AccessState, source: MemberSource, user: UserRecord): MemberView {
  const view = directMembers(state, source).find((v) => v.user.id === user.id);
  if (!view) throw notFound('Member');
  return view;
}

/** The user to add, from `user_id` or `username` (exactly one). */
function userToAdd(state: AccessState, input: z.output<typeof addInput>): UserRecord {
  if ((input.user_id === undefined) === (input.username === undefined))
    throw badParameter('user_id, username are missing, exactly one parameter must be provided');
  if (input.username !== undefined) {
    const user = state.userByName(input.username);
    if (!user) throw notFound('User');
    return user;
  }
  const id = String(input.user_id);
  if (numericId(id) === null)
    throw badParameter('user_id is invalid: give one numeric user id (adding several users at once is not available)');
  return findUser(state, id);
}

function filtered(views: MemberView[], input: z.output<typeof listInput>): MemberView[] {
  const query = input.query?.toLowerCase();
  const only = input.user_ids ? new Set(input.user_ids) : null;
  const skip = new Set(input.skip_users ?? []);
  return views.filter(
    (v) => (!query || v.user.username.toLowerCase().includes(query)) && (!only || only.has(v.user.number)) && !skip.has(v.user.number),
  );
}

function isSelf(caller: Caller, user: UserRecord): boolean {
  return caller.kind === 'user' && caller.user.id === user.id;
}

function kindRoutes(table: RouteTable, deps: ApiDeps, kind: Kind): void {
  const thing = kind === 'groups' ? 'group' : 'project';
  const Thing = kind === 'groups' ? 'Group' : 'Project';
  const base = `/${kind}/:id/members`;
  const json = (c: ApiContext, view: MemberView) => presentMember(view, originOf(deps, c.req.raw));

  // `…/members/all` first: `…/members/:user_id` would take `all` for a user id.
  for (const all of [true, false]) {
    table.add({
      method: 'get',
      path: all ? `${base}/all` : base,
      operationId: `list${Thing}Members${all ? 'All' : ''}`,
      tag: 'members',
      summary: all ? `List the members of a ${thing}, with those inherited from the groups above` : `List the direct members of a ${thing}`,
      ...(all ? { description: 'Each user once, with their highest role.' } : {}),
      access: { auth: 'public' },
      input: listInput,
      response: { status: 200, description: 'The members', paginated: 'offset' },
      handler: (c, input) => {
        const source = sourceOf(c, kind);
        const views = filtered(all ? allMembers(c.get('state'), source) : directMembers(c.get('state'), source), input);
        const { items, headers } = offsetPage(views, pageOf(input), new URL(c.req.url));
        return c.json(
          items.map((v) => json(c, v)),
          200,
          headers,
        );
      },
    });

    table.add({
      method: 'get',
      path: all ? `${base}/all/:user_id` : `${base}/:user_id`,
      operationId: `get${Thing}Member${all ? 'All' : ''}`,
      tag: 'members',
      summary: all ? `One member of a ${thing}, direct or inherited` : `One direct member of a ${thing}`,
      access: { auth: 'public' },
      response: { status: 200, description: 'The member' },
      handler: (c) => {
        const state = c.get('state');
        const source = sourceOf(c, kind);
        const user = findUser(state, c.req.param('user_id') ?? '');
        const view = (all ? allMembers(state, source) : directMembers(state, source)).find((v) => v.user.id === user.id);
        if (!view) throw notFound('Member');
        return c.json(json(c, view));
      },
    });
  }

  table.add({
    method: 'post',
    path: base,
    operationId: `add${Thing}Member`,
    tag: 'members',
    summary: `Add a member to a ${thing}`,
    description:
      kind === 'groups'
        ? "Needs the owner role in the group (GitLab's rule for group members)."
        : 'Needs the maintainer role; giving the owner role needs the owner role.',
    access: { auth: 'user' },
    input: addInput,
    response: { status: 201, description: 'The new member' },
    errors: [409],
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const source = sourceOf(c, kind);
      const role = roleOf(input.access_level);
      requireManage(state, caller, source, [role]);
      refuseExpiry(input.expires_at);
      const user = userToAdd(state, input);
      if (directMembers(state, source).some((v) => v.user.id === user.id)) throw new ApiError(409, 'Member already exists');
      refuseBelowInherited(state, source, user, role);
      const member = await deps.store.addMember({ ...selectorOf(source), user: user.id, role });
      return c.json(json(c, { user, member }), 201);
    },
  });

  table.add({
    method: 'put',
    path: `${base}/:user_id`,
    operationId: `edit${Thing}Member`,
    tag: 'members',
    summary: `Change the role of a direct member of a ${thing}`,
    access: { auth: 'user' },
    input: editInput,
    response: { status: 200, description: 'The member as it is now' },
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const source = sourceOf(c, kind);
      const role = roleOf(input.access_level);
      requireManage(state, caller, source, [role]);
      refuseExpiry(input.expires_at);
      const current = directMember(state, source, findUser(state, c.req.param('user_id') ?? ''));
      requireManage(state, caller, source, [current.member.role]);
      refuseLastOwnerChange(state, source, current.member, role);
      refuseBelowInherited(state, source, current.user, role);
      const member = await deps.store.setMemberRole({ ...selectorOf(source), user: current.user.id, role });
      return c.json(json(c, { user: current.user, member }));
    },
  });

  table.add({
    method: 'delete',
    path: `${base}/:user_id`,
    operationId: `remove${Thing}Member`,
    tag: 'members',
    summary: `Remove a direct member of a ${thing}`,
    description: 'A member may also remove themselves (leave); the last owner of a group may not.',
    access: { auth: 'user' },
    response: { status: 204, description: 'Removed' },
    handler: async (c) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const source = sourceOf(c, kind);
      const user = findUser(state, c.req.param('user_id') ?? '');
      // Checked before the membership is looked up, so outsiders learn nothing about members.
      if (!isSelf(caller, user)) requireManage(state, caller, source, []);
      const current = directMember(state, source, user);
      if (!isSelf(caller, user)) requireManage(state, caller, source, [current.member.role]);
      refuseLastOwnerChange(state, source, current.member, null);
      await deps.store.removeMember({ ...selectorOf(source), user: user.id });
      return c.body(null, 204);
    },
  });
}

/** The members routes, for groups and for projects. */
export function memberRoutes(table: RouteTable, deps: ApiDeps): void {
  kindRoutes(table, deps, 'groups');
  kindRoutes(table, deps, 'projects');
}
