/**
 * Changes to groups and projects. GitLab's rules: groups nest (`team/sub`), a project lives in
 * an existing group, a group and a project cannot share a path, and nothing is more visible
 * than the group it lives in (so raising a child above its parent, or lowering a parent below
 * a child, is refused rather than silently cascaded).
 * @module
 */
import { nextNumber } from './numbering.js';
import { AccessError, quoteRef } from './access-error.js';
import { find, lookupGroup, newId, pathTaken, requireGroup, requireProject } from './lookup.js';
import { explainInvalidPath, parentPath } from './names.js';
import { type ContainerRegistryAccessLevel, type Visibility, visibilityRank } from './roles.js';
import type { AccessDocument, GroupRecord, ProjectRecord } from './schema.js';

/** A group or project to create. */
export interface NewNamespace {
  /** Full path, e.g. `team/sub` (group) or `team/sub/app` (project). */
  readonly path: string;
  /** Default `private`, as in GitLab. */
  readonly visibility?: Visibility;
}

function refuseAboveParent(kind: string, path: string, visibility: Visibility, parent: GroupRecord): void {
  if (visibilityRank(visibility) > visibilityRank(parent.visibility)) {
    throw new AccessError(
      'INVALID',
      `the ${kind} "${path}" cannot be ${visibility}: its group "${parent.path}" is ${parent.visibility}, and nothing may be more visible than its group`,
    );
  }
}

function parentGroup(doc: AccessDocument, path: string, kind: 'group' | 'project'): GroupRecord | null {
  const parent = parentPath(path);
  if (parent === null) return null;
  const group = lookupGroup(doc, parent);
  if (!group || group.path !== parent) {
    throw new AccessError('NOT_FOUND', `cannot create the ${kind} "${path}": the group "${parent}" does not exist; create it first`);
  }
  return group;
}

function refuseTaken(doc: AccessDocument, path: string): void {
  const taken = pathTaken(doc, path);
  if (taken) throw new AccessError('CONFLICT', `the path "${path}" is taken by a ${taken}`);
}

/** @throws AccessError INVALID (path grammar, visibility above the parent's), NOT_FOUND (parent), CONFLICT (path taken) */
export function createGroup(doc: AccessDocument, input: NewNamespace, now: Date): GroupRecord {
  const why = explainInvalidPath(input.path, 'group');
  if (why) throw new AccessError('INVALID', why);
  const parent = parentGroup(doc, input.path, 'group');
  refuseTaken(doc, input.path);
  const visibility = input.visibility ?? 'private';
  if (parent) refuseAboveParent('group', input.path, visibility, parent);
  const group: GroupRecord = { id: newId(), number: nextNumber(doc, 'groups'), path: input.path, parentId: parent?.id ?? null, visibility, createdAt: now.toISOString() };
  doc.groups.set(group.id, group);
  return group;
}

/** @throws AccessError INVALID (path grammar, visibility above the group's), NOT_FOUND (group), CONFLICT (path taken) */
export function createProject(doc: AccessDocument, input: NewNamespace, now: Date): ProjectRecord {
  const why = explainInvalidPath(input.path, 'project');
  if (why) throw new AccessError('INVALID', why);
  const group = parentGroup(doc, input.path, 'project');
  if (!group) throw new AccessError('INVALID', `the project path "${input.path}" has no group`);
  refuseTaken(doc, input.path);
  const visibility = input.visibility ?? 'private';
  refuseAboveParent('project', input.path, visibility, group);
  const project: ProjectRecord = { id: newId(), number: nextNumber(doc, 'projects'), path: input.path, groupId: group.id, visibility, createdAt: now.toISOString() };
  doc.projects.set(project.id, project);
  return project;
}

