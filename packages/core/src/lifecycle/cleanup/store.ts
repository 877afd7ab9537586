/**
 * Where cleanup policies and what their runs did are kept: one directory per project under
 * `/wharf/v1/_lifecycle/cleanup/<project…>/` (see storage/paths.ts), through any
 * StorageDriver, so every process sharing the storage sees the same policies.
 *
 * The policy (`_policy.json`) is written only when someone saves it; the run state
 * (`_state.json`: next run time, resume cursor, last runs) only by runs. Keeping them apart
 * means a run never overwrites an edit made while it ran. The state remembers which save of
 * the policy it belongs to (`policySavedAt`): after a new save the schedule starts over from
 * the save, and an unfinished run's cursor is dropped, as GitLab resets the interval when a
 * policy is saved.
 * @module
 */
import { z } from 'zod';
import { lexical } from '../../manifests/manifest-store.js';
import { fromUtf8, utf8 } from '../../streams.js';
import { PathNotFoundError, type StorageDriver } from '../../storage/driver.js';
import { notFoundAs } from '../../storage/not-found.js';
import { baseName, pathFor } from '../../storage/paths.js';
import { cadenceMs } from './durations.js';
import { assertValidProject, parseCleanupPolicy, type CleanupPolicy, type StoredCleanupPolicy } from './policy.js';

/** Where an unfinished run stopped. */
export interface CleanupCursor {
  /** The repository the run was in; the repositories before it (in lexical order) are done. */
  readonly repository: string;
  /** Tags planned for deletion there that the run did not reach (the next run plans afresh). */
  readonly remaining: readonly string[];
}

/** One run of a policy, as recorded. Lists are capped at {@link MAX_RECORDED_TAGS} entries. */
export interface CleanupRunRecord {
  readonly id: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** `unfinished`: the time budget ran out (the next tick resumes); `failed`: the run could not list the project. */
  readonly status: 'finished' | 'unfinished' | 'failed';
  /** Whether it continued an unfinished run. */
  readonly resumed: boolean;
  readonly deleted: ReadonlyArray<{ readonly repository: string; readonly tag: string }>;
  readonly deletedCount: number;
  readonly failed: ReadonlyArray<{ readonly repository: string; readonly tag: string | null; readonly error: string }>;
  readonly failedCount: number;
  /** When the policy runs next: the next tick when unfinished, else one cadence after the run began. */
  readonly nextRunAt: string;
  /** Why the run failed, when it did. */
  readonly error?: string;
}

/** What runs leave for the next one. */
export interface CleanupState {
  /** The save of the policy this schedule and cursor belong to. */
  readonly policySavedAt: string;
  /** When the next full run is due. */
  readonly nextRunAt: string;
  /** Set while a run is unfinished. */
  readonly cursor: CleanupCursor | null;
  /** The last runs, newest first. */
  readonly runs: readonly CleanupRunRecord[];
}

/** Entries kept per list in a run record (the counts stay exact), so the state file stays small. */
export const MAX_RECORDED_TAGS = 100;

const policyFileSchema = z.object({ version: z.literal(1), project: z.string(), savedAt: z.string(), policy: z.unknown() });

const stateSchema = z.object({
  policySavedAt: z.string(),
  nextRunAt: z.string(),
  cursor: z.object({ repository: z.string(), remaining: z.array(z.string()) }).nullable(),
  runs: z.array(
    z.object({
      id: z.string(),
      startedAt: z.string(),
      finishedAt: z.string(),
      status: z.enum(['finished', 'unfinished', 'failed']),
      resumed: z.boolean(),
      deleted: z.array(z.object({ repository: z.string(), tag: z.string() })),
      deletedCount: z.number(),
      failed: z.array(z.object({ repository: z.string(), tag: z.string().nullable(), error: z.string() })),
      failedCount: z.number(),
      nextRunAt: z.string(),
      error: z.string().optional(),
    }),
  ),
});

export interface CleanupPolicyStoreOptions {
  /** The clock for `savedAt` (default: the system clock). */
  readonly now?: () => Date;
}

export class CleanupPolicyStore {
  readonly #now: () => Date;

  /** @param storage the registry's storage (e.g. `registry.api.options.storage`). */
  constructor(
    readonly storage: StorageDriver,
    options: CleanupPolicyStoreOptions = {},
  ) {
    this.#now = options.now ?? (() => new Date());
  }

