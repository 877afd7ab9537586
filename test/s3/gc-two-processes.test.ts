/**
 * Garbage collection and cleanup under load across two processes on one S3 bucket: two
 * standalone servers (`wharf serve`, nothing shared but the bucket) serve eight clients whose
 * every request goes to either of them (test/lifecycle/gc-workload.ts), while one of them runs
 * cleanup policies and online collections in a loop through its management API, as an
 * operator would. Afterwards every tag pulls back whole from both, and nothing unreferenced
 * and older than the grace period is left in the bucket.
 *
 * WHARF_GC_LOAD_SECONDS (default 60) and WHARF_GC_LOAD_CLIENTS (default 8) tune it.
 */
import { describe, expect, it } from 'vitest';
import type { GcReport } from '@wharf/core';
import { s3Env } from '../../packages/storage-s3/src/test-support.js';
import { useTwoServers } from './server-env.js';
import { target, targetMissing } from '../e2e/server.js';
import { runGcWorkload, SCRATCH_TAG_PATTERN } from '../lifecycle/gc-workload.js';

const SECONDS = Number(process.env.WHARF_GC_LOAD_SECONDS ?? 60);
const CLIENTS = Number(process.env.WHARF_GC_LOAD_CLIENTS ?? 8);
const GRACE_MS = 1_000;

const env = s3Env();
const missing = target() === 'wharf' ? targetMissing() : 'WHARF_E2E_TARGET is not wharf';
if (env && missing) console.warn(`skipping GC across two processes on S3: ${missing}`);

describe.skipIf(!env || missing)('garbage collection and cleanup across two processes on one bucket', () => {
  const servers = useTwoServers(env!, 'gc-two');

  /** A call to server A's management API (open: the servers run without auth). */
  async function management(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${servers.a().url}/api/v1/registry${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return JSON.parse(text);
  }

  /** Start a collection on server A and wait for its report. */
  async function collect(): Promise<GcReport> {
    const started = (await management('POST', `/gc?delete_untagged=true&grace=${GRACE_MS / 1000}s`)) as { id: string };
    for (;;) {
      const run = (await management('GET', `/gc/${started.id}`)) as { status: string; report: GcReport; error: string | null };
      if (run.status === 'done') return run.report;
      expect(run.status, run.error ?? '').toBe('running');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Run project `load`'s cleanup policy on server A: scratch tags go, the newest per repository stays. */
  let saved = false;
  async function cleanup(): Promise<number> {
    if (!saved) {
      const policy = { enabled: true, cadence: '1d', keep_n: 1, older_than: null, name_regex: SCRATCH_TAG_PATTERN, name_regex_keep: null };
      await management('PUT', '/projects/load/cleanup_policy', policy);
      saved = true;
    }
    const result = (await management('POST', '/projects/load/cleanup_policy/run')) as { status: string; deleted: unknown[]; failed: unknown[] };
    expect(result.failed).toEqual([]);
    expect(['finished', 'unfinished']).toContain(result.status);
    return result.deleted.length;
  }

  it(
    `should lose nothing while ${CLIENTS} clients use both processes for ${SECONDS} s and one of them runs cleanup and GC in a loop`,
    async () => {
      await runGcWorkload({
        servers: [servers.a().url, servers.b().url],
        seconds: SECONDS,
        clients: CLIENTS,
        graceMs: GRACE_MS,
        collect,
        // The default settle time (3 s) applies; the last run waits it too.
        finalCollect: collect,
        cleanup,
        storage: servers.bucket(),
      });
    },
    SECONDS * 1_000 + 240_000,
  );
});
