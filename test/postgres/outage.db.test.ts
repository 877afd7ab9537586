/**
 * The metadata database goes away under load and comes back: a standalone server on a
 * PostgreSQL cluster of this test's own (stopped for 10 s with `pg_ctl stop -m fast`, then
 * started again with its data), while clients keep asking for tokens, calling the REST API and
 * pulling. While it is down, what needs the database answers 503 with Retry-After and nothing
 * answers 500; pulls with a token already issued go on; once it is back, everything works again
 * within seconds, without restarting the server.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadClient } from '../lifecycle/load-client.js';
import { logOnFailureAndStop, type Registry, repoRoot, startRegistry, target } from '../e2e/server.js';
import { freePort } from '../support/child-process.js';
import { stopOnExit } from '../support/stop-on-exit.js';

const script = join(repoRoot, '.ci/postgres.sh');
const canRun = process.getuid?.() === 0 && target() === 'wharf';
if (!canRun) console.warn('\n!!! SKIPPING the database outage test: it starts and stops a PostgreSQL cluster of its own (root only) !!!\n');
const ADMIN_PASSWORD = 'outage-admin-password-0123';
const OCI = 'application/vnd.oci.image.manifest.v1+json';

describe.skipIf(!canRun)('the server while its PostgreSQL is down for 10 s', () => {
  const pgEnv: NodeJS.ProcessEnv = { ...process.env, PG_DIR: `/tmp/wharf-pg-outage-${process.pid}` };
  let registry: Registry | undefined;
  let release = () => {};
  logOnFailureAndStop(() => registry);
  const pg = (command: 'start' | 'stop' | 'resume') => {
    const r = spawnSync('bash', [script, command], { env: pgEnv, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`.ci/postgres.sh ${command} failed: ${r.stderr}`);
    return r.stdout.trim().split('\n').at(-1) ?? '';
  };

  beforeAll(async () => {
    pgEnv.PG_PORT = String(await freePort());
    release = stopOnExit(() => {
      spawnSync('bash', [script, 'stop'], { env: pgEnv });
      spawnSync('rm', ['-rf', pgEnv.PG_DIR as string]);
    });
    const url = pg('start');
    process.env.WHARF_DATABASE_URL = url;
    try {
      registry = await startRegistry({ auth: 'token', adminPassword: ADMIN_PASSWORD });
    } finally {
      delete process.env.WHARF_DATABASE_URL;
    }
  });

  afterAll(async () => {
    await registry?.stop();
    spawnSync('bash', [script, 'stop'], { env: pgEnv });
    spawnSync('rm', ['-rf', pgEnv.PG_DIR as string]);
    release();
  });

  it('should answer 503 with Retry-After, never 500, while it is down and recover by itself once it is back', async () => {
    const base = registry?.url ?? '';
    const admin = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
    const api = (path: string, init: RequestInit = {}) => fetch(`${base}/api/v4${path}`, { ...init, headers: { Authorization: admin, 'Content-Type': 'application/json', ...init.headers } });
    const group = (await (await api('/groups', { method: 'POST', body: JSON.stringify({ name: 'team', path: 'team' }) })).json()) as { id: number };
    expect((await api('/projects', { method: 'POST', body: JSON.stringify({ name: 'app', path: 'app', namespace_id: group.id }) })).status).toBe(201);
    const tokenFor = () => fetch(`${base}/auth/token?service=wharf-registry&scope=${encodeURIComponent('repository:team/app:pull,push')}`, { headers: { Authorization: admin } });
    const first = await tokenFor();
    expect(first.status).toBe(200);
    const bearer = ((await first.json()) as { token: string }).token;
    // an image to pull during the outage, with the token issued before it
    await new LoadClient(() => base, { Authorization: `Bearer ${bearer}` }).pushImage('team/app', 'v1', 2048);

    // clients keep going: tokens, the REST API, pulls
    const seen: { phase: string; kind: string; status: number; retryAfter: string | null }[] = [];
    let phase = 'before';
    let running = true;
    const load = (async () => {
      while (running) {
        const answers = await Promise.all([
          tokenFor().then((r) => ['token', r] as const),
          api('/projects').then((r) => ['api', r] as const),
          fetch(`${base}/v2/team/app/manifests/v1`, { headers: { Authorization: `Bearer ${bearer}`, Accept: OCI } }).then((r) => ['pull', r] as const),
        ]);
        for (const [kind, r] of answers) {
          await r.arrayBuffer();
          seen.push({ phase, kind, status: r.status, retryAfter: r.headers.get('retry-after') });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    pg('stop');
    phase = 'down';
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    pg('resume');
    phase = 'back';
    const backAt = Date.now();
    // recovered: a token and an API answer again without a restart
    let recoveredAfterMs = -1;
    for (let i = 0; i < 100; i++) {
      if ((await tokenFor()).status === 200 && (await api('/projects')).status === 200) {
        recoveredAfterMs = Date.now() - backAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    running = false;
    await load;

    expect(seen.filter((s) => s.status >= 500 && s.status !== 503)).toEqual([]);
    const down = seen.filter((s) => s.phase === 'down');
    const refusals = down.filter((s) => s.status === 503);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((s) => s.retryAfter !== null)).toBe(true);
    expect(down.filter((s) => s.kind === 'pull').every((s) => s.status === 200)).toBe(true);
    expect(recoveredAfterMs).toBeGreaterThanOrEqual(0);
    expect(recoveredAfterMs).toBeLessThan(10_000);
    const last = seen.slice(-6);
    expect(last.every((s) => s.status === 200)).toBe(true);
    console.log(`outage: ${down.length} answers while down (${refusals.length} × 503); recovered ${recoveredAfterMs} ms after the database was back`);
  }, 90_000);
});
