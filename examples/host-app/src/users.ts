/**
 * The host's own users and what they may do: a tiny in-memory table with scrypt-hashed
 * passwords, and one rule for every place that asks (the token service, the registry page).
 *
 * - Each user owns the namespace of their name (`alice/...`): pull, push and delete there.
 * - `readers` may pull from other users' namespaces (bob reads alice's images).
 * - Everyone, signed in or not, may pull `public/...`.
 *
 * A real service would read its database here; the registry needs nothing more than
 * {@link UserTable.check} and {@link actionsFor}.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** A person of the host app, as its sessions and hooks carry them. */
export interface HostUser {
  /** Login name; also the namespace they own. */
  readonly name: string;
  /** Shown in the page header. */
  readonly displayName: string;
  /** Other users' namespaces this user may pull from. */
  readonly reads: readonly string[];
}

/** What the registry knows as actions on a repository. */
export type RepositoryAction = 'pull' | 'push' | 'delete';

/** The namespace everyone may pull from. */
export const PUBLIC_NAMESPACE = 'public';

const hash = (password: string, salt: Buffer) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password, salt, 32, (err, key) => (err ? reject(err) : resolve(key))));

interface Row {
  readonly user: HostUser;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export class UserTable {
  readonly #rows = new Map<string, Row>();

  /** The demo's people: alice (password `wonderland`) and bob (`builder`), who may read alice's images. */
  static async demo(): Promise<UserTable> {
    const table = new UserTable();
    await table.add({ name: 'alice', displayName: 'Alice', reads: [] }, 'wonderland');
    await table.add({ name: 'bob', displayName: 'Bob', reads: ['alice'] }, 'builder');
    return table;
  }

  async add(user: HostUser, password: string): Promise<void> {
    const salt = randomBytes(16);
    this.#rows.set(user.name, { user, salt, hash: await hash(password, salt) });
  }

  /** The user named `name`, if any. */
  get(name: string): HostUser | undefined {
    return this.#rows.get(name)?.user;
  }

  /** The user when `password` is theirs, else `null` (the same work is done for unknown names). */
  async check(name: string, password: string): Promise<HostUser | null> {
    const row = this.#rows.get(name);
    const key = await hash(password, row?.salt ?? Buffer.alloc(16));
    return row && timingSafeEqual(key, row.hash) ? row.user : null;
  }
}

/** What `user` (`null`: anonymous) may do to the repository `name`. */
export function actionsFor(user: HostUser | null, name: string): ReadonlySet<RepositoryAction> {
  const namespace = name.split('/', 1)[0] ?? '';
  if (user && namespace === user.name) return new Set(['pull', 'push', 'delete']);
  if (namespace === PUBLIC_NAMESPACE || user?.reads.includes(namespace)) return new Set(['pull']);
  return new Set();
}
