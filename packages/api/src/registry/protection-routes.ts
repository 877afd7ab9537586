/**
 * GitLab REST v4: protected and immutable container tag rules —
 * `GET|POST /projects/:id/registry/protection/tag/rules`,
 * `PATCH|DELETE /projects/:id/registry/protection/tag/rules/:protection_rule_id`.
 *
 * As in GitLab: managing rules needs the maintainer role (`admin_container_image`); an
 * immutable rule (both minimum levels `null`, absent or `""`) needs the owner role to create
 * and to delete, and cannot be changed; at most 5 rules per project; patterns are RE2, at most
 * 100 characters, matched anywhere in the tag name. CI job tokens cannot use these endpoints.
 * A rule the model refuses (pattern, levels, limit, a repeated pattern) is 422 with GitLab's
 * bodies: `{"message": "…"}` on create, `{"message": {"error": "…"}}` on update.
 *
 * Differences from GitLab, on purpose: the list shows immutable rules too (GitLab's REST list
 * shows only protected ones, leaving immutable rules to GraphQL), so a client can find every
 * rule it made here; and immutable rules are created through `POST` with both levels unset
 * (GitLab 18 has them only in GraphQL and the UI).
 *
 * The rules are enforced by the registry's tag protection (`createTagPolicy` of
 * `@wharf/access`), not here.
 * @module
 */
import { isAccessError, type ProjectRecord, TAG_RULE_LEVELS, type TagRuleRecord, isImmutableRule, tagRulesOf } from '@wharf/access';
import { z } from 'zod';
import { findProject, numericId } from '../auth/find.js';
import { levelAtLeast, projectLevel, requireProjectLevel } from '../auth/rights.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, badParameter, forbidden } from '../http/api-error.js';
import type { ApiContext, RouteTable } from '../http/route-table.js';
import { presentTagRule, tagRuleSchema } from '../presenters/protection.js';

const PATH = '/projects/:id/registry/protection/tag/rules';

/** A level, or `null`/`""` for none (GitLab unsets a level with an empty string). */
const levelParam = z
  .union([z.enum([...TAG_RULE_LEVELS]), z.literal(''), z.null()])
  .transform((v) => (v === '' ? null : v))
  .optional();

const pattern = z.string().max(1000).describe('RE2 pattern (at most 100 characters), matched anywhere in the tag name: `^v`, `^latest$`');

const createInput = z.object({
  tag_name_pattern: pattern,
  minimum_access_level_for_push: levelParam.describe('`maintainer`, `owner` or `admin`; leave both levels unset for an immutable rule'),
  minimum_access_level_for_delete: levelParam.describe('`maintainer`, `owner` or `admin`; leave both levels unset for an immutable rule'),
});

const updateInput = z.object({
  tag_name_pattern: pattern.optional(),
  minimum_access_level_for_push: levelParam,
  minimum_access_level_for_delete: levelParam,
});

/** The project in the URL, if the caller may manage its rules. @throws ApiError 404, 403 */
function managedProject(c: ApiContext): ProjectRecord {
  const state = c.get('state');
  const caller = c.get('caller');
  const project = findProject(state, caller, c.req.param('id') ?? '');
  requireProjectLevel(state, caller, project, 'maintainer');
  return project;
}

/** The rule in the URL, of that project. @throws ApiError 400 (not a number), 404 */
function ruleOf(c: ApiContext, project: ProjectRecord): TagRuleRecord {
  const number = numericId(c.req.param('protection_rule_id') ?? '');
  if (number === null) throw badParameter('protection_rule_id is invalid');
  const rule = tagRulesOf(project).find((r) => r.number === number);
  if (!rule) throw new ApiError(404, '404 Not found');
  return rule;
}

/** Owner (or administrator) for immutable rules, GitLab's rule. @throws ApiError 403 */
function requireOwnerFor(c: ApiContext, project: ProjectRecord, reason: string): void {
  if (!levelAtLeast(projectLevel(c.get('state'), c.get('caller'), project), 'owner')) throw forbidden(reason);
}

