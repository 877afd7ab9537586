/**
 * What a garbage collection reports: counts and bytes of what it deleted (or, in a dry run,
 * would delete), what it kept because it was too recent, and how long each phase took.
 * @module
 */

/** The phases of a run, in order. */
export type GcPhase = 'lock' | 'settle' | 'recover' | 'mark' | 'sweep-repositories' | 'sweep-blobs' | 'finish';

/** A number of files and their bytes. */
export interface GcAmount {
  count: number;
  bytes: number;
}

/** One progress line, for logs and the CLI. */
export interface GcProgress {
  readonly phase: GcPhase;
  readonly message: string;
}

export interface GcReport {
  /** This run's id (`<start ms>-<random>`), also the name of its marker and trash. */
  readonly run: string;
  readonly dryRun: boolean;
  readonly deleteUntagged: boolean;
  readonly graceMs: number;
  /** When the run started, by the storage's clock (its marker's modTime). */
  readonly startedAt: string;
  /** Unreferenced content last modified before this was collected: start − grace. */
  readonly cutoff: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** Milliseconds spent in each phase. */
  readonly phases: Partial<Record<GcPhase, number>>;
  /** Repositories walked. */
  readonly repositories: number;
  /** What the mark reached. */
  readonly marked: { readonly manifests: number; readonly blobs: number };
  /** Deleted (dry run: would be deleted). */
  readonly deleted: {
    readonly manifests: GcAmount;
    readonly blobs: GcAmount;
    readonly layerLinks: GcAmount;
    readonly referrers: GcAmount;
    readonly uploads: GcAmount;
    /** Left in the trash by an earlier run that crashed, and deleted now. */
    readonly trash: GcAmount;
  };
  /** Unreferenced, but modified after the cutoff: kept for now. */
  readonly recent: { readonly manifests: number; readonly blobs: number; readonly layerLinks: number };
  /** Files a concurrent push reused while they were being deleted: put back. */
  readonly restored: number;
  /** Problems that made the run keep something it could not judge (never a reason to delete). */
  readonly warnings: readonly string[];
}

/** The mutable report a run fills in. */
export interface GcTally {
  repositories: number;
  marked: { manifests: number; blobs: number };
  deleted: { manifests: GcAmount; blobs: GcAmount; layerLinks: GcAmount; referrers: GcAmount; uploads: GcAmount; trash: GcAmount };
  recent: { manifests: number; blobs: number; layerLinks: number };
  restored: number;
  warnings: string[];
}

export function emptyTally(): GcTally {
  const zero = (): GcAmount => ({ count: 0, bytes: 0 });
  return {
    repositories: 0,
    marked: { manifests: 0, blobs: 0 },
    deleted: { manifests: zero(), blobs: zero(), layerLinks: zero(), referrers: zero(), uploads: zero(), trash: zero() },
    recent: { manifests: 0, blobs: 0, layerLinks: 0 },
    restored: 0,
    warnings: [],
  };
}

/** Add one file to an amount. */
export function add(amount: GcAmount, bytes: number): void {
  amount.count++;
  amount.bytes += bytes;
}

/** Bytes for people: `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** One line summing a report up. */
export function summarizeReport(report: GcReport): string {
  const d = report.deleted;
  const verb = report.dryRun ? 'would delete' : 'deleted';
  const parts = [
    `${d.blobs.count} blobs (${formatBytes(d.blobs.bytes)})`,
    `${d.manifests.count} manifests`,
    `${d.layerLinks.count} layer links`,
    `${d.uploads.count} stale uploads (${formatBytes(d.uploads.bytes)})`,
  ];
  if (d.trash.count > 0) parts.push(`${d.trash.count} files left in the trash by a crashed run`);
  const kept = `kept ${report.marked.manifests} manifests and ${report.marked.blobs} blobs in ${report.repositories} repositories`;
  const recent = report.recent.blobs + report.recent.manifests > 0 ? `, ${report.recent.blobs} blobs and ${report.recent.manifests} manifests younger than the grace period` : '';
  const restored = report.restored > 0 ? `, ${report.restored} put back after a concurrent push reused them` : '';
  return `gc ${report.dryRun ? 'dry run ' : ''}${report.run}: ${verb} ${parts.join(', ')}; ${kept}${recent}${restored}; ${report.durationMs} ms`;
}
