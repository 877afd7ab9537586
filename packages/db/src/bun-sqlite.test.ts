import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bunBinary } from '../../../test/runtime.js';

const bun = bunBinary();
const smoke = fileURLToPath(new URL('./test-support/bun-smoke.ts', import.meta.url));
if (!bun) console.warn('\n!!! SKIPPING the bun:sqlite check: no Bun binary (run `npm ci`, or set BUN_BIN) !!!\n');

describe.skipIf(!bun)("the metadata database on Bun's own SQLite", () => {
  it('should migrate, keep 20 concurrent transactions and read back, with bun:sqlite', () => {
    const run = spawnSync(bun as string, [smoke], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { description: string; applied: string[]; row: unknown };
    expect(result.description).toMatch(/^SQLite .*smoke\.db \(bun:sqlite\)$/);
    expect(result.applied).toEqual(['0001_items']);
    expect(result.row).toEqual({ id: 'a', n: 20, flag: true });
  });
});