  /** A project's policy, or `null` when it has none (or the stored file is unreadable). @throws CleanupPolicyError for a bad project path */
  async get(project: string): Promise<StoredCleanupPolicy | null> {
    assertValidProject(project);
    const raw = await this.#read(pathFor({ kind: 'cleanupPolicy', project }));
    return raw === null ? null : decodePolicy(raw, project);
  }

  /**
   * Create or update a project's policy: the fields given replace those stored (or the
   * defaults). Saving resets the schedule: the first run is one cadence later.
   * @param input GitLab-shaped fields, see {@link parseCleanupPolicy}.
   * @throws CleanupPolicyError naming each invalid field (or `project`).
   * @example
   * await store.save('team/app', { enabled: true, cadence: '7d', keep_n: 5, name_regex_keep: 'v.+' });
   */
  async save(project: string, input: unknown): Promise<StoredCleanupPolicy> {
    const current = await this.get(project);
    const policy = parseCleanupPolicy(input, current ?? undefined);
    const stored: StoredCleanupPolicy = { project, savedAt: this.#now().toISOString(), ...policy };
    await this.storage.putContent(
      pathFor({ kind: 'cleanupPolicy', project }),
      utf8(JSON.stringify({ version: 1, project, savedAt: stored.savedAt, policy })),
    );
    return stored;
  }

  /** Remove a project's policy and its run state. @returns whether there was a policy. */
  async delete(project: string): Promise<boolean> {
    assertValidProject(project);
    const existed = (await this.get(project)) !== null;
    // file by file: the project's directory also holds the policies of projects below it
    for (const kind of ['cleanupPolicy', 'cleanupState', 'cleanupLease'] as const) {
      await this.storage.delete(pathFor({ kind, project })).catch(notFoundAs(undefined));
    }
    return existed;
  }

  /** Every stored policy, by project path. */
  async list(): Promise<StoredCleanupPolicy[]> {
    const projects: string[] = [];
    const root = pathFor({ kind: 'cleanupRoot' });
    const walk = async (dir: string): Promise<void> => {
      const children = await this.storage.list(dir).catch(notFoundAs(null));
      if (!children) return;
      if (dir !== root && children.some((c) => baseName(c) === '_policy.json')) projects.push(dir.slice(root.length + 1));
      await Promise.all(children.filter((c) => !baseName(c).startsWith('_')).map(walk));
    };
    await walk(root);
    const policies = await Promise.all(projects.sort(lexical).map((p) => this.get(p)));
    return policies.filter((p): p is StoredCleanupPolicy => p !== null);
  }

  /** What the runs of a project's policy left, or `null` before the first run. */
  async state(project: string): Promise<CleanupState | null> {
    assertValidProject(project);
    const raw = await this.#read(pathFor({ kind: 'cleanupState', project }));
    if (raw === null) return null;
    const parsed = stateSchema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  }

  /** Replace the run state (runners call this). */
  async writeState(project: string, state: CleanupState): Promise<void> {
    await this.storage.putContent(pathFor({ kind: 'cleanupState', project }), utf8(JSON.stringify(state)));
  }

  async #read(path: string): Promise<unknown> {
    try {
      return JSON.parse(fromUtf8(await this.storage.getContent(path)));
    } catch (error) {
      if (error instanceof PathNotFoundError || error instanceof SyntaxError) return null;
      throw error;
    }
  }
}

/** When a policy runs next and where it resumes, given what its runs left. */
export function scheduleOf(policy: StoredCleanupPolicy, state: CleanupState | null): { nextRunAt: Date; cursor: CleanupCursor | null } {
  if (state && state.policySavedAt === policy.savedAt) return { nextRunAt: new Date(state.nextRunAt), cursor: state.cursor };
  return { nextRunAt: new Date(Date.parse(policy.savedAt) + cadenceMs(policy.cadence)), cursor: null };
}

function decodePolicy(raw: unknown, project: string): StoredCleanupPolicy | null {
  const file = policyFileSchema.safeParse(raw);
  if (!file.success || file.data.project !== project || Number.isNaN(Date.parse(file.data.savedAt))) return null;
  let policy: CleanupPolicy;
  try {
    policy = parseCleanupPolicy(file.data.policy);
  } catch {
    return null;
  }
  return { project, savedAt: file.data.savedAt, ...policy };
}
