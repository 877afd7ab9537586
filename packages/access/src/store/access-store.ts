/**
 * {@link AccessStore}: the persistent access model. One directory holds one JSON document
 * (`access.json`) with a revision number, written atomically under a cross-process lock; see
 * {@link PersistentDocument} for the guarantees. Methods validate their input and throw
 * {@link AccessError} with a code and a message meant for the person who typed the command.
 *
 * Secrets go in and out here only: passwords are hashed (before the lock is taken, since
 * scrypt is slow on purpose) and token secrets are generated, returned once, and stored as
 * sha256.
 * @module
 */
import { generateTokenSecret, hashToken } from '../auth/secrets.js';
import { DEFAULT_PASSWORD_COST, explainWeakPassword, hashPassword } from '../auth/password.js';
import { AccessError, quoteRef } from '../model/access-error.js';
import type { AccessState } from '../model/access-state.js';
import { DEFAULT_JOB_MAX_DURATION_MS, finishJob, startJob } from '../model/jobs.js';
import type { TargetRef } from '../model/lookup.js';
import { addMember, removeMember, setMemberRole } from '../model/members.js';
import * as namespaces from '../model/namespaces.js';
import type { ContainerRegistryAccessLevel, Role, Visibility } from '../model/roles.js';
import type { AccessDocument, GroupRecord, MemberRecord, PasswordHash, ProjectRecord } from '../model/schema.js';
import * as tokens from '../model/tokens.js';
import * as tagRules from '../model/tag-rules.js';
import * as users from '../model/users.js';
import {
  type DeployTokenInfo,
  deployTokenInfo,
  type JobInfo,
  jobInfo,
  type PersonalAccessTokenInfo,
  personalAccessTokenInfo,
  type UserInfo,
  userInfo,
} from '../model/views.js';
import type { WharfDatabase } from '@wharf/db';
import type { LockOptions } from './file-lock.js';
import { PersistentDocument } from './persistent-document.js';
import type { AccessTables } from './sql/access-tables.js';
import { SqlDocument } from './sql/sql-document.js';

/**
 * Where the document lives: a JSON file under a lock ({@link PersistentDocument}) or the
 * metadata database ({@link SqlDocument}). Both give the latest state and apply a change as
 * one revision; the model's rules cannot tell them apart.
 */
export interface DocumentBackend {
  readonly path: string;
  state(): Promise<AccessState>;
  update<T>(change: (doc: AccessDocument) => T): Promise<T>;
}

/** Options of {@link AccessStore.open}. */
export interface AccessStoreOptions {
  /** Waiting for and breaking the write lock (defaults: wait 10 s, stale after 30 s). */
  readonly lock?: LockOptions;
  /** log2 of scrypt's N for new password hashes (default 15). Lower it only in tests. */
  readonly passwordCost?: number;
  /** Longest life of a CI job token (default 24 h). */
  readonly jobMaxDurationMs?: number;
  /** The clock, for expiry decisions (default `new Date()`). */
  readonly now?: () => Date;
}

/** A group or a project, by id or full path. */
export type TargetSelector =
  | { readonly project: string; readonly group?: undefined }
  | { readonly group: string; readonly project?: undefined };

/** A user to create; the password is hashed here. */
export interface CreateUserInput {
  readonly username: string;
  /** At least 8 characters; absent or null: token-only user. */
  readonly password?: string | null;
  readonly admin?: boolean;
  readonly twoFactor?: boolean;
  readonly blocked?: boolean;
  readonly external?: boolean;
}

export type UpdateUserInput = Partial<Omit<CreateUserInput, 'username'>>;

/** A membership as listed: the record plus names for display. */
export type MemberInfo = Readonly<MemberRecord> & { readonly username: string; readonly path: string };

export type NewPersonalAccessToken = tokens.NewPersonalAccessToken;
export type NewDeployToken = Omit<tokens.NewDeployToken, 'target'> & TargetSelector;