/** The model's refusal of a rule, as the 422 message GitLab gives; anything else rethrown. */
function refusal(error: unknown): string {
  if (isAccessError(error, 'INVALID') || isAccessError(error, 'CONFLICT')) return error.message;
  throw error;
}

export function protectionRoutes(table: RouteTable, deps: ApiDeps): void {
  table.add({
    method: 'get',
    path: PATH,
    operationId: 'listContainerProtectionTagRules',
    tag: 'container_registry',
    summary: "List a project's protected and immutable container tag rules",
    description: 'Needs the maintainer role. Immutable rules show both levels as `null`.',
    access: { auth: 'user' },
    response: { status: 200, description: 'The rules, oldest first', schema: z.array(tagRuleSchema) },
    handler: (c) => {
      const project = managedProject(c);
      return c.json(tagRulesOf(project).map((rule) => presentTagRule(project, rule)));
    },
  });

  table.add({
    method: 'post',
    path: PATH,
    operationId: 'createContainerProtectionTagRule',
    tag: 'container_registry',
    summary: 'Protect container tags, or make them immutable',
    description:
      'Both levels set: pushing and deleting matching tags needs them. Both unset (or `""`): an immutable rule — matching tags can be created but never overwritten or deleted, by anyone; creating one needs the owner role. At most 5 rules per project.',
    access: { auth: 'user' },
    input: createInput,
    response: { status: 201, description: 'The new rule', schema: tagRuleSchema },
    errors: [422],
    handler: async (c, input) => {
      const project = managedProject(c);
      const push = input.minimum_access_level_for_push ?? null;
      const del = input.minimum_access_level_for_delete ?? null;
      if (push === null && del === null) requireOwnerFor(c, project, 'Unauthorized to create an immutable protection rule for container image tags');
      try {
        const rule = await deps.store.createTagRule(project.id, { tagNamePattern: input.tag_name_pattern, minimumAccessLevelForPush: push, minimumAccessLevelForDelete: del });
        return c.json(presentTagRule(project, rule), 201);
      } catch (error) {
        return c.json({ message: refusal(error) }, 422);
      }
    },
  });

  table.add({
    method: 'patch',
    path: `${PATH}/:protection_rule_id`,
    operationId: 'updateContainerProtectionTagRule',
    tag: 'container_registry',
    summary: 'Change a protected container tag rule',
    description: 'Only the fields given change. Immutable rules cannot be changed, and a protected rule cannot become immutable.',
    access: { auth: 'user' },
    input: updateInput,
    response: { status: 200, description: 'The rule as it is now', schema: tagRuleSchema },
    errors: [422],
    handler: async (c, input) => {
      const project = managedProject(c);
      const rule = ruleOf(c, project);
      const patch = {
        ...(input.tag_name_pattern !== undefined ? { tagNamePattern: input.tag_name_pattern } : {}),
        ...(input.minimum_access_level_for_push !== undefined ? { minimumAccessLevelForPush: input.minimum_access_level_for_push } : {}),
        ...(input.minimum_access_level_for_delete !== undefined ? { minimumAccessLevelForDelete: input.minimum_access_level_for_delete } : {}),
      };
      try {
        return c.json(presentTagRule(project, await deps.store.updateTagRule(project.id, rule.number, patch)));
      } catch (error) {
        return c.json({ message: { error: refusal(error) } }, 422);
      }
    },
  });

  table.add({
    method: 'delete',
    path: `${PATH}/:protection_rule_id`,
    operationId: 'deleteContainerProtectionTagRule',
    tag: 'container_registry',
    summary: 'Delete a container tag rule',
    description: 'Needs the maintainer role, or the owner role for an immutable rule. The tags it protected are no longer protected.',
    access: { auth: 'user' },
    response: { status: 204, description: 'Deleted' },
    handler: async (c) => {
      const project = managedProject(c);
      const rule = ruleOf(c, project);
      if (isImmutableRule(rule)) requireOwnerFor(c, project, 'Unauthorized to delete an immutable protection rule for container image tags');
      await deps.store.deleteTagRule(project.id, rule.number);
      return c.body(null, 204);
    },
  });
}
