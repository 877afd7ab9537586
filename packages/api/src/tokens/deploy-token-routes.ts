/**
 * Deploy tokens, as GitLab's Deploy Tokens API has them: `GET /deploy_tokens` (administrators,
 * every token), and for a project or a group `GET|POST /{projects,groups}/:id/deploy_tokens`
 * and `GET|DELETE /{projects,groups}/:id/deploy_tokens/:token_id`, for its maintainers (and
 * administrators). A group's token works for every project inside the group.
 *
 * The secret is answered once, as `token`, on creation. Wharf's deploy tokens open the
 * registry only, so their scopes are `read_registry` and `write_registry`; GitLab's other
 * scopes (repositories, packages) are refused by name. Deleting revokes: the record stays and
 * is listed with `revoked: true` (`active=true` leaves it out), and the secret stops working.
 * @module
 */
import { DEPLOY_TOKEN_SCOPES, type DeployTokenRecord, type DeployTokenScope, type GroupRecord, type ProjectRecord } from '@wharf/access';
import { z } from 'zod';
import { findGroup, findProject, numericId } from '../auth/find.js';
import { requireAdmin, requireGroupLevel, requireProjectLevel } from '../auth/rights.js';
import type { ApiDeps } from '../deps.js';
import { badParameter, badRequest, notFound } from '../http/api-error.js';
import { boolParam, stringListParam } from '../http/input.js';
import { offsetPage, offsetParams, pageOf } from '../http/pagination.js';
import type { ApiContext, RouteTable } from '../http/route-table.js';
import { presentDeployToken, tokenActive } from '../presenters/tokens.js';

const createInput = z.object({
  name: z.string().min(1).max(255),
  // Optional to the schema so a missing list is named as missing (a union's own error would not say so).
  scopes: stringListParam.optional().describe(`Required: any of ${DEPLOY_TOKEN_SCOPES.join(', ')}`),
  expires_at: z.string().max(64).optional().describe('`YYYY-MM-DD` or an ISO timestamp; default never'),
  username: z.string().min(1).max(255).optional().describe('Default `wharf+deploy-token-<n>`'),
});

const listInput = z.object({
  ...offsetParams,
  active: boolParam.optional().describe('Only tokens that work (not revoked, not expired)'),
});

type ListInput = z.output<typeof listInput>;

/** The scopes asked for, checked against Wharf's. @throws ApiError 400 naming `scopes` */
function deployScopes(scopes: readonly string[] | undefined): DeployTokenScope[] {
  if (scopes === undefined) throw badParameter('scopes is missing');
  if (scopes.length === 0) throw badParameter('scopes is empty');
  const unknown = scopes.find((s) => !(DEPLOY_TOKEN_SCOPES as readonly string[]).includes(s));
  if (unknown !== undefined)
    throw badParameter(
      `scopes does not have a valid value: ${JSON.stringify(unknown.slice(0, 64))} (Wharf's deploy tokens: ${DEPLOY_TOKEN_SCOPES.join(', ')})`,
    );
  return scopes as DeployTokenScope[];
}

/** A page of tokens, oldest first, as JSON with the pagination headers. */
function listAnswer(c: ApiContext, deps: ApiDeps, tokens: Iterable<DeployTokenRecord>, input: ListInput): Response {
  const now = deps.store.now();
  const all = [...tokens]
    .filter((t) => input.active === undefined || tokenActive(t, now) === input.active)
    .sort((a, b) => a.number - b.number);
  const { items, headers } = offsetPage(all, pageOf(input), new URL(c.req.url));
  return c.json(
    items.map((t) => presentDeployToken(t, now)),
    200,
    headers,
  );
}

/** A project or a group, found as the caller may see it and managed by its maintainers. */
interface Owner {
  readonly selector: { readonly project: string } | { readonly group: string };
  readonly target: ProjectRecord | GroupRecord;
}

const KINDS = {
  projects: {
    thing: 'project',
    find(c: ApiContext): Owner {
      const state = c.get('state');
      const caller = c.get('caller');
      const project = findProject(state, caller, c.req.param('id') ?? '');
      requireProjectLevel(state, caller, project, 'maintainer');
      return { selector: { project: project.id }, target: project };
    },
  },
  groups: {
    thing: 'group',
    find(c: ApiContext): Owner {
      const state = c.get('state');
      const caller = c.get('caller');
      const group = findGroup(state, caller, c.req.param('id') ?? '');
      requireGroupLevel(state, caller, group, 'maintainer');
      return { selector: { group: group.id }, target: group };
    },
  },
} as const;

