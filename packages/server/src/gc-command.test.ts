import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry, pathFor } from '@wharf/core';
import { FsStorage } from '@wharf/storage-fs';
import { runGcCommand, scheduleGcFromEnv } from './gc-command.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wharf-gc-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

/** A blob pushed to `team/app` whose files are made two hours old. */
async function oldGarbageBlob(): Promise<string> {
  const { app } = createRegistry({ storage: new FsStorage({ root: dir, fsync: false }) });
  const content = randomBytes(100);
  const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
  const r = await app.request(`/v2/team/app/blobs/uploads/?digest=${digest}`, { method: 'POST', body: content });
  expect(r.status).toBe(201);
  const past = new Date(Date.now() - 2 * 3_600_000);
  const hex = digest.slice('sha256:'.length);
  await utimes(join(dir, 'wharf/v1/blobs/sha256', hex.slice(0, 2), hex), past, past);
  await utimes(join(dir, 'wharf/v1/repositories/team/app/_layers/sha256', hex), past, past);
  return join(dir, 'wharf/v1/blobs/sha256', hex.slice(0, 2), hex);
}

const exists = (path: string) => import('node:fs/promises').then((fs) => fs.stat(path).then(() => true, () => false));

describe('wharf gc', () => {
  it('should print its usage', async () => {
    const c = capture();
    expect(await runGcCommand(['--help'], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/^Usage: wharf gc/);
  });

  it('should refuse a bad grace, unknown flags and a missing data directory', async () => {
    expect(await runGcCommand(['--grace', 'soon', '--data', dir], capture().io)).toBe(2);
    expect(await runGcCommand(['--force'], capture().io)).toBe(2);
    const c = capture();
    expect(await runGcCommand(['--data', join(dir, 'nope')], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/no data directory/);
  });

  it('should report in a dry run, then collect, with progress lines and a summary', async () => {
    const blob = await oldGarbageBlob();
    const dry = capture();
    expect(await runGcCommand(['--dry-run'], dry.io, { WHARF_DATA: dir })).toBe(0);
    const lines = dry.out.join('').trimEnd().split('\n');
    expect(lines.some((l) => l.startsWith('wharf gc: [mark]'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^gc dry run \S+: would delete 1 blobs \(100 B\), 0 manifests, 1 layer links/);
    expect(await exists(blob)).toBe(true);

    const real = capture();
    expect(await runGcCommand(['--data', dir, '--json'], real.io)).toBe(0);
    const output = real.out.join('');
    expect(output).toMatch(/\ngc \S+: deleted 1 blobs \(100 B\)/);
    expect(JSON.parse(output.slice(output.indexOf('\n{') + 1)).deleted.blobs).toEqual({ count: 1, bytes: 100 });
    expect(await exists(blob)).toBe(false);
  }, 20_000);

  it('should exit with 75 while another collection runs', async () => {
    const record = { run: 'elsewhere', owner: 'test', acquiredAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString() };
    await new FsStorage({ root: dir }).putContent(pathFor({ kind: 'gcLock' }), new TextEncoder().encode(JSON.stringify(record)));
    const c = capture();
    expect(await runGcCommand(['--data', dir], c.io)).toBe(75);
    expect(c.err.join('')).toMatch(/another garbage collection is running \(run elsewhere/);
  });
});

describe('scheduleGcFromEnv', () => {
  it('should schedule nothing without WHARF_GC_INTERVAL, and refuse a bad one', () => {
    const storage = new FsStorage({ root: dir });
    expect(scheduleGcFromEnv(storage, {})).toBeNull();
    expect(() => scheduleGcFromEnv(storage, { WHARF_GC_INTERVAL: 'daily' })).toThrow(/WHARF_GC_INTERVAL/);
    expect(() => scheduleGcFromEnv(storage, { WHARF_GC_INTERVAL: '0s' })).toThrow(/WHARF_GC_INTERVAL/);
    expect(() => scheduleGcFromEnv(storage, { WHARF_GC_INTERVAL: '1h', WHARF_GC_GRACE: 'x' })).toThrow(/WHARF_GC_GRACE/);
  });

  it('should schedule with the grace and untagged settings', async () => {
    const scheduled = scheduleGcFromEnv(new FsStorage({ root: dir }), { WHARF_GC_INTERVAL: '24h', WHARF_GC_GRACE: '2h', WHARF_GC_DELETE_UNTAGGED: 'true' });
    expect(scheduled?.notice).toBe('garbage collection every 1d (grace 2h, deleting untagged manifests)');
    await scheduled?.schedule.stop();
  });
});
