#!/usr/bin/env node
/**
 * Scale benchmark on the filesystem: a registry with 10,000 repositories and 100,000 tags
 * (and 100,000+ blobs), then the management API's pages and garbage collection over it.
 *
 *   node bench/scale.mjs [--repos N] [--tags-per-repo N] [--requests N] [--keep]   (npm run bench:scale)
 *
 * The store is generated straight into Wharf's storage layout v1 (see
 * packages/core/src/storage/paths.ts) with plain file writes — pushing 100,000 tags through
 * HTTP would measure the push path, not listing. Each repository gets `tags-per-repo` tags over
 * two manifests; each manifest references one config and four layers, distinct per manifest;
 * 10 % extra blobs are unreferenced garbage, old enough for GC to collect.
 *
 * Then a server (createRegistry + FsStorage + serve, in this process) answers:
 * - repository list pages (`GET /api/registry/repositories?per_page=20`, by name, by update
 *   time, with `search`), first page cold (index build) and then `--requests` warm ones,
 *   p50/p95/p99;
 * - tag pages (`GET /api/registry/repositories/<name>/tags?per_page=20`) of random repositories;
 * - garbage collection over all blobs, when @wharf/core exports it (time, counts).
 *
 * Prints figures; it is not a test.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Hono } from 'hono';
import * as core from '../packages/core/dist/index.js';
import { FsStorage } from '../packages/storage-fs/dist/index.js';
import { serve } from '../packages/adapter-node/dist/index.js';
import { fmt, nowMs, percentile } from './stats.mjs';

const { values } = parseArgs({
  options: {
    repos: { type: 'string', default: '10000' },
    'tags-per-repo': { type: 'string', default: '10' },
    requests: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
  },
});
const REPOS = Number(values.repos);
const TAGS = Number(values['tags-per-repo']);
const REQUESTS = Number(values.requests);
const OCI = 'application/vnd.oci.image.manifest.v1+json';

const root = mkdtempSync(join(tmpdir(), 'wharf-scale-'));
const v1 = join(root, 'wharf', 'v1');
const made = new Set();
const ensureDir = (dir) => {
  if (made.has(dir)) return;
  mkdirSync(dir, { recursive: true });
  made.add(dir);
};
const write = (file, content) => {
  ensureDir(file.slice(0, file.lastIndexOf('/')));
  writeFileSync(file, content);
};
const hex = (b) => createHash('sha256').update(b).digest('hex');
const old = new Date(Date.now() - 7 * 86_400_000);

function blob(bytes) {
  const h = hex(bytes);
  write(join(v1, 'blobs', 'sha256', h.slice(0, 2), h), bytes);
  utimesSync(join(v1, 'blobs', 'sha256', h.slice(0, 2), h), old, old);
  return { digest: `sha256:${h}`, size: bytes.length };
}

console.log(`generating ${REPOS} repositories × ${TAGS} tags in ${root} …`);
let t0 = nowMs();
let blobCount = 0;
let tagCount = 0;
const base = Date.parse('2026-01-01T00:00:00Z');
for (let r = 0; r < REPOS; r++) {
  const name = `scale/g${String(r % 100).padStart(2, '0')}/repo-${String(r).padStart(5, '0')}`;
  const repo = join(v1, 'repositories', ...name.split('/'));
  for (let m = 0; m < 2; m++) {
    const config = blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', r, m })));
    const layers = Array.from({ length: 4 }, () => blob(randomBytes(64)));
    blobCount += 5;
    for (const b of [config, ...layers]) write(join(repo, '_layers', 'sha256', b.digest.slice(7)), b.digest);
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l })),
      }),
    );
    const digest = `sha256:${hex(body)}`;
    const pushedAt = new Date(base + r * 60_000 + m * 1000).toISOString();
    const link = { digest, mediaType: OCI, size: body.length };
    write(join(repo, '_manifests', 'revisions', 'sha256', digest.slice(7)), Buffer.concat([Buffer.from(`${JSON.stringify({ ...link, pushedAt })}\n`), body]));
    for (let t = m; t < TAGS; t += 2) {
      const at = new Date(base + r * 60_000 + t * 1000).toISOString();
      write(join(repo, '_manifests', 'tags', `v${t}`), JSON.stringify({ ...link, createdAt: at, updatedAt: at }));
      tagCount++;
    }
  }
}
const garbage = Math.ceil(blobCount / 10);
for (let i = 0; i < garbage; i++) blob(randomBytes(48));
console.log(`generated ${tagCount} tags, ${blobCount} referenced + ${garbage} unreferenced blobs in ${fmt((nowMs() - t0) / 1000)} s`);

const registry = core.createRegistry({ storage: new FsStorage({ root, fsync: false }) });
const app = new Hono();
app.route('/api/registry', registry.managementRoutes());
app.route('/', registry.app);
const server = await serve(app, { port: 0 });

async function get(path) {
  const res = await fetch(`${server.url}${path}`);
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}
async function timed(label, makePath, onBody = () => {}) {
  const cold0 = nowMs();
  onBody(await get(makePath(0)));
  const cold = nowMs() - cold0;
  const times = [];
  for (let i = 1; i <= REQUESTS; i++) {
    const s = nowMs();
    const body = await get(makePath(i));
    times.push(nowMs() - s);
    onBody(body);
  }
  console.log(`${label.padEnd(52)}${fmt(cold).padStart(9)}${fmt(percentile(times, 50)).padStart(8)}${fmt(percentile(times, 95)).padStart(8)}${fmt(percentile(times, 99)).padStart(8)}`);
  return { cold, p95: percentile(times, 95) };
}

try {
  console.log(`\n${'request (ms)'.padEnd(52)}${'cold'.padStart(9)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'p99'.padStart(8)}`);
  // Walk the name-ordered list page by page with its cursors, starting over at the end.
  let cursor = null;
  await timed('repositories by name, next page (cursor)', () => `/api/registry/repositories?per_page=20${cursor ? `&cursor=${cursor}` : ''}`, (body) => {
    cursor = body.next;
  });
  await timed('repositories by name, random prefix group', (i) => `/api/registry/repositories?per_page=20&prefix=scale/g${String(i % 100).padStart(2, '0')}`);
  await timed('repositories search (substring), by name', (i) => `/api/registry/repositories?per_page=20&search=repo-0${String(i % 1000).padStart(3, '0')}`);
  await timed('repositories by update time, newest first', () => '/api/registry/repositories?per_page=20&sort=updated&order=desc');
  await timed('tags of a random repository, by name', (i) => {
    const r = (i * 7919) % REPOS;
    return `/api/registry/repositories/${encodeURIComponent(`scale/g${String(r % 100).padStart(2, '0')}/repo-${String(r).padStart(5, '0')}`)}/tags?per_page=20`;
  });
  await timed('tags of a random repository, newest first', (i) => {
    const r = (i * 104729) % REPOS;
    return `/api/registry/repositories/${encodeURIComponent(`scale/g${String(r % 100).padStart(2, '0')}/repo-${String(r).padStart(5, '0')}`)}/tags?per_page=20&sort=created&order=desc`;
  });

  const gc = core.runGarbageCollection ?? core.collectGarbage;
  if (typeof gc === 'function') {
    t0 = nowMs();
    const report = await gc(registry.api.options.storage, { grace: 0, graceMs: 0, settleMs: 0 });
    console.log(`\ngarbage collection over ${blobCount + garbage} blobs: ${fmt((nowMs() - t0) / 1000)} s`);
    console.log(JSON.stringify(report, null, 1).slice(0, 1500));
  } else {
    console.log('\ngarbage collection: not exported by @wharf/core in this build');
  }
} finally {
  await server.close();
  if (!values.keep) rmSync(root, { recursive: true, force: true });
  else console.log(`kept ${root}`);
}
