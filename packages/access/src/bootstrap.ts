/**
 * First start: a store without an administrator gets an `admin`, so a fresh server can be
 * administered — also when users were created with `wharf admin` before the server first ran.
 * The check and the creation happen in one locked write, so two processes starting at once
 * create one admin, not two.
 * @module
 */
import { hashPassword } from './auth/password.js';
import { randomBase62 } from './auth/secrets.js';
import { AccessError } from './model/access-error.js';
import { explainWeakPassword } from './auth/password.js';
import { createUser } from './model/users.js';
import type { AccessStore } from './store/access-store.js';

/** Username of the bootstrap administrator. */
export const BOOTSTRAP_ADMIN = 'admin';

/** What {@link bootstrapAdmin} did. */
export type BootstrapResult =
  | { readonly created: true; readonly username: string; readonly password: string }
  | { readonly created: false };

/**
 * Create the `admin` user if the store has no administrator (and no user named `admin`).
 * @param options.password the admin's password; default a random 24-character one (print it once)
 * @throws AccessError INVALID when the given password is too weak
 * @example
 * const result = await bootstrapAdmin(store, { password: process.env.WHARF_ADMIN_PASSWORD });
 * if (result.created) console.log(`admin password: ${result.password}`);
 */
export async function bootstrapAdmin(store: AccessStore, options: { readonly password?: string } = {}): Promise<BootstrapResult> {
  const needsAdmin = (users: Iterable<{ admin: boolean; username: string }>) => {
    for (const u of users) if (u.admin || u.username.toLowerCase() === BOOTSTRAP_ADMIN) return false;
    return true;
  };
  if (!needsAdmin(await store.listUsers())) return { created: false };
  const password = options.password ?? randomBase62(24);
  const weak = explainWeakPassword(password);
  if (weak) throw new AccessError('INVALID', weak);
  const passwordHash = await hashPassword(password, store.passwordCost);
  const created = await store.update((doc, now) => {
    if (!needsAdmin(doc.users.values())) return false;
    createUser(doc, { username: BOOTSTRAP_ADMIN, passwordHash, admin: true }, now);
    return true;
  });
  return created ? { created: true, username: BOOTSTRAP_ADMIN, password } : { created: false };
}
