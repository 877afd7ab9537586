/**
 * Finding entities in a document by the references people type: a ulid or a name (username,
 * group path, project path). Used by the write path, which works on a fresh copy of the
 * document under the lock; the read path has indexed lookups in {@link AccessState}.
 * @module
 */
import { ulid } from 'ulid';
import { AccessError } from './access-error.js';
import type { AccessDocument, GroupRecord, MemberTarget, ProjectRecord, UserRecord } from './schema.js';

/** A new id: a ulid (time-ordered, 26 uppercase Crockford base32 characters). */
export function newId(): string {
  return ulid();
}

/** The user with id `ref`, or with username `ref` (case-insensitive). */
export function lookupUser(doc: AccessDocument, ref: string): UserRecord | undefined {
  const byId = doc.users[ref];
  if (byId) return byId;
  const lower = ref.toLowerCase();
  return Object.values(doc.users).find((u) => u.username.toLowerCase() === lower);
}

/** The group with id or full path `ref`. */
export function lookupGroup(doc: AccessDocument, ref: string): GroupRecord | undefined {
  return doc.groups[ref] ?? Object.values(doc.groups).find((g) => g.path === ref);
}

/** The project with id or full path `ref`. */
export function lookupProject(doc: AccessDocument, ref: string): ProjectRecord | undefined {
  return doc.projects[ref] ?? Object.values(doc.projects).find((p) => p.path === ref);
}

/** Like {@link lookupUser}. @throws AccessError NOT_FOUND */
export function requireUser(doc: AccessDocument, ref: string): UserRecord {
  const user = lookupUser(doc, ref);
  if (!user) throw new AccessError('NOT_FOUND', `no user ${JSON.stringify(ref)}`);
  return user;
}

/** Like {@link lookupGroup}. @throws AccessError NOT_FOUND */
export function requireGroup(doc: AccessDocument, ref: string): GroupRecord {
  const group = lookupGroup(doc, ref);
  if (!group) throw new AccessError('NOT_FOUND', `no group ${JSON.stringify(ref)}`);
  return group;
}

/** Like {@link lookupProject}. @throws AccessError NOT_FOUND */
export function requireProject(doc: AccessDocument, ref: string): ProjectRecord {
  const project = lookupProject(doc, ref);
  if (!project) throw new AccessError('NOT_FOUND', `no project ${JSON.stringify(ref)}`);
  return project;
}

/** A group or project named by the caller. */
export interface TargetRef {
  readonly type: 'group' | 'project';
  /** Id or full path. */
  readonly ref: string;
}

/** Resolve a {@link TargetRef} to the stored target. @throws AccessError NOT_FOUND */
export function requireTarget(doc: AccessDocument, target: TargetRef): MemberTarget & { path: string } {
  const found = target.type === 'group' ? requireGroup(doc, target.ref) : requireProject(doc, target.ref);
  return { type: target.type, id: found.id, path: found.path };
}

/** Whether a path is taken by a group or a project (GitLab keeps both in one namespace). */
export function pathTaken(doc: AccessDocument, path: string): 'group' | 'project' | null {
  if (Object.values(doc.groups).some((g) => g.path === path)) return 'group';
  if (Object.values(doc.projects).some((p) => p.path === path)) return 'project';
  return null;
}
