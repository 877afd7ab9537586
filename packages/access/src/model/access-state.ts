/**
 * A read-only, indexed view of one revision of the access document. Every token request reads
 * through it, so lookups are map hits: users by id and lowercase username, groups and projects
 * by id and path, tokens and jobs by secret hash, memberships by user. Indexes are built once
 * per revision, when first needed; the document itself is deep-frozen (its `Map`s refuse
 * changes too), so the same state can be handed to concurrent requests without copies.
 *
 * Every lookup is a `Map` hit, never `object[ref]`: a reference someone typed, such as
 * `constructor` or `__proto__`, finds exactly the entity with that id or name, or nothing.
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
  NumberedKind,
  UserRecord,
} from './schema.js';

/** The record type of each numbered kind. */
export type NumberedRecord<K extends NumberedKind> = ReadonlyAccessDocument[K] extends ReadonlyMap<string, infer R> ? R : never;

/** The document as a state hands it out: nothing in it can be changed. */
export interface ReadonlyAccessDocument {
  readonly format: AccessDocument['format'];
  readonly revision: number;
  readonly users: ReadonlyMap<string, UserRecord>;
  readonly groups: ReadonlyMap<string, GroupRecord>;
  readonly projects: ReadonlyMap<string, ProjectRecord>;
  readonly members: readonly MemberRecord[];
  readonly personalAccessTokens: ReadonlyMap<string, PersonalAccessTokenRecord>;
  readonly deployTokens: ReadonlyMap<string, DeployTokenRecord>;
  readonly jobs: ReadonlyMap<string, JobRecord>;
  readonly counters: { readonly deployTokens: number; readonly numbers: Readonly<AccessDocument['counters']['numbers']> };
}

function refuseChange(): never {
  throw new TypeError('the access state is read-only; change the store with AccessStore.update()');
}

/** Freeze a value and everything it references; a `Map`'s entries are frozen and its mutators refuse. */
export function deepFreeze<T>(value: T): T {
  if (!value || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (value instanceof Map) {
    for (const child of value.values()) deepFreeze(child);
    for (const method of ['set', 'delete', 'clear']) Object.defineProperty(value, method, { value: refuseChange });
  } else {
    for (const child of Object.values(value)) deepFreeze(child);
  }
  Object.freeze(value);
  return value;
}

function indexBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) map.set(key(item), item);
  return map;
}

/** One revision of the access data, indexed. */
export class AccessState {
  readonly #doc: ReadonlyAccessDocument;
  #users?: Map<string, UserRecord>;
  #groups?: Map<string, GroupRecord>;
  #projects?: Map<string, ProjectRecord>;
  #pats?: Map<string, PersonalAccessTokenRecord>;
  #deployTokens?: Map<string, DeployTokenRecord>;
  #jobs?: Map<string, JobRecord>;
  #members?: Map<string, MemberRecord[]>;
  #numbers = new Map<NumberedKind, Map<number, { id: string }>>();

  /** @param doc a validated document; it is frozen here */
  constructor(doc: AccessDocument) {
    this.#doc = deepFreeze(doc);
  }

  /** The document (frozen). */
  get document(): ReadonlyAccessDocument {
    return this.#doc;
  }

  get revision(): number {
    return this.#doc.revision;
  }

  /** The user with id `ref`, or username `ref` (case-insensitive). */
  user(ref: string): UserRecord | undefined {
    this.#users ??= indexBy(this.#doc.users.values(), (u) => u.username.toLowerCase());
    return this.#doc.users.get(ref) ?? this.#users.get(ref.toLowerCase());
  }

  /** The user with this username (case-insensitive); never matches ids, unlike {@link user}. */
  userByName(username: string): UserRecord | undefined {
    this.#users ??= indexBy(this.#doc.users.values(), (u) => u.username.toLowerCase());
    return this.#users.get(username.toLowerCase());
  }

  /** The group with id or full path `ref`. */
  group(ref: string): GroupRecord | undefined {
    this.#groups ??= indexBy(this.#doc.groups.values(), (g) => g.path);
    return this.#doc.groups.get(ref) ?? this.#groups.get(ref);
  }

  /** The project with id or full path `ref`. */
  project(ref: string): ProjectRecord | undefined {
    this.#projects ??= indexBy(this.#doc.projects.values(), (p) => p.path);
    return this.#doc.projects.get(ref) ?? this.#projects.get(ref);
  }

  /** The project at exactly this full path; never matches ids, unlike {@link project}. */
  projectByPath(path: string): ProjectRecord | undefined {
    this.#projects ??= indexBy(this.#doc.projects.values(), (p) => p.path);
    return this.#projects.get(path);
  }

  /** The entity of a kind with GitLab's numeric id `number` (see numbering.ts). */
  byNumber<K extends NumberedKind>(kind: K, number: number): NumberedRecord<K> | undefined {
    let index = this.#numbers.get(kind);
    if (!index) {
      index = new Map();
      for (const record of (this.#doc[kind] as ReadonlyMap<string, { id: string; number: number }>).values()) index.set(record.number, record);
      this.#numbers.set(kind, index);
    }
    return index.get(number) as NumberedRecord<K> | undefined;
  }

  /** The group and its ancestors, innermost first. */
  groupChain(groupId: string): GroupRecord[] {
    const chain: GroupRecord[] = [];
    for (let g = this.#doc.groups.get(groupId); g && chain.length < 64; g = g.parentId ? this.#doc.groups.get(g.parentId) : undefined)
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
    this.#pats ??= indexBy(this.#doc.personalAccessTokens.values(), (t) => t.tokenHash);
    return this.#pats.get(hash);
  }

  /** The deploy token whose secret hashes to `hash`. */
  deployTokenByHash(hash: string): DeployTokenRecord | undefined {
    this.#deployTokens ??= indexBy(this.#doc.deployTokens.values(), (t) => t.tokenHash);
    return this.#deployTokens.get(hash);
  }

  /** The job whose token hashes to `hash`. */
  jobByHash(hash: string): JobRecord | undefined {
    this.#jobs ??= indexBy(this.#doc.jobs.values(), (j) => j.tokenHash);
    return this.#jobs.get(hash);
  }
}
