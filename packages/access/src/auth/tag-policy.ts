/**
 * {@link createTagPolicy}: the access model's answer to core's `TagProtection`, enforcing the
 * projects' container tag protection rules (model/tag-rules.ts) wherever a tag is pushed,
 * moved or deleted — `/v2`, the management API, the REST API and the page alike.
 *
 * The repository belongs to the project {@link resolveRepository} names (the same mapping `/v2`
 * authorizes with); a repository of no project has no rules. For each tag the change touches:
 * - an immutable rule that matches refuses overwriting the tag (moving it to another digest)
 *   and deleting it, for everybody, administrators included; creating the tag, or pushing it
 *   again with the digest it already has, is allowed. It is checked first: when it refuses,
 *   no role would help, and the message says so;
 * - protected rules that match need their level for the action, the most restrictive one
 *   when several match (GitLab's rule); administrators pass every level.
 *
 * Who asks comes from the principal core passes: `user:<id>` (by password or token) acts with
 * the user's role on the project, `job:<id>` with its user's role (a job acts as its user). A
 * deploy token has no role, so it is refused wherever a protected rule applies. No principal
 * (a call that names nobody: the management API today, host automation) has no role either:
 * protection fails closed. Cleanup policies and bulk deletes do not need a role: they ask
 * {@link TagProtection.protectedTags} and leave every tag a rule matches alone (GitLab: cleanup
 * never deletes protected tags).
 * @module
 */
import { RegistryError, type TagChange, type TagProtection, type TagState } from '@wharf/core';
import type { AccessState } from '../model/access-state.js';
import { type Role, roleAtLeast } from '../model/roles.js';
import type { ProjectRecord, TagRuleLevel, TagRuleRecord } from '../model/schema.js';
import { isImmutableRule, rulesMatching, tagRulesOf } from '../model/tag-rules.js';
import type { AccessStore } from '../store/access-store.js';
import { usableUser } from './credential-context.js';
import { effectiveRole } from './permissions.js';
import { parseSubject } from './principal.js';
import { resolveRepository } from './resolve-repository.js';

/** A role on the project, `admin` for an administrator, or `null` for none. */
export type TagActorLevel = Role | 'admin' | null;

/** Who asks, as the rules see them: their level and how to name them in a refusal. */
export interface TagActor {
  readonly level: TagActorLevel;
  /** Why the level is what it is, for messages: `you have the developer role`. */
  readonly description: string;
}

/** Whether `level` reaches a rule's minimum (`admin` is above owner). */
export function levelReaches(level: TagActorLevel, minimum: TagRuleLevel): boolean {
  if (level === 'admin') return true;
  if (minimum === 'admin') return false;
  return roleAtLeast(level, minimum);
}

const LEVEL_RANK: Readonly<Record<TagRuleLevel, number>> = { maintainer: 0, owner: 1, admin: 2 };

function subjectOf(principal: unknown): string | undefined {
  if (typeof principal !== 'object' || principal === null) return undefined;
  const subject = (principal as { subject?: unknown }).subject;
  return typeof subject === 'string' ? subject : undefined;
}

function userLevel(state: AccessState, userId: string, project: ProjectRecord): TagActorLevel {
  const user = usableUser(state, userId);
  if (!user) return null;
  return user.admin ? 'admin' : effectiveRole(state, user.id, project);
}

/**
 * The level of whoever `principal` names on `project`: a user's role (administrators
 * `admin`), a job's user's role, nothing for deploy tokens, blocked or deleted users, and
 * requests that name nobody.
 */