function toTarget(selector: TargetSelector): TargetRef {
  if (selector.project !== undefined) return { type: 'project', ref: selector.project };
  if (selector.group !== undefined) return { type: 'group', ref: selector.group };
  throw new AccessError('INVALID', 'name a project or a group');
}

function notFound(what: string, ref: string): never {
  throw new AccessError('NOT_FOUND', `no ${what} ${quoteRef(ref)}`);
}

/**
 * The access model persisted in a directory, safe for several processes at once.
 * @example
 * const store = await AccessStore.open('./data/access');
 * await store.createUser({ username: 'alice', password: 'correct horse' });
 * await store.createGroup({ path: 'team' });
 * await store.createProject({ path: 'team/app', visibility: 'internal' });
 * await store.addMember({ user: 'alice', project: 'team/app', role: 'developer' });
 */
export class AccessStore {
  readonly #document: DocumentBackend;
  readonly #now: () => Date;
  /** log2 of scrypt's N for new hashes (and for the dummy hash of unknown usernames). */
  readonly passwordCost: number;
  readonly jobMaxDurationMs: number;

  private constructor(document: DocumentBackend, options: AccessStoreOptions) {
    this.#document = document;
    this.#now = options.now ?? (() => new Date());
    this.passwordCost = options.passwordCost ?? DEFAULT_PASSWORD_COST;
    this.jobMaxDurationMs = options.jobMaxDurationMs ?? DEFAULT_JOB_MAX_DURATION_MS;
  }

  /**
   * Open the store in `dir` (created when missing; an empty store when it has no document).
   * @throws AccessError CORRUPT when the document exists but is invalid: the caller should
   *   refuse to start; the file is never reset
   */
  static async open(dir: string, options: AccessStoreOptions = {}): Promise<AccessStore> {
    return new AccessStore(await PersistentDocument.open(dir, options.lock), options);
  }

  /**
   * Open the store kept in the metadata database (migrated with `ACCESS_MIGRATIONS`), shared by
   * every server that opens the same database. The caller owns `database` and closes it.
   * @throws AccessError CORRUPT when a stored record is invalid; DatabaseUnavailableError
   */
  static async openDatabase(database: WharfDatabase<AccessTables>, options: Omit<AccessStoreOptions, 'lock'> = {}): Promise<AccessStore> {
    return new AccessStore(await SqlDocument.open(database), options);
  }

  /** Where the store lives: the document file, or the database (without its password). */
  get path(): string {
    return this.#document.path;
  }

  /** The store's clock. */
  now(): Date {
    return this.#now();
  }

  /** The latest state, for the auth rules (cheap when nothing changed). */
  state(): Promise<AccessState> {
    return this.#document.state();
  }

  /**
   * Apply a change to the latest document under the lock. Low-level: prefer the methods below,
   * which keep the model's rules; `change` must be synchronous.
   */
  update<T>(change: (doc: AccessDocument, now: Date) => T): Promise<T> {
    return this.#document.update((doc) => change(doc, this.#now()));
  }

  // ---- users