/** @throws AccessError NOT_FOUND, INVALID (above the parent's), CONFLICT (a subgroup or project is more visible) */
export function setGroupVisibility(doc: AccessDocument, ref: string, visibility: Visibility): GroupRecord {
  const group = requireGroup(doc, ref);
  const parent = group.parentId ? doc.groups.get(group.parentId) : undefined;
  if (parent) refuseAboveParent('group', group.path, visibility, parent);
  const children = [
    ...[...doc.groups.values()].filter((g) => g.parentId === group.id),
    ...[...doc.projects.values()].filter((p) => p.groupId === group.id),
  ];
  const above = children.find((c) => visibilityRank(c.visibility) > visibilityRank(visibility));
  if (above) {
    throw new AccessError(
      'CONFLICT',
      `the group "${group.path}" cannot become ${visibility}: "${above.path}" inside it is ${above.visibility}; lower that first`,
    );
  }
  const next = { ...group, visibility };
  doc.groups.set(group.id, next);
  return next;
}

/** @throws AccessError NOT_FOUND, INVALID (above the group's) */
export function setProjectVisibility(doc: AccessDocument, ref: string, visibility: Visibility): ProjectRecord {
  const project = requireProject(doc, ref);
  const group = doc.groups.get(project.groupId);
  if (group) refuseAboveParent('project', project.path, visibility, group);
  const next = { ...project, visibility };
  doc.projects.set(project.id, next);
  return next;
}

/** What {@link planProjectMove} reads: the groups and projects of a document or a state. */
export type NamespaceReader = { readonly groups: ReadonlyMap<string, GroupRecord>; readonly projects: ReadonlyMap<string, ProjectRecord> };

/** A project move that passed GitLab's rules: the project as it is, and where it goes. */
export interface ProjectMove {
  readonly project: ProjectRecord;
  /** The group of the new path (the current group for a path change inside it). */
  readonly group: GroupRecord;
  /** The current path. */
  readonly from: string;
  /** The new path; equal to `from` when there is nothing to do. */
  readonly to: string;
}

/**
 * Check a change of a project's path, which is also how a project is transferred: the new
 * path's parent is the group it moves to (`team/app` → `other/app` transfers it to `other`,
 * `team/app` → `team/service` renames it in place). GitLab's rules: the group must exist, the
 * path must be free (of groups and projects alike), and the project must not be more visible
 * than its new group; lower its visibility first rather than have it lowered silently. The
 * project keeps its id and number, so members, deploy tokens and jobs stay attached. Moving a
 * project to the path it has is allowed and changes nothing (a retried move succeeds).
 * Reads only: usable on the read-only state, before anything is moved.
 * @param expectedPath refuse unless the project is still at this path, or already at
 *   `newPath` (compare-and-swap, for a caller that moved the images first)
 * @throws AccessError NOT_FOUND (project, group), INVALID (path grammar, more visible than the
 *   group), CONFLICT (path taken, or the project is no longer at `expectedPath`)
 */
export function planProjectMove(doc: NamespaceReader, ref: string, newPath: string, expectedPath?: string): ProjectMove {
  const project = doc.projects.get(ref) ?? find(doc.projects, (p) => p.path === ref);
  if (!project) throw new AccessError('NOT_FOUND', `no project ${quoteRef(ref)}`);
  if (expectedPath !== undefined && project.path !== expectedPath && project.path !== newPath) {
    throw new AccessError('CONFLICT', `the project "${expectedPath}" was moved to "${project.path}" meanwhile`);
  }
  const current = doc.groups.get(project.groupId);
  if (newPath === project.path && current) return { project, group: current, from: project.path, to: newPath };
  const why = explainInvalidPath(newPath, 'project');
  if (why) throw new AccessError('INVALID', why);
  const parent = parentPath(newPath) as string;
  const group = find(doc.groups, (g) => g.path === parent);
  if (!group) {
    throw new AccessError('NOT_FOUND', `cannot move the project "${project.path}" to "${newPath}": the group "${parent}" does not exist; create it first`);
  }
  const taken = find(doc.groups, (g) => g.path === newPath) ? 'group' : find(doc.projects, (p) => p.path === newPath) ? 'project' : null;
  if (taken) throw new AccessError('CONFLICT', `the path "${newPath}" is taken by a ${taken}`);
  if (visibilityRank(project.visibility) > visibilityRank(group.visibility)) {
    throw new AccessError(
      'INVALID',
      `the project "${project.path}" is ${project.visibility} and cannot move into the group "${group.path}", which is ${group.visibility}: nothing may be more visible than its group; lower the project's visibility first`,
    );
  }
  return { project, group, from: project.path, to: newPath };
}

