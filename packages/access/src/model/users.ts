/**
 * Changes to users, applied to a draft document under the store's lock. Passwords arrive
 * already hashed: scrypt is slow by design and must not run while other writers wait.
 * @module
 */
import { nextNumber } from './numbering.js';
import { AccessError } from './access-error.js';
import { find, newId, requireUser } from './lookup.js';
import { explainInvalidUsername } from './names.js';
import type { AccessDocument, PasswordHash, UserRecord } from './schema.js';

/** A user to create. Flags default to false. */
export interface NewUser {
  readonly username: string;
  /** `null` or absent: no password login (tokens only). */
  readonly passwordHash?: PasswordHash | null;
  readonly admin?: boolean;
  readonly twoFactor?: boolean;
  readonly blocked?: boolean;
  readonly external?: boolean;
}

/** Fields of a user that can change; absent fields stay as they are. */
export interface UserPatch {
  readonly passwordHash?: PasswordHash | null;
  readonly admin?: boolean;
  readonly twoFactor?: boolean;
  readonly blocked?: boolean;
  readonly external?: boolean;
}

/** @throws AccessError INVALID (username grammar), CONFLICT (username taken, case-insensitively) */
export function createUser(doc: AccessDocument, input: NewUser, now: Date): UserRecord {
  const why = explainInvalidUsername(input.username);
  if (why) throw new AccessError('INVALID', why);
  const lower = input.username.toLowerCase();
  const taken = find(doc.users, (u) => u.username.toLowerCase() === lower);
  if (taken) throw new AccessError('CONFLICT', `the username "${input.username}" is taken (by "${taken.username}")`);
  const user: UserRecord = {
    id: newId(),
    number: nextNumber(doc, 'users'),
    username: input.username,
    passwordHash: input.passwordHash ?? null,
    admin: input.admin ?? false,
    twoFactor: input.twoFactor ?? false,
    blocked: input.blocked ?? false,
    external: input.external ?? false,
    createdAt: now.toISOString(),
  };
  doc.users.set(user.id, user);
  return user;
}

/** Admins who can still log in. */
function activeAdmins(doc: AccessDocument): UserRecord[] {
  return [...doc.users.values()].filter((u) => u.admin && !u.blocked);
}

function refuseLosingLastAdmin(doc: AccessDocument, user: UserRecord, what: string): void {
  const admins = activeAdmins(doc);
  if (admins.length === 1 && admins[0]?.id === user.id) {
    throw new AccessError('CONFLICT', `cannot ${what} "${user.username}": it is the last active admin; make another user admin first`);
  }
}

/** @throws AccessError NOT_FOUND, CONFLICT (would leave no active admin) */
export function updateUser(doc: AccessDocument, ref: string, patch: UserPatch): UserRecord {
  const user = requireUser(doc, ref);
  if (patch.admin === false && user.admin) refuseLosingLastAdmin(doc, user, 'remove admin from');
  if (patch.blocked === true && !user.blocked) refuseLosingLastAdmin(doc, user, 'block');
  const next: UserRecord = {
    ...user,
    ...(patch.passwordHash !== undefined && { passwordHash: patch.passwordHash }),
    ...(patch.admin !== undefined && { admin: patch.admin }),
    ...(patch.twoFactor !== undefined && { twoFactor: patch.twoFactor }),
    ...(patch.blocked !== undefined && { blocked: patch.blocked }),
    ...(patch.external !== undefined && { external: patch.external }),
  };
  doc.users.set(user.id, next);
  return next;
}

/**
 * Delete a user with their memberships, personal access tokens and jobs.
 * @throws AccessError NOT_FOUND, CONFLICT (the last active admin)
 */
export function deleteUser(doc: AccessDocument, ref: string): UserRecord {
  const user = requireUser(doc, ref);
  refuseLosingLastAdmin(doc, user, 'delete');
  doc.users.delete(user.id);
  doc.members = doc.members.filter((m) => m.userId !== user.id);
  for (const pat of [...doc.personalAccessTokens.values()]) if (pat.userId === user.id) doc.personalAccessTokens.delete(pat.id);
  for (const job of [...doc.jobs.values()]) if (job.userId === user.id) doc.jobs.delete(job.id);
  return user;
}