/** The token `:token_id` of this project or group. @throws ApiError 404 `Deploy Token Not Found` */
function ownedToken(c: ApiContext, owner: Owner): DeployTokenRecord {
  const number = numericId(c.req.param('token_id') ?? '');
  if (number === null) throw badParameter('token_id is invalid');
  const token = c.get('state').byNumber('deployTokens', number);
  if (!token || token.target.id !== owner.target.id) throw notFound('Deploy Token');
  return token;
}

/** Declare the deploy token endpoints. */
export function deployTokenRoutes(table: RouteTable, deps: ApiDeps): void {
  table.add({
    method: 'get',
    path: '/deploy_tokens',
    operationId: 'listAllDeployTokens',
    tag: 'deploy_tokens',
    summary: 'List every deploy token (administrators)',
    access: { auth: 'user' },
    input: listInput,
    response: { status: 200, description: 'The tokens', paginated: 'offset' },
    handler: (c, input) => {
      requireAdmin(c.get('caller'));
      return listAnswer(c, deps, c.get('state').document.deployTokens.values(), input);
    },
  });

  for (const [kind, { thing, find }] of Object.entries(KINDS)) {
    const Thing = thing === 'project' ? 'Project' : 'Group';
    table.add({
      method: 'get',
      path: `/${kind}/:id/deploy_tokens`,
      operationId: `list${Thing}DeployTokens`,
      tag: 'deploy_tokens',
      summary: `List a ${thing}'s deploy tokens (maintainers)`,
      access: { auth: 'user' },
      input: listInput,
      response: { status: 200, description: 'The tokens', paginated: 'offset' },
      handler: (c, input) => {
        const owner = find(c);
        return listAnswer(
          c,
          deps,
          [...c.get('state').document.deployTokens.values()].filter((t) => t.target.id === owner.target.id),
          input,
        );
      },
    });

    table.add({
      method: 'get',
      path: `/${kind}/:id/deploy_tokens/:token_id`,
      operationId: `get${Thing}DeployToken`,
      tag: 'deploy_tokens',
      summary: `One of a ${thing}'s deploy tokens (maintainers)`,
      access: { auth: 'user' },
      response: { status: 200, description: 'The token' },
      handler: (c) => c.json(presentDeployToken(ownedToken(c, find(c)), deps.store.now())),
    });

    table.add({
      method: 'post',
      path: `/${kind}/:id/deploy_tokens`,
      operationId: `create${Thing}DeployToken`,
      tag: 'deploy_tokens',
      summary: `Create a deploy token for a ${thing} (maintainers)`,
      description: `The answer carries the secret as \`token\`, this once.${thing === 'group' ? ' The token works for every project in the group and its subgroups.' : ''}`,
      access: { auth: 'user' },
      input: createInput,
      response: { status: 201, description: 'The token, with its secret' },
      errors: [409],
      handler: async (c, input) => {
        const owner = find(c);
        const created = await deps.store.createDeployToken({
          ...owner.selector,
          name: input.name,
          scopes: deployScopes(input.scopes),
          ...(input.username !== undefined ? { username: input.username } : {}),
          ...(input.expires_at !== undefined ? { expiresAt: input.expires_at } : {}),
        });
        const record = (await deps.store.state()).document.deployTokens.get(created.token.id);
        if (!record) throw badRequest('the token was deleted meanwhile');
        return c.json(presentDeployToken(record, deps.store.now(), created.secret), 201);
      },
    });

    table.add({
      method: 'delete',
      path: `/${kind}/:id/deploy_tokens/:token_id`,
      operationId: `delete${Thing}DeployToken`,
      tag: 'deploy_tokens',
      summary: `Revoke one of a ${thing}'s deploy tokens (maintainers)`,
      description: 'The record stays, listed with `revoked: true`; the secret stops working.',
      access: { auth: 'user' },
      response: { status: 204, description: 'Revoked' },
      handler: async (c) => {
        await deps.store.revokeDeployToken(ownedToken(c, find(c)).id);
        return c.body(null, 204);
      },
    });
  }
}