/**
 * Move a project to `newPath` (see {@link planProjectMove}); its images are the caller's
 * business (they live under the path, in the registry).
 * @throws AccessError as {@link planProjectMove}
 */
export function moveProject(doc: AccessDocument, ref: string, newPath: string, expectedPath?: string): ProjectRecord {
  const move = planProjectMove(doc, ref, newPath, expectedPath);
  if (move.from === move.to) return move.project;
  const next: ProjectRecord = { ...move.project, path: move.to, groupId: move.group.id };
  doc.projects.set(next.id, next);
  return next;
}

/** Whether a project's container registry is on (absent in files from before the setting: on). */
export function registryEnabled(project: Pick<ProjectRecord, 'containerRegistryAccessLevel'>): boolean {
  return project.containerRegistryAccessLevel !== 'disabled';
}

/** A project's registry setting; files from before the setting have none: `enabled`. */
export function registryAccessLevel(project: Pick<ProjectRecord, 'containerRegistryAccessLevel'>): ContainerRegistryAccessLevel {
  return project.containerRegistryAccessLevel ?? 'enabled';
}

/** Whether only members may use the project's registry (`private`), whatever its visibility. */
export function registryMembersOnly(project: Pick<ProjectRecord, 'containerRegistryAccessLevel'>): boolean {
  return project.containerRegistryAccessLevel === 'private';
}

/**
 * Turn a project's container registry on or off. Nothing else changes: images, tags, cleanup
 * policies, members and tokens all stay, and turning it on again restores access as it was.
 * @throws AccessError NOT_FOUND
 */
export function setProjectRegistryAccessLevel(doc: AccessDocument, ref: string, level: ContainerRegistryAccessLevel): ProjectRecord {
  const project = requireProject(doc, ref);
  const next = { ...project, containerRegistryAccessLevel: level };
  doc.projects.set(project.id, next);
  return next;
}

/** Delete an empty group with its memberships and deploy tokens. @throws AccessError NOT_FOUND, CONFLICT (not empty) */
export function deleteGroup(doc: AccessDocument, ref: string): GroupRecord {
  const group = requireGroup(doc, ref);
  const child = find(doc.groups, (g) => g.parentId === group.id) ?? find(doc.projects, (p) => p.groupId === group.id);
  if (child) throw new AccessError('CONFLICT', `the group "${group.path}" is not empty: "${child.path}" is inside it`);
  doc.groups.delete(group.id);
  removeTargetDependents(doc, 'group', group.id);
  return group;
}

/**
 * Delete a project with its memberships, deploy tokens and jobs. Its images stay in storage;
 * they become unreachable until a project with the same path exists again.
 * @throws AccessError NOT_FOUND
 */
export function deleteProject(doc: AccessDocument, ref: string): ProjectRecord {
  const project = requireProject(doc, ref);
  doc.projects.delete(project.id);
  removeTargetDependents(doc, 'project', project.id);
  for (const job of [...doc.jobs.values()]) if (job.projectId === project.id) doc.jobs.delete(job.id);
  return project;
}

function removeTargetDependents(doc: AccessDocument, type: 'group' | 'project', id: string): void {
  doc.members = doc.members.filter((m) => !(m.target.type === type && m.target.id === id));
  for (const token of [...doc.deployTokens.values()]) {
    if (token.target.type === type && token.target.id === id) doc.deployTokens.delete(token.id);
  }
}
