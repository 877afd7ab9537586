/**
 * A read-only, indexed view of one revision of the access document. Every token request reads
 * through it, so lookups are map hits: users by id and lowercase username, groups and projects
 * by id and path, tokens and jobs by secret hash, memberships by user. Indexes are built once
 * per revision, when first needed; the document itself is deep-frozen, so the same state can
 * be handed to concurrent requests without copies.
 * @module
 */
import type {
  AccessDocument,
  DeployTokenRecord,
  GroupRecord,
  JobRecord,
  MemberRecord,
  PersonalAccessTokenRecord,
  ProjectRecord,
  UserRecord,
} from './schema.js';

type Frozen<T> = T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

/** Freeze a value and everything it references. */
export function deepFreeze<T>(value: T): Frozen<T> {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value as Frozen<T>;
}

function indexBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) map.set(key(item), item);
  return map;
}

/** One revision of the access data, indexed. */
export class AccessState {
  readonly #doc: AccessDocument;
  #users?: Map<string, UserRecord>;
  #groups?: Map<string, GroupRecord>;
  #projects?: Map<string, ProjectRecord>;
  #pats?: Map<string, PersonalAccessTokenRecord>;
  #deployTokens?: Map<string, DeployTokenRecord>;
  #jobs?: Map<string, JobRecord>;
  #members?: Map<string, MemberRecord[]>;

  /** @param doc a validated document; it is frozen here */
  constructor(doc: AccessDocument) {
    this.#doc = deepFreeze(doc) as AccessDocument;
  }

  /** The document (frozen). */
  get document(): AccessDocument {
    return this.#doc;
  }

  get revision(): number {
    return this.#doc.revision;
  }

  /** The user with id `ref`, or username `ref` (case-insensitive). */
  user(ref: string): UserRecord | undefined {
    this.#users ??= indexBy(Object.values(this.#doc.users), (u) => u.username.toLowerCase());
    return this.#doc.users[ref] ?? this.#users.get(ref.toLowerCase());
  }

  /** The user with this username (case-insensitive); never matches ids, unlike {@link user}. */
  userByName(username: string): UserRecord | undefined {
    this.#users ??= indexBy(Object.values(this.#doc.users), (u) => u.username.toLowerCase());
    return this.#users.get(username.toLowerCase());
  }

  /** The group with id or full path `ref`. */
  group(ref: string): GroupRecord | undefined {
    this.#groups ??= indexBy(Object.values(this.#doc.groups), (g) => g.path);
    return this.#doc.groups[ref] ?? this.#groups.get(ref);
  }

  /** The project with id or full path `ref`. */
  project(ref: string): ProjectRecord | undefined {
    this.#projects ??= indexBy(Object.values(this.#doc.projects), (p) => p.path);
    return this.#doc.projects[ref] ?? this.#projects.get(ref);
  }

  /** The project at exactly this full path; never matches ids, unlike {@link project}. */
  projectByPath(path: string): ProjectRecord | undefined {
    this.#projects ??= indexBy(Object.values(this.#doc.projects), (p) => p.path);
    return this.#projects.get(path);
  }

  /** The group and its ancestors, innermost first. */
  groupChain(groupId: string): GroupRecord[] {
    const chain: GroupRecord[] = [];
    for (let g = this.#doc.groups[groupId]; g && chain.length < 64; g = g.parentId ? this.#doc.groups[g.parentId] : undefined)
      chain.push(g);
    return chain;
  }

  /** A user's direct memberships. */
  membershipsOf(userId: string): readonly MemberRecord[] {
    if (!this.#members) {
      this.#members = new Map();
      for (const m of this.#doc.members) {
        const list = this.#members.get(m.userId);
        if (list) list.push(m);
        else this.#members.set(m.userId, [m]);
      }
    }
    return this.#members.get(userId) ?? [];
  }

  /** The personal access token whose secret hashes to `hash`. */
  personalAccessTokenByHash(hash: string): PersonalAccessTokenRecord | undefined {
    this.#pats ??= indexBy(Object.values(this.#doc.personalAccessTokens), (t) => t.tokenHash);
    return this.#pats.get(hash);
  }

  /** The deploy token whose secret hashes to `hash`. */
  deployTokenByHash(hash: string): DeployTokenRecord | undefined {
    this.#deployTokens ??= indexBy(Object.values(this.#doc.deployTokens), (t) => t.tokenHash);
    return this.#deployTokens.get(hash);
  }

  /** The job whose token hashes to `hash`. */
  jobByHash(hash: string): JobRecord | undefined {
    this.#jobs ??= indexBy(Object.values(this.#doc.jobs), (j) => j.tokenHash);
    return this.#jobs.get(hash);
  }
}
