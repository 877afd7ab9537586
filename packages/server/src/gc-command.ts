/**
 * `wharf gc`: garbage collection of the standalone server's storage (`--data`, else
 * `WHARF_DATA`, else `./data`), safe while `wharf serve` runs on it: the collection announces
 * itself in the storage, running servers touch what pushes reuse meanwhile, and nothing
 * younger than the grace period is deleted (see @wharf/core's `gc/protocol.ts`).
 *
 * Also the standalone server's schedule: {@link scheduleGcFromEnv} reads `WHARF_GC_INTERVAL`.
 * @module
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  collectGarbage,
  DEFAULT_GRACE_MS,
  formatGcDuration,
  GcLockedError,
  parseGcDuration,
  scheduleGarbageCollection,
  summarizeReport,
  type GcSchedule,
  type RegistryHooks,
  type StorageDriver,
} from '@wharf/core';
import { FsStorage } from '@wharf/storage-fs';
import { parseS3Url, type S3Location } from '@wharf/storage-s3/url';
import { type CommandIo, processIo } from './command-io.js';

export const GC_USAGE = `Usage: wharf gc [--data DIR] [--dry-run] [--delete-untagged] [--grace DURATION] [--json]

Delete what nothing references: blobs no manifest uses, layer links no manifest needs, upload
sessions started over 7 days ago and, with --delete-untagged, manifests no tag reaches. Safe
while \`wharf serve\` runs on the same data directory: pushes and pulls go on, and nothing
younger than the grace period is deleted.

Options:
  --data <dir>           storage directory (env WHARF_DATA, default ./data; with
                         WHARF_STORAGE=s3://BUCKET[/PREFIX] the images' bucket instead)
  --dry-run              report what would be deleted, delete nothing
  --delete-untagged      also delete manifests no tag reaches (and what only they use)
  --grace <duration>     keep anything younger than this (default 1h; e.g. 30m, 2h, 0s)
  --json                 print the full report as JSON after the summary
  -h, --help             show this help

Exit status: 0 done, 1 failed, 2 bad usage, 75 another collection is running.
`;

/** Runs `wharf gc` with the arguments after `gc`; resolves with the exit status. */
export async function runGcCommand(argv: readonly string[], io: CommandIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: { data?: string; 'dry-run'?: boolean; 'delete-untagged'?: boolean; grace?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        data: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'delete-untagged': { type: 'boolean' },
        grace: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`wharf gc: ${(error as Error).message}\n\n${GC_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(GC_USAGE);
    return 0;
  }
  const graceMs = values.grace === undefined ? DEFAULT_GRACE_MS : parseGcDuration(values.grace);
  if (graceMs === null) {
    io.err(`wharf gc: --grace: expected a duration such as 1h, 30m or 0s, got "${values.grace}"\n`);
    return 2;
  }
  // WHARF_STORAGE=s3://BUCKET[/PREFIX]: the images live in a bucket, as for `wharf serve`.
  let s3: S3Location | undefined;
  try {
    s3 = env.WHARF_STORAGE ? parseS3Url(env.WHARF_STORAGE) : undefined;
  } catch (error) {
    io.err(`wharf gc: WHARF_STORAGE: ${(error as Error).message}\n`);
    return 2;
  }
  const dataDir = s3 ? `s3://${s3.bucket}${s3.prefix ? `/${s3.prefix}` : ''}` : resolve(process.cwd(), values.data || env.WHARF_DATA || 'data');
  if (!s3 && !(await stat(dataDir).then((s) => s.isDirectory(), () => false))) {
    io.err(`wharf gc: no data directory at ${dataDir} (set --data or WHARF_DATA)\n`);
    return 1;
  }

  const dryRun = values['dry-run'] ?? false;
  const deleteUntagged = values['delete-untagged'] ?? false;
  io.out(`wharf gc: ${dryRun ? 'dry run over' : 'collecting'} ${dataDir}; grace ${formatGcDuration(graceMs)}${deleteUntagged ? '; deleting untagged manifests' : ''}\n`);
  try {
    // The AWS SDK is imported only when used (it takes about a third of a second to load).
    const bucket = s3 ? new (await import('@wharf/storage-s3')).S3Storage({ bucket: s3.bucket, prefix: s3.prefix }) : undefined;
    const report = await collectGarbage(bucket ?? new FsStorage({ root: dataDir }), {
      dryRun,
      deleteUntagged,
      graceMs,
      onProgress: ({ phase, message }) => io.out(`wharf gc: [${phase}] ${message}\n`),
    }).finally(() => bucket?.destroy());
    for (const warning of report.warnings) io.err(`wharf gc: warning: ${warning}\n`);
    io.out(`${summarizeReport(report)}\n`);
    if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } catch (error) {
    io.err(`wharf gc: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof GcLockedError ? 75 : 1;
  }
}

/**
 * The standalone server's scheduled collection, when `WHARF_GC_INTERVAL` is set (e.g. `24h`):
 * `WHARF_GC_GRACE` (default 1h) and `WHARF_GC_DELETE_UNTAGGED=1` tune it; each run's summary
 * goes to `log` (default: stderr), and each run to the registry's `onGcRun` hook.
 * @returns the schedule (or `null` when unset) and a startup notice.
 * @throws Error on a value that is not a duration.
 */
export function scheduleGcFromEnv(
  storage: StorageDriver,
  env: NodeJS.ProcessEnv,
  options: { readonly log?: (line: string) => void; readonly hooks?: RegistryHooks } = {},
): { schedule: GcSchedule; notice: string } | null {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!env.WHARF_GC_INTERVAL) return null;
  const intervalMs = parseGcDuration(env.WHARF_GC_INTERVAL);
  if (!intervalMs) throw new Error(`WHARF_GC_INTERVAL: expected a duration such as 24h or 30m, got "${env.WHARF_GC_INTERVAL}"`);
  const graceMs = env.WHARF_GC_GRACE ? parseGcDuration(env.WHARF_GC_GRACE) : DEFAULT_GRACE_MS;
  if (graceMs === null) throw new Error(`WHARF_GC_GRACE: expected a duration such as 1h or 0s, got "${env.WHARF_GC_GRACE}"`);
  const deleteUntagged = ['1', 'true', 'yes'].includes((env.WHARF_GC_DELETE_UNTAGGED ?? '').toLowerCase());
  const schedule = scheduleGarbageCollection(storage, {
    intervalMs,
    graceMs,
    deleteUntagged,
    ...(options.hooks ? { hooks: options.hooks } : {}),
    onReport: (report) => log(`wharf: ${summarizeReport(report)}`),
    onError: (error) => log(`wharf: garbage collection failed: ${error instanceof Error ? error.message : String(error)}`),
  });
  return {
    schedule,
    notice: `garbage collection every ${formatGcDuration(intervalMs)} (grace ${formatGcDuration(graceMs)}${deleteUntagged ? ', deleting untagged manifests' : ''})`,
  };
}
