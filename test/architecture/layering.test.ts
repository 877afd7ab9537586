/**
 * The house's plan, checked: which package may import which (core at the root, the server on
 * top, adapters and drivers in between, never sideways), drivers see only `@wharf/core/storage`,
 * core's top-level folders import each other without cycles, and no source file outgrows 500
 * lines. Read from the sources, so a change that breaks the plan fails here, not in review.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Which `@wharf/*` packages each package may import (its own name excluded). */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  // The metadata database: a root beside core (it knows no other Wharf package); the stores
  // that use it (access, server) import it.
  db: [],
  'storage-fs': ['@wharf/core/storage', '@wharf/core/testing'],
  'storage-s3': ['@wharf/core/storage', '@wharf/core/testing'],
  access: ['@wharf/core', '@wharf/db', '@wharf/db/testing'],
  'adapter-node': ['@wharf/core'],
  'adapter-bun': ['@wharf/core'],
  ui: ['@wharf/core'],
  api: ['@wharf/core', '@wharf/access', '@wharf/access/testing'],
  server: ['@wharf/core', '@wharf/core/storage', '@wharf/db', '@wharf/db/testing', '@wharf/access', '@wharf/storage-fs', '@wharf/storage-s3', '@wharf/storage-s3/url', '@wharf/adapter-node', '@wharf/adapter-bun', '@wharf/ui', '@wharf/api'],
};

function sources(dir: string, withTests = true): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path, withTests));
    else if (/\.tsx?$/.test(name) && (withTests || !/\.test\.tsx?$/.test(name))) out.push(path);
  }
  return out;
}

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2]) as string);

describe('the package plan', () => {
  for (const [pkg, allowed] of Object.entries(ALLOWED)) {
    it(`should let @wharf/${pkg} import only ${allowed.join(', ') || 'no other Wharf package'}`, () => {
      const wrong: string[] = [];
      for (const file of sources(join(root, 'packages', pkg, 'src'))) {
        for (const spec of importsOf(file)) {
          if (spec.startsWith('@wharf/') && !allowed.includes(spec)) wrong.push(`${relative(root, file)} imports ${spec}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it('should declare in each package.json exactly the Wharf packages its sources import', () => {
    for (const pkg of Object.keys(ALLOWED)) {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      const declared = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@wharf/')).sort();
      const used = new Set<string>();
      for (const file of sources(join(root, 'packages', pkg, 'src'), false)) {
        for (const spec of importsOf(file)) if (spec.startsWith('@wharf/')) used.add(spec.split('/').slice(0, 2).join('/'));
      }
      expect(declared, pkg).toEqual([...used].sort());
    }
  });
});

describe("core's folders", () => {
  it('should import each other without cycles', () => {
    const src = join(root, 'packages/core/src');
    const top = (file: string) => relative(src, file).split('/')[0] as string;
    const edges = new Map<string, Set<string>>();
    for (const file of sources(src, false)) {
      const from = top(file);
      if (from === 'test-support') continue;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const to = top(join(file, '..', spec));
        if (to !== from && !to.startsWith('..')) (edges.get(from) ?? edges.set(from, new Set()).get(from))?.add(to);
      }
    }
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      if (path.includes(node)) {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' -> '));
        return;
      }
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    };
    for (const node of edges.keys()) if (node !== 'index.ts') visit(node, []);
    expect(cycles).toEqual([]);
  });
});

describe('file sizes', () => {
  it('should keep every source and test file under 500 lines', () => {
    const big: string[] = [];
    for (const dir of ['packages', 'test']) {
      const walk = (d: string) => {
        for (const name of readdirSync(d)) {
          const path = join(d, name);
          if (name === 'node_modules' || name === 'dist') continue;
          if (statSync(path).isDirectory()) walk(path);
          else if (/\.(tsx?|mjs)$/.test(name)) {
            const lines = readFileSync(path, 'utf8').split('\n').length;
            if (lines > 500) big.push(`${relative(root, path)}: ${lines}`);
          }
        }
      };
      walk(join(root, dir));
    }
    expect(big).toEqual([]);
  });
});
