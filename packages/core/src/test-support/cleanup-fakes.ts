/** An in-memory cleanup target and a hand-driven clock, for the cleanup tests. */
import type { CleanupTag } from '../lifecycle/cleanup/plan.js';
import type { CleanupTarget } from '../lifecycle/cleanup/target.js';

export class ManualClock {
  constructor(public t = Date.parse('2026-06-01T00:00:00Z')) {}
  readonly now = () => new Date(this.t);
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const DAY = 86_400_000;

/**
 * Repositories of tags in memory. `deleteCost` advances the clock on each delete, so a run's
 * budget runs out after a known number of deletes.
 */
export class FakeTarget implements CleanupTarget {
  readonly repos = new Map<string, Map<string, CleanupTag>>();
  readonly deletes: string[] = [];
  failListing = new Set<string>();
  failDelete = new Set<string>();

  constructor(
    readonly clock: ManualClock,
    readonly deleteCost = 0,
  ) {}

  /** Add tags created `ageDays` days before the clock's current time. */
  add(repository: string, tags: Record<string, number | null>): this {
    const repo = this.repos.get(repository) ?? new Map<string, CleanupTag>();
    for (const [name, ageDays] of Object.entries(tags)) {
      repo.set(name, { name, digest: `sha256:${name}`, createdAt: ageDays === null ? null : new Date(this.clock.t - ageDays * DAY) });
    }
    this.repos.set(repository, repo);
    return this;
  }

  tags(repository: string): string[] {
    return [...(this.repos.get(repository)?.keys() ?? [])].sort();
  }

  async listRepositories(project: string): Promise<string[]> {
    return [...this.repos.keys()].filter((r) => r === project || r.startsWith(`${project}/`)).sort();
  }

  async listTags(repository: string): Promise<CleanupTag[]> {
    if (this.failListing.has(repository)) throw new Error(`cannot list ${repository}`);
    return [...(this.repos.get(repository)?.values() ?? [])];
  }

  async deleteTag(repository: string, tag: string): Promise<boolean> {
    this.clock.advance(this.deleteCost);
    if (this.failDelete.has(`${repository}:${tag}`)) throw new Error(`cannot delete ${repository}:${tag}`);
    const existed = this.repos.get(repository)?.delete(tag) ?? false;
    if (existed) this.deletes.push(`${repository}:${tag}`);
    return existed;
  }
}
