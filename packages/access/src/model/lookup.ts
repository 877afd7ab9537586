/**
 * Finding entities in a document by the references people type: a ulid or a name (username,
 * group path, project path). Used by the write path, which works on a fresh copy of the
 * document under the lock; the read path has indexed lookups in {@link AccessState}. The
 * document's entities are `Map`s, so a reference such as `constructor` matches only an entity
 * with that id or name.
 * @module
 */
import { ulid } from 'ulid';
import { AccessError, quoteRef } from './access-error.js';
import type { AccessDocument, GroupRecord, MemberTarget, ProjectRecord, UserRecord } from './schema.js';

/** A new id: a ulid (time-ordered, 26 uppercase Crockford base32 characters). */
export function newId(): string {
  return ulid();
}

/** The first value of `map` that satisfies `test`. */
export function find<T>(map: ReadonlyMap<string, T>, test: (item: T) => boolean): T | undefined {
  for (const item of map.values()) if (test(item)) return item;
  return undefined;
}

/** The user with id `ref`, or with username `ref` (case-insensitive). */
export function lookupUser(doc: AccessDocument, ref: string): UserRecord | undefined {
  const byId = doc.users.get(ref);
  if (byId) return byId;
  const lower = ref.toLowerCase();
  return find(doc.users, (u) => u.username.toLowerCase() === lower);
}

/** The group with id or full path `ref`. */
export function lookupGroup(doc: AccessDocument, ref: string): GroupRecord | undefined {
  return doc.groups.get(ref) ?? find(doc.groups, (g) => g.path === ref);
}

/** The project with id or full path `ref`. */
export function lookupProject(doc: AccessDocument, ref: string): ProjectRecord | undefined {
  return doc.projects.get(ref) ?? find(doc.projects, (p) => p.path === ref);
}

/** Like {@link lookupUser}. @throws AccessError NOT_FOUND */
export function requireUser(doc: AccessDocument, ref: string): UserRecord {
  const user = lookupUser(doc, ref);
  if (!user) throw new AccessError('NOT_FOUND', `no user ${quoteRef(ref)}`);
  return user;
}

/** Like {@link lookupGroup}. @throws AccessError NOT_FOUND */
export function requireGroup(doc: AccessDocument, ref: string): GroupRecord {
  const group = lookupGroup(doc, ref);
  if (!group) throw new AccessError('NOT_FOUND', `no group ${quoteRef(ref)}`);
  return group;
}

/** Like {@link lookupProject}. @throws AccessError NOT_FOUND */
export function requireProject(doc: AccessDocument, ref: string): ProjectRecord {
  const project = lookupProject(doc, ref);
  if (!project) throw new AccessError('NOT_FOUND', `no project ${quoteRef(ref)}`);
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
  if (find(doc.groups, (g) => g.path === path)) return 'group';
  if (find(doc.projects, (p) => p.path === path)) return 'project';
  return null;
}