  async #hash(password: string | null | undefined): Promise<PasswordHash | null | undefined> {
    if (password === undefined || password === null) return password;
    const weak = explainWeakPassword(password);
    if (weak) throw new AccessError('INVALID', weak);
    return hashPassword(password, this.passwordCost);
  }

  /** @throws AccessError INVALID (username, weak password), CONFLICT (username taken) */
  async createUser(input: CreateUserInput): Promise<UserInfo> {
    const { password, ...rest } = input;
    const passwordHash = await this.#hash(password);
    return userInfo(await this.update((doc, now) => users.createUser(doc, { ...rest, passwordHash }, now)));
  }

  /** By id or username. @throws AccessError NOT_FOUND */
  async getUser(ref: string): Promise<UserInfo> {
    const user = (await this.state()).user(ref);
    return user ? userInfo(user) : notFound('user', ref);
  }

  async listUsers(): Promise<UserInfo[]> {
    return [...(await this.state()).document.users.values()].map(userInfo);
  }

  /** Change password or flags. @throws AccessError NOT_FOUND, INVALID (weak password), CONFLICT (last admin) */
  async updateUser(ref: string, input: UpdateUserInput): Promise<UserInfo> {
    const { password, ...rest } = input;
    const passwordHash = await this.#hash(password);
    return userInfo(await this.update((doc) => users.updateUser(doc, ref, { ...rest, passwordHash })));
  }

  /** Delete a user with their memberships, tokens and jobs. @throws AccessError NOT_FOUND, CONFLICT (last admin) */
  async deleteUser(ref: string): Promise<UserInfo> {
    return userInfo(await this.update((doc) => users.deleteUser(doc, ref)));
  }

  // ---- groups and projects

  /** @throws AccessError INVALID, NOT_FOUND (parent group), CONFLICT (path taken) */
  createGroup(input: namespaces.NewNamespace): Promise<GroupRecord> {
    return this.update((doc, now) => namespaces.createGroup(doc, input, now));
  }

  /** By id or full path. @throws AccessError NOT_FOUND */
  async getGroup(ref: string): Promise<GroupRecord> {
    return (await this.state()).group(ref) ?? notFound('group', ref);
  }

  async listGroups(): Promise<GroupRecord[]> {
    return [...(await this.state()).document.groups.values()];
  }

  /** @throws AccessError NOT_FOUND, INVALID (above the parent), CONFLICT (a child is more visible) */
  setGroupVisibility(ref: string, visibility: Visibility): Promise<GroupRecord> {
    return this.update((doc) => namespaces.setGroupVisibility(doc, ref, visibility));
  }

  /** Delete an empty group. @throws AccessError NOT_FOUND, CONFLICT (not empty) */
  deleteGroup(ref: string): Promise<GroupRecord> {
    return this.update((doc) => namespaces.deleteGroup(doc, ref));
  }

  /** @throws AccessError INVALID, NOT_FOUND (group), CONFLICT (path taken) */
  createProject(input: namespaces.NewNamespace): Promise<ProjectRecord> {
    return this.update((doc, now) => namespaces.createProject(doc, input, now));
  }

  /** By id or full path. @throws AccessError NOT_FOUND */
  async getProject(ref: string): Promise<ProjectRecord> {
    return (await this.state()).project(ref) ?? notFound('project', ref);
  }

  async listProjects(): Promise<ProjectRecord[]> {
    return [...(await this.state()).document.projects.values()];
  }

  /** @throws AccessError NOT_FOUND, INVALID (above the group) */
  setProjectVisibility(ref: string, visibility: Visibility): Promise<ProjectRecord> {
    return this.update((doc) => namespaces.setProjectVisibility(doc, ref, visibility));
  }

  /**
   * Check a project move without making it (see {@link moveProject}), on the latest state.
   * @throws AccessError NOT_FOUND, INVALID, CONFLICT, as {@link moveProject}
   */
  async checkProjectMove(ref: string, newPath: string): Promise<namespaces.ProjectMove> {
    return namespaces.planProjectMove((await this.state()).document, ref, newPath);
  }

  /**
   * Change a project's path; a new parent transfers it to that group (`team/app` → `other/app`).
   * The group must exist, the path be free, and the project not more visible than the group;
   * members, tokens and jobs stay attached. Moving to the current path changes nothing. The
   * project's images are not moved here: hosts with a registry use `moveProject` of
   * `@wharf/api`, which moves them first.
   * @param options.expectedPath refuse unless the project is still at this path (or already at
   *   `newPath`)
   * @throws AccessError NOT_FOUND (project, group), INVALID (path, visibility above the group's),
   *   CONFLICT (path taken; the project moved meanwhile)
   */
  moveProject(ref: string, newPath: string, options: { readonly expectedPath?: string } = {}): Promise<ProjectRecord> {
    return this.update((doc) => namespaces.moveProject(doc, ref, newPath, options.expectedPath));
  }

  /**
   * Turn a project's container registry on (`enabled`) or off (`disabled`); nothing is deleted.
   * The store does not check who asks: the admin API, the CLI and the page do.
   * @throws AccessError NOT_FOUND
   */
  setProjectRegistryAccessLevel(ref: string, level: ContainerRegistryAccessLevel): Promise<ProjectRecord> {
    return this.update((doc) => namespaces.setProjectRegistryAccessLevel(doc, ref, level));
  }

  /** Delete a project (its images stay in storage). @throws AccessError NOT_FOUND */
  deleteProject(ref: string): Promise<ProjectRecord> {
    return this.update((doc) => namespaces.deleteProject(doc, ref));
  }

  // ---- members

  /** @throws AccessError NOT_FOUND, CONFLICT (already a member) */
  addMember(input: TargetSelector & { readonly user: string; readonly role: Role }): Promise<MemberRecord> {
    return this.update((doc, now) => addMember(doc, input.user, toTarget(input), input.role, now));
  }

  /** @throws AccessError NOT_FOUND (also when not a direct member) */
  setMemberRole(input: TargetSelector & { readonly user: string; readonly role: Role }): Promise<MemberRecord> {
    return this.update((doc) => setMemberRole(doc, input.user, toTarget(input), input.role));
  }

  /** @throws AccessError NOT_FOUND (also when not a direct member) */
  removeMember(input: TargetSelector & { readonly user: string }): Promise<MemberRecord> {
    return this.update((doc) => removeMember(doc, input.user, toTarget(input)));
  }

  /** Direct members of a group or project (inherited members are not listed). @throws AccessError NOT_FOUND */
  async listMembers(selector: TargetSelector): Promise<MemberInfo[]> {
    const state = await this.state();
    const target = toTarget(selector);
    const found = target.type === 'group' ? state.group(target.ref) : state.project(target.ref);
    if (!found) notFound(target.type, target.ref);
    return state.document.members
      .filter((m) => m.target.type === target.type && m.target.id === found.id)
      .map((m) => ({ ...m, username: state.user(m.userId)?.username ?? m.userId, path: found.path }));
  }

  // ---- personal access tokens

  /** Create a token; `secret` is returned this once and never stored. @throws AccessError NOT_FOUND, INVALID */
  async createPersonalAccessToken(input: NewPersonalAccessToken): Promise<{ token: PersonalAccessTokenInfo; secret: string }> {
    const secret = generateTokenSecret('personalAccessToken');
    const token = await this.update((doc, now) => tokens.createPersonalAccessToken(doc, input, hashToken(secret), now));
    return { token: personalAccessTokenInfo(token, this.now()), secret };
  }

  /** @throws AccessError NOT_FOUND */
  async getPersonalAccessToken(id: string): Promise<PersonalAccessTokenInfo> {
    const token = (await this.state()).document.personalAccessTokens.get(id);
    return token ? personalAccessTokenInfo(token, this.now()) : notFound('personal access token', id);
  }

  /** All tokens, or those of one user (by id or username). @throws AccessError NOT_FOUND (user) */
  async listPersonalAccessTokens(user?: string): Promise<PersonalAccessTokenInfo[]> {
    const state = await this.state();
    const owner = user === undefined ? undefined : (state.user(user) ?? notFound('user', user));
    return [...state.document.personalAccessTokens.values()]
      .filter((t) => owner === undefined || t.userId === owner.id)
      .map((t) => personalAccessTokenInfo(t, this.now()));
  }

  /** Revoke (idempotent). @throws AccessError NOT_FOUND */
  async revokePersonalAccessToken(id: string): Promise<PersonalAccessTokenInfo> {
    return personalAccessTokenInfo(await this.update((doc) => tokens.revokePersonalAccessToken(doc, id)), this.now());
  }

  // ---- deploy tokens

  /** Create a deploy token; `secret` is returned this once. @throws AccessError NOT_FOUND, INVALID, CONFLICT */
  async createDeployToken(input: NewDeployToken): Promise<{ token: DeployTokenInfo; secret: string }> {
    const secret = generateTokenSecret('deployToken');
    const { project, group, ...rest } = input;
    const target = toTarget(input);
    const token = await this.update((doc, now) => tokens.createDeployToken(doc, { ...rest, target }, hashToken(secret), now));
    return { token: deployTokenInfo(token, this.now()), secret };
  }

  /** @throws AccessError NOT_FOUND */
  async getDeployToken(id: string): Promise<DeployTokenInfo> {
    const token = (await this.state()).document.deployTokens.get(id);
    return token ? deployTokenInfo(token, this.now()) : notFound('deploy token', id);
  }

  /** All deploy tokens, or those of one project or group. @throws AccessError NOT_FOUND */
  async listDeployTokens(selector?: TargetSelector): Promise<DeployTokenInfo[]> {
    const state = await this.state();
    let targetId: string | undefined;
    if (selector) {
      const t = toTarget(selector);
      targetId = (t.type === 'group' ? state.group(t.ref) : state.project(t.ref))?.id ?? notFound(t.type, t.ref);
    }
    return [...state.document.deployTokens.values()]
      .filter((t) => targetId === undefined || t.target.id === targetId)
      .map((t) => deployTokenInfo(t, this.now()));
  }

  /** Revoke (idempotent). @throws AccessError NOT_FOUND */
  async revokeDeployToken(id: string): Promise<DeployTokenInfo> {
    return deployTokenInfo(await this.update((doc) => tokens.revokeDeployToken(doc, id)), this.now());
  }

  // ---- CI jobs

  /**
   * Start a job for a project, run as a user; `token` is returned this once.
   * @throws AccessError NOT_FOUND, CONFLICT (user blocked), INVALID
   */
  async startJob(input: {
    readonly project: string;
    readonly user: string;
    readonly maxDurationMs?: number;
  }): Promise<{ job: JobInfo; token: string }> {
    const token = generateTokenSecret('job');
    const maxDurationMs = input.maxDurationMs ?? this.jobMaxDurationMs;
    const job = await this.update((doc, now) => startJob(doc, { ...input, maxDurationMs }, hashToken(token), now));
    return { job: jobInfo(job, this.now()), token };
  }

  /** Finish a job (idempotent): its token stops working. @throws AccessError NOT_FOUND */
  async finishJob(id: string): Promise<JobInfo> {
    return jobInfo(await this.update((doc, now) => finishJob(doc, id, now)), this.now());
  }

  /** @throws AccessError NOT_FOUND */
  async getJob(id: string): Promise<JobInfo> {
    const job = (await this.state()).document.jobs.get(id);
    return job ? jobInfo(job, this.now()) : notFound('job', id);
  }

  async listJobs(): Promise<JobInfo[]> {
    return [...(await this.state()).document.jobs.values()].map((j) => jobInfo(j, this.now()));
  }

  // ---- container tag protection rules (protected and immutable tags; see model/tag-rules.ts)

  /** A project's rules, oldest first. @throws AccessError NOT_FOUND */
  async listTagRules(projectRef: string): Promise<readonly tagRules.TagRuleRecord[]> {
    return tagRules.tagRulesOf(await this.getProject(projectRef));
  }

  /**
   * Add a rule to a project; both levels `null` make an immutable rule. The store does not
   * check who asks: the API does (maintainer, owner for immutable rules).
   * @throws AccessError NOT_FOUND, INVALID (pattern, levels, too many rules), CONFLICT (pattern taken)
   */
  createTagRule(projectRef: string, input: tagRules.NewTagRule): Promise<tagRules.TagRuleRecord> {
    return this.update((doc, now) => tagRules.createTagRule(doc, projectRef, input, now));
  }

  /** Change a protected rule (by its number). @throws AccessError NOT_FOUND, INVALID (immutable rule, pattern, levels), CONFLICT */
  updateTagRule(projectRef: string, number: number, patch: tagRules.TagRulePatch): Promise<tagRules.TagRuleRecord> {
    return this.update((doc) => tagRules.updateTagRule(doc, projectRef, number, patch));
  }

  /** Remove a rule (by its number). @throws AccessError NOT_FOUND */
  deleteTagRule(projectRef: string, number: number): Promise<tagRules.TagRuleRecord> {
    return this.update((doc) => tagRules.deleteTagRule(doc, projectRef, number));
  }
}
