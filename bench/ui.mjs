#!/usr/bin/env node
/**
 * Server-side render time of the Container Registry page (`@wharf/ui`) at scale: the
 * repository list of a group with 10,000 repositories and the tags page of a repository with
 * 10,000 tags, rendered through `app.request()` on the built packages (no network, no
 * browser: what the server spends per page).
 *
 *   node bench/ui.mjs [--repos N] [--tags N] [--renders N] [--storage memory|fs]   (npm run bench:ui)
 *
 * The registry is filled through core's own API (`registry.api`: blobs put once, mounted into
 * each repository, one small manifest per repository; the 10,000 tags share one manifest and
 * are written 100 per `putManifest`), each push a second apart on the registry's clock so
 * "last updated" sorts are real sorts.
 *
 * Storage: MemoryStorage by default — the figure is the page's own work (the repository index,
 * filtering and paging, tag records, sizes, JSX rendering), without the disk. `--storage fs`
 * fills an FsStorage in a temporary directory instead (slower to fill; then the page reads
 * tag links and sizes from files, as the standalone server does) and removes it at the end.
 *
 * The user sees everything through a filter function (not core's `everythingVisible`
 * shortcut), so the batched visibility filtering a real host pays for is measured too.
 * Each page gets a cold first render (index build), 20 warm-up renders, then `--renders`
 * timed ones: p50/p95/p99 in ms, and whether p95 < 100 ms (the issue's target).
 * Prints figures; it is not a test.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as core from '../packages/core/dist/index.js';
import { FsStorage } from '../packages/storage-fs/dist/index.js';
import { createRegistryUi } from '../packages/ui/dist/index.js';
import { fmt, nowMs, percentile } from './stats.mjs';

const { values } = parseArgs({
  options: {
    repos: { type: 'string', default: '10000' },
    tags: { type: 'string', default: '10000' },
    renders: { type: 'string', default: '200' },
    storage: { type: 'string', default: 'memory' },
  },
});
const REPOS = Number(values.repos);
const TAGS = Number(values.tags);
const RENDERS = Number(values.renders);
const WARMUP = 20;
const GROUP = 'big';
const TAGGED = 'tagged/app/images';
if (values.storage !== 'memory' && values.storage !== 'fs') throw new Error('--storage must be memory or fs');

const root = values.storage === 'fs' ? mkdtempSync(join(tmpdir(), 'wharf-bench-ui-')) : null;
const storage = root ? new FsStorage({ root }) : new core.MemoryStorage();
let clock = Date.parse('2026-01-01T00:00:00Z');
const registry = core.createRegistry({ storage, now: () => new Date(clock) });
const api = registry.api;

const bytes = (s) => new TextEncoder().encode(s);
const digestOf = (b) => core.parseDigest(`sha256:${createHash('sha256').update(b).digest('hex')}`);
const stream = (b) =>
  new ReadableStream({
    start(c) {
      c.enqueue(b);
      c.close();
    },
  });

const config = bytes(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {} }));
const layer = bytes('layer '.repeat(2000));
const manifest = bytes(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: core.MEDIA_TYPES.ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config).value, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer).value, size: layer.length }],
  }),
);

/** Put (first repository) or mount (the others) the two blobs, then the manifest under `tags`. */
async function push(name, tags, first) {
  for (const b of [config, layer]) {
    if (first) await api.putBlob(name, digestOf(b), stream(b));
    else if (!(await api.mountBlob(name, digestOf(b), null))) throw new Error(`mount into ${name} failed`);
  }
  for (let i = 0; i < tags.length; i += 100) {
    const batch = tags.slice(i, i + 100);
    await api.putManifest(name, { tag: batch[0] }, manifest, core.MEDIA_TYPES.ociManifest, batch.slice(1));
  }
}

console.log(`filling ${values.storage === 'fs' ? `an FsStorage in ${root}` : 'a MemoryStorage'}: ${REPOS} repositories in group "${GROUP}", ${TAGS} tags in ${TAGGED} …`);
let t0 = nowMs();
for (let r = 0; r < REPOS; r++) {
  clock += 1000;
  const name = `${GROUP}/p${String(r % 50).padStart(2, '0')}/repo-${String(r).padStart(5, '0')}`;
  await push(name, ['latest'], r === 0);
}
clock += 1000;
await push(
  TAGGED,
  Array.from({ length: TAGS }, (_, i) => `v1.${Math.floor(i / 100)}.${i % 100}`),
  false,
);
console.log(`filled in ${fmt((nowMs() - t0) / 1000)} s`);

// a host's filter that lets the user see (and delete) everything, asked in batches like any other
const all = async (names) => names;
const ui = createRegistryUi({
  management: registry.management,
  currentUser: () => ({ name: 'bench', visible: all, deletable: all }),
  publicHost: 'registry.example.com',
});

async function render(path) {
  const res = await ui.request(path);
  const html = await res.text();
  return { status: res.status, bytes: html.length };
}

const pages = [
  ['repository list (/), by name', '/'],
  ['repository list (/), last updated first', '/?sort=updated&order=desc'],
  ['repository list (/), search "repo-09"', '/?search=repo-09'],
  [`group page (/namespaces/${GROUP}), by name`, `/namespaces/${GROUP}`],
  [`group page (/namespaces/${GROUP}), last updated first`, `/namespaces/${GROUP}?sort=updated&order=desc`],
  [`tags page (${TAGS} tags), by name`, `/repositories/${TAGGED}`],
  [`tags page (${TAGS} tags), last updated first`, `/repositories/${TAGGED}?sort=updated&order=desc`],
];

console.log(`\nrender times (ms), ${RENDERS} warm renders each after ${WARMUP} warm-up ones; target p95 < 100 ms`);
const rows = [];
for (const [label, path] of pages) {
  t0 = nowMs();
  const first = await render(path);
  const cold = nowMs() - t0;
  if (first.status !== 200) {
    rows.push({ label, note: `not available: ${path} answers ${first.status}` });
    continue;
  }
  for (let i = 0; i < WARMUP; i++) await render(path);
  const times = [];
  for (let i = 0; i < RENDERS; i++) {
    t0 = nowMs();
    await render(path);
    times.push(nowMs() - t0);
  }
  const p95 = percentile(times, 95);
  rows.push({ label, cold, p50: percentile(times, 50), p95, p99: percentile(times, 99), kb: first.bytes / 1024, ok: p95 < 100 });
}

const width = Math.max(...rows.map((r) => r.label.length));
for (const r of rows) {
  if (r.note) {
    console.log(`  ${r.label.padEnd(width)}  ${r.note}`);
    continue;
  }
  console.log(
    `  ${r.label.padEnd(width)}  cold ${fmt(r.cold).padStart(7)}  p50 ${fmt(r.p50).padStart(6)}  p95 ${fmt(r.p95).padStart(6)}  p99 ${fmt(r.p99).padStart(6)}  ${fmt(r.kb)} KiB  p95 < 100 ms: ${r.ok ? 'yes' : 'NO'}`,
  );
}
console.log(`\nnode ${process.version}, ${values.storage} storage`);
if (root) rmSync(root, { recursive: true, force: true });
