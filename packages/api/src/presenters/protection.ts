/**
 * Container tag protection rules in GitLab's JSON shape (`Entities::Projects::ContainerRegistry::
 * Protection::TagRule`): `{ id, project_id, tag_name_pattern, minimum_access_level_for_push,
 * minimum_access_level_for_delete }`, ids being GitLab's numeric ids. An immutable rule shows
 * both levels as `null`, as GitLab 18 stores it.
 * @module
 */
import { TAG_RULE_LEVELS, type ProjectRecord, type TagRuleRecord } from '@wharf/access';
import { z } from 'zod';

const level = z.enum([...TAG_RULE_LEVELS]).nullable();

/** The rule's JSON schema, for the OpenAPI document. */
export const tagRuleSchema = z.object({
  id: z.number().int().describe('The numeric id of the rule'),
  project_id: z.number().int(),
  tag_name_pattern: z.string().describe('RE2 pattern, matched anywhere in the tag name'),
  minimum_access_level_for_push: level.describe('`null` for an immutable rule'),
  minimum_access_level_for_delete: level.describe('`null` for an immutable rule'),
});

/** A rule of `project` as GitLab's API shows it. */
export function presentTagRule(project: Pick<ProjectRecord, 'number'>, rule: TagRuleRecord): z.output<typeof tagRuleSchema> {
  return {
    id: rule.number,
    project_id: project.number,
    tag_name_pattern: rule.tagNamePattern,
    minimum_access_level_for_push: rule.minimumAccessLevelForPush,
    minimum_access_level_for_delete: rule.minimumAccessLevelForDelete,
  };
}
