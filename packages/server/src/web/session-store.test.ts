import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionStore } from './session-store.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function open(options: { idleMs?: number; maxAgeMs?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-sessions-'));
  dirs.push(dir);
  let now = Date.parse('2026-05-01T08:00:00Z');
  const store = await SessionStore.open(join(dir, 'sessions'), { ...options, touchEveryMs: 1_000, now: () => now });
  return {
    dir: join(dir, 'sessions'),
    store,
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const who = { subject: 'user:01', username: 'alice' };

describe('SessionStore', () => {
  it('should give every session a fresh 256-bit id and form secret', async () => {
    const { store } = await open();
    const a = await store.create(who);
    const b = await store.create(who);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.session.csrf).not.toBe(b.session.csrf);
    expect(await store.get(a.id)).toMatchObject({ subject: 'user:01', username: 'alice', csrf: a.session.csrf });
  });

  it('should end a session after the idle time, but keep one that is used', async () => {
    const { store, advance } = await open({ idleMs: 60_000, maxAgeMs: 3_600_000 });
    const used = await store.create(who);
    const idle = await store.create(who);
    for (let i = 0; i < 5; i++) {
      advance(40_000);
      expect(await store.get(used.id)).not.toBeNull();
    }
    expect(await store.get(idle.id)).toBeNull();
  });

  it('should end every session at its maximum age, however much it is used', async () => {
    const { store, advance } = await open({ idleMs: 60_000, maxAgeMs: 150_000 });
    const s = await store.create(who);
    advance(50_000);
    expect(await store.get(s.id)).not.toBeNull();
    advance(50_000);
    expect(await store.get(s.id)).not.toBeNull();
    advance(50_000);
    expect(await store.get(s.id)).toBeNull();
  });

  it('should forget deleted sessions, ignore malformed ids and files, and sweep expired ones', async () => {
    const { dir, store, advance } = await open({ idleMs: 60_000 });
    const s = await store.create(who);
    await store.delete(s.id);
    expect(await store.get(s.id)).toBeNull();
    for (const id of [undefined, '', '../../etc/passwd', 'x'.repeat(44)]) expect(await store.get(id)).toBeNull();
    await store.create(who);
    await writeFile(join(dir, `${'0'.repeat(64)}.json`), 'not json');
    advance(61_000);
    expect(await store.sweep()).toBe(2);
    expect(await readdir(dir)).toEqual([]);
  });

  it('should let two stores over one directory agree (two servers)', async () => {
    const { dir, store, now } = await open();
    const other = await SessionStore.open(dir, { now });
    const s = await store.create(who);
    expect(await other.get(s.id)).toMatchObject({ username: 'alice' });
    await other.delete(s.id);
    expect(await store.get(s.id)).toBeNull();
  });
});
