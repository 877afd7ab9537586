/**
 * Changes to groups and projects. GitLab's rules: groups nest (`team/sub`), a project lives in
 * an existing group, a group and a project cannot share a path, and nothing is more visible
 * than the group it lives in (so raising a child above its parent, or lowering a parent below
 * a child, is refused rather than silently cascaded).
 * @module
 */
import { AccessError } from './access-error.js';
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
  const group: GroupRecord = { id: newId(), path: input.path, parentId: parent?.id ?? null, visibility, createdAt: now.toISOString() };
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
  const project: ProjectRecord = { id: newId(), path: input.path, groupId: group.id, visibility, createdAt: now.toISOString() };
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

/** Whether a project's container registry is on (absent in files from before the setting: on). */
export function registryEnabled(project: Pick<ProjectRecord, 'containerRegistryAccessLevel'>): boolean {
  return project.containerRegistryAccessLevel !== 'disabled';
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