export function tagActor(state: AccessState, principal: unknown, project: ProjectRecord): TagActor {
  const subject = subjectOf(principal);
  const parsed = subject === undefined ? null : parseSubject(subject);
  if (!parsed) return { level: null, description: 'the request names no user' };
  let level: TagActorLevel = null;
  if (parsed.kind === 'deploy-token') return { level: null, description: 'a deploy token has no role' };
  if (parsed.kind === 'user') level = userLevel(state, parsed.id, project);
  if (parsed.kind === 'job') {
    const job = state.document.jobs.get(parsed.id);
    level = job ? userLevel(state, job.userId, project) : null;
  }
  const description =
    level === null ? 'you have no role in the project' : level === 'admin' ? 'you are an administrator' : `you have the ${level} role`;
  return { level, description };
}

/** What the change does to a tag, as a refusal words it. */
function doing(change: TagChange): string {
  if (change.action === 'push') return 'pushing it';
  if (change.origin === 'manifest') return 'deleting the manifest it points at';
  if (change.origin === 'repository') return 'deleting its repository';
  return 'deleting it';
}

function needs(level: TagRuleLevel): string {
  return level === 'admin' ? 'an administrator' : `the ${level} role`;
}

/** Whether an immutable rule forbids this part of the change. */
function touchesExisting(change: TagChange, state: TagState): boolean {
  return change.action === 'delete' ? state.currentDigest !== null : state.overwrite;
}

/**
 * The refusal for one tag, or `null` when the rules allow the change to it.
 * @param rules the project's rules that match the tag
 */
export function refusalFor(change: TagChange, state: TagState, project: ProjectRecord, rules: readonly TagRuleRecord[], actor: TagActor): string | null {
  const tag = JSON.stringify(state.tag);
  const immutable = rules.find(isImmutableRule);
  if (immutable && touchesExisting(change, state)) {
    const consequence =
      change.action === 'push' || change.origin === 'tag'
        ? ''
        : change.origin === 'manifest'
          ? ', so the manifest it points at cannot be deleted'
          : ', so its repository cannot be deleted';
    return `tag ${tag} is immutable in project ${project.path} (rule ${JSON.stringify(immutable.tagNamePattern)}): it cannot be overwritten or deleted${consequence}`;
  }
  let strictest: { rule: TagRuleRecord; level: TagRuleLevel } | null = null;
  for (const rule of rules) {
    const level = change.action === 'push' ? rule.minimumAccessLevelForPush : rule.minimumAccessLevelForDelete;
    if (level !== null && (strictest === null || LEVEL_RANK[level] > LEVEL_RANK[strictest.level])) strictest = { rule, level };
  }
  if (strictest === null || levelReaches(actor.level, strictest.level)) return null;
  return `tag ${tag} is protected in project ${project.path}: ${doing(change)} needs ${needs(strictest.level)} (rule ${JSON.stringify(strictest.rule.tagNamePattern)}); ${actor.description}`;
}

/**
 * The tag protection of a registry whose access is this store's.
 * @example
 * const registry = createRegistry({ storage, hooks, tagProtection: createTagPolicy(store) });
 */
export function createTagPolicy(store: AccessStore): TagProtection {
  /** The project and its rules, or `null` when no rule can apply. */
  const rulesFor = async (repository: string) => {
    const state = await store.state();
    const resolved = resolveRepository(state, repository);
    if ('error' in resolved || tagRulesOf(resolved.project).length === 0) return null;
    return { state, project: resolved.project };
  };
  return {
    async checkTagChange(change) {
      const found = await rulesFor(change.repository);
      if (!found) return;
      const { state, project } = found;
      let actor: TagActor | undefined;
      for (const tagState of change.tags) {
        const rules = rulesMatching(project, tagState.tag);
        if (rules.length === 0) continue;
        actor ??= tagActor(state, change.principal, project);
        const refusal = refusalFor(change, tagState, project, rules, actor);
        if (refusal) throw new RegistryError('DENIED', refusal);
      }
    },
    async protectedTags(repository, tags) {
      const found = await rulesFor(repository);
      if (!found) return new Set();
      return new Set(tags.filter((tag) => rulesMatching(found.project, tag).length > 0));
    },
  };
}
