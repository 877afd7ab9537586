/**
 * The store across real processes: several writers at once, and a writer killed with SIGKILL
 * in the middle of its writes. The children run the store's own sources, transpiled once
 * with TypeScript into `node_modules/.cache` (where `zod` and `ulid` resolve).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJsonTestStore, tempDirs } from '../test-support.js';

const tempDir = tempDirs();
const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(SRC, '..', '..', '..', 'node_modules', '.cache', `wharf-access-test-${process.pid}`);

const WRITER = `
import { AccessStore } from './store/access-store.js';
const [dir, prefix, count] = process.argv.slice(2);
const store = await AccessStore.open(dir, { passwordCost: 10, lock: { timeoutMs: 30000 } });
for (let i = 0; i < Number(count); i++) {
  await store.createUser({ username: prefix + i });
  if (i === 0) process.stdout.write('started\\n');
}
`;

async function transpileSources(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    const target = join(OUT, relative(SRC, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
}

function run(args: string[]): { child: ChildProcess; done: Promise<number | null>; started: Promise<void> } {
  const child = spawn(process.execPath, [join(OUT, 'writer.mjs'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const started = new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, done, started };
}

beforeAll(async () => {
  await transpileSources(SRC);
  await writeFile(join(OUT, 'writer.mjs'), WRITER);
  await writeFile(join(OUT, 'package.json'), '{"type":"module"}');
});

afterAll(async () => {
  await rm(OUT, { recursive: true, force: true });
});

describe('store across processes', () => {
  it('should lose no write when three processes and this one write at the same time', async () => {
    const dir = await tempDir();
    const store = await openJsonTestStore(dir);
    const children = ['a', 'b', 'c'].map((p) => run([dir, p, '20']));
    for (let i = 0; i < 20; i++) await store.createUser({ username: `main${i}` });
    expect(await Promise.all(children.map((c) => c.done))).toEqual([0, 0, 0]);
    const users = await store.listUsers();
    expect(users).toHaveLength(80);
    expect((await store.state()).revision).toBe(80);
  });

  it('should stay readable and writable after a writer is killed with SIGKILL mid-write', async () => {
    const dir = await tempDir();
    const writer = run([dir, 'k', '100000']);
    await writer.started;
    await new Promise((r) => setTimeout(r, 150));
    writer.child.kill('SIGKILL');
    await writer.done;
    const store = await openJsonTestStore(dir, { lock: { timeoutMs: 5_000 } });
    const before = (await store.listUsers()).length;
    expect(before).toBeGreaterThan(0);
    await store.createUser({ username: 'after-crash' });
    expect(await store.listUsers()).toHaveLength(before + 1);
    expect((await readdir(dir)).sort()).toEqual(['access.json']);
  });
});
