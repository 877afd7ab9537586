/**
 * Memberships: a user holds a role on a group or a project. Inheritance (a group's members
 * are members of everything inside it) is not stored; the permission rules compute it.
 * @module
 */
import { AccessError } from './access-error.js';
import { requireTarget, requireUser, type TargetRef } from './lookup.js';
import type { Role } from './roles.js';
import type { AccessDocument, MemberRecord } from './schema.js';

function findIndex(doc: AccessDocument, userId: string, target: { type: string; id: string }): number {
  return doc.members.findIndex((m) => m.userId === userId && m.target.type === target.type && m.target.id === target.id);
}

/** @throws AccessError NOT_FOUND (user or target), CONFLICT (already a direct member) */
export function addMember(doc: AccessDocument, userRef: string, targetRef: TargetRef, role: Role, now: Date): MemberRecord {
  const user = requireUser(doc, userRef);
  const target = requireTarget(doc, targetRef);
  if (findIndex(doc, user.id, target) >= 0) {
    throw new AccessError(
      'CONFLICT',
      `"${user.username}" is already a member of the ${target.type} "${target.path}"; change the role instead`,
    );
  }
  const member: MemberRecord = { userId: user.id, target: { type: target.type, id: target.id }, role, createdAt: now.toISOString() };
  doc.members.push(member);
  return member;
}

/** @throws AccessError NOT_FOUND (user, target, or no such direct membership) */
export function setMemberRole(doc: AccessDocument, userRef: string, targetRef: TargetRef, role: Role): MemberRecord {
  const user = requireUser(doc, userRef);
  const target = requireTarget(doc, targetRef);
  const i = findIndex(doc, user.id, target);
  const member = doc.members[i];
  if (!member) throw new AccessError('NOT_FOUND', `"${user.username}" is not a direct member of the ${target.type} "${target.path}"`);
  const next = { ...member, role };
  doc.members[i] = next;
  return next;
}

/** @throws AccessError NOT_FOUND (user, target, or no such direct membership) */
export function removeMember(doc: AccessDocument, userRef: string, targetRef: TargetRef): MemberRecord {
  const user = requireUser(doc, userRef);
  const target = requireTarget(doc, targetRef);
  const i = findIndex(doc, user.id, target);
  const member = doc.members[i];
  if (!member) throw new AccessError('NOT_FOUND', `"${user.username}" is not a direct member of the ${target.type} "${target.path}"`);
  doc.members.splice(i, 1);
  return member;
}
