#!/usr/bin/env node
/**
 * `npm run bench:s3`: the registry on S3 against the registry on the filesystem, in one process.
 *
 * For each storage it serves a registry (`createRegistry` + `serve`, no auth) on a free port and
 * measures, through HTTP with keep-alive:
 *   - push: POST, one streamed PATCH with the whole blob, PUT ?digest= (what docker does), MB/s;
 *   - pull: GET of the blob, hashed and checked, MB/s (best of --runs);
 *   - manifests: --manifests PUTs of distinct tags (default 200), then 5× as many GETs by tag,
 *     16 in flight, ops/s;
 * and, on S3, the S3 requests (by operation, retries included) that one blob GET, blob HEAD,
 * manifest GET (by tag and by digest), and the push itself cost.
 *
 * S3 endpoint: WHARF_S3_ENDPOINT / AWS_ENDPOINT_URL_S3 with AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, else the env file of a running `.ci/s3.sh` (/tmp/wharf-s3/env).
 * Options: --size MiB (default 256), --runs N (default 3), --redirects (S3: presigned redirects),
 * --part-size MiB and --concurrency N (the S3 writer's partSize and uploadConcurrency).
 * Needs a build (`npm run build`). MB is 10^6 bytes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { createRegistry } = await import('../packages/core/dist/index.js');
const { FsStorage } = await import('../packages/storage-fs/dist/index.js');
const { S3Storage, countRequests } = await import('../packages/storage-s3/dist/index.js');
const { serve } = await import('../packages/adapter-node/dist/index.js');

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '256' },
    runs: { type: 'string', default: '3' },
    redirects: { type: 'boolean' },
    'part-size': { type: 'string' },
    concurrency: { type: 'string' },
    manifests: { type: 'string', default: '200' },
  },
});
const MANIFESTS = Number(values.manifests);
const IN_FLIGHT = 16;
const SIZE = Number(values.size) * 1024 * 1024;
const RUNS = Number(values.runs);

function s3Env() {
  const endpoint = process.env.WHARF_S3_ENDPOINT || process.env.AWS_ENDPOINT_URL_S3;
  if (endpoint && process.env.AWS_ACCESS_KEY_ID) return { endpoint, key: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY ?? '' };
  const file = join(process.env.S3_DIR ?? '/tmp/wharf-s3', 'env');
  if (!existsSync(file)) throw new Error('no S3 endpoint: start one with `bash .ci/s3.sh start` or set WHARF_S3_ENDPOINT and AWS_* keys');
  const vars = Object.fromEntries([...readFileSync(file, 'utf8').matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  return { endpoint: vars.WHARF_S3_ENDPOINT, key: vars.AWS_ACCESS_KEY_ID, secret: vars.AWS_SECRET_ACCESS_KEY };
}

const mb = (bytes, ms) => (bytes / 1e6 / (ms / 1000)).toFixed(0);
const payload = new Uint8Array(SIZE);
for (let i = 0, x = 2463534242; i < SIZE; i += 4) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  payload[i] = x & 0xff;
  payload[i + 1] = (x >>> 8) & 0xff;
  payload[i + 2] = (x >>> 16) & 0xff;
  payload[i + 3] = (x >>> 24) & 0xff;
}
const digest = `sha256:${createHash('sha256').update(payload).digest('hex')}`;

async function push(base, name) {
  const start = await fetch(`${base}/v2/${name}/blobs/uploads/`, { method: 'POST' });
  const location = new URL(start.headers.get('location'), base);
  const patch = await fetch(location, { method: 'PATCH', body: payload, headers: { 'content-type': 'application/octet-stream' } });
  if (patch.status !== 202) throw new Error(`PATCH ${patch.status} ${await patch.text()}`);
  const next = new URL(patch.headers.get('location'), base);
  next.searchParams.set('digest', digest);
  const put = await fetch(next, { method: 'PUT' });
  if (put.status !== 201) throw new Error(`PUT ${put.status} ${await put.text()}`);
}

async function pull(base, name) {
  const res = await fetch(`${base}/v2/${name}/blobs/${digest}`, { redirect: 'follow' });
  if (res.status !== 200) throw new Error(`GET ${res.status}`);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of res.body) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  if (`sha256:${hash.digest('hex')}` !== digest || bytes !== SIZE) throw new Error('pulled the wrong bytes');
}

async function pushManifest(base, name) {
  const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux"}');
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const up = await fetch(`${base}/v2/${name}/blobs/uploads/?digest=${configDigest}`, { method: 'POST', body: config, headers: { 'content-type': 'application/octet-stream' } });
  if (up.status !== 201) throw new Error(`config ${up.status}`);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size: SIZE }],
  });
  const put = await fetch(`${base}/v2/${name}/manifests/v1`, { method: 'PUT', body: manifest, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
  if (put.status !== 201) throw new Error(`manifest ${put.status} ${await put.text()}`);
  return put.headers.get('docker-content-digest');
}

/** Run `count` requests, `IN_FLIGHT` at a time; returns ops/s. */
async function rate(count, one) {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) await one(next++);
    }),
  );
  return count / ((performance.now() - t) / 1000);
}

/** Manifest PUTs of distinct tags, then GETs by tag, of small images in one repository. */
async function manifestRates(base) {
  const name = 'bench/manifests';
  const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux","manifests":true}');
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const up = await fetch(`${base}/v2/${name}/blobs/uploads/?digest=${configDigest}`, { method: 'POST', body: config, headers: { 'content-type': 'application/octet-stream' } });
  if (up.status !== 201) throw new Error(`config ${up.status}`);
  const type = 'application/vnd.oci.image.manifest.v1+json';
  const body = (i) =>
    JSON.stringify({ schemaVersion: 2, mediaType: type, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [], annotations: { n: String(i) } });
  const put = await rate(MANIFESTS, async (i) => {
    const res = await fetch(`${base}/v2/${name}/manifests/t${i}`, { method: 'PUT', body: body(i), headers: { 'content-type': type } });
    if (res.status !== 201) throw new Error(`manifest PUT ${res.status} ${await res.text()}`);
  });
  const get = await rate(MANIFESTS * 5, async (i) => {
    const res = await fetch(`${base}/v2/${name}/manifests/t${i % MANIFESTS}`, { headers: { accept: type } });
    if (res.status !== 200) throw new Error(`manifest GET ${res.status}`);
    await res.arrayBuffer();
  });
  return { put, get };
}

async function measure(label, storage, counter) {
  const registry = createRegistry({ storage, redirects: Boolean(values.redirects) });
  const server = await serve(registry.app, { port: 0, logger: false });
  const base = server.url;
  const result = { label, push: [], pull: [] };
  try {
    for (let run = 0; run < RUNS; run++) {
      const name = `bench/r${run}`;
      counter?.reset();
      let t = performance.now();
      await push(base, name);
      result.push.push(performance.now() - t);
      if (run === 0 && counter) result.pushRequests = { ...counter.byOperation };
      t = performance.now();
      await pull(base, name);
      result.pull.push(performance.now() - t);
    }
    result.manifests = await manifestRates(base);
    if (counter) {
      const manifestDigest = await pushManifest(base, 'bench/r0');
      const cost = async (what, run) => {
        counter.reset();
        const res = await run();
        await res.arrayBuffer();
        return [what, counter.total, { ...counter.byOperation }, res.status];
      };
      const accept = { accept: 'application/vnd.oci.image.manifest.v1+json' };
      result.costs = [
        await cost('blob GET', () => fetch(`${base}/v2/bench/r0/blobs/${digest}`, { redirect: 'manual' })),
        await cost('blob HEAD', () => fetch(`${base}/v2/bench/r0/blobs/${digest}`, { method: 'HEAD', redirect: 'manual' })),
        await cost('blob GET, Range', () => fetch(`${base}/v2/bench/r0/blobs/${digest}`, { headers: { range: 'bytes=0-99' }, redirect: 'manual' })),
        await cost('manifest GET by tag', () => fetch(`${base}/v2/bench/r0/manifests/v1`, { headers: accept })),
        await cost('manifest GET by digest', () => fetch(`${base}/v2/bench/r0/manifests/${manifestDigest}`, { headers: accept })),
        await cost('manifest HEAD by tag', () => fetch(`${base}/v2/bench/r0/manifests/v1`, { method: 'HEAD', headers: accept })),
      ];
    }
  } finally {
    await server.close();
  }
  return result;
}

const env = s3Env();
const s3 = new S3Storage({
  bucket: 'wharf-bench',
  prefix: `run-${randomUUID().slice(0, 8)}`,
  endpoint: env.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: env.key, secretAccessKey: env.secret },
  ...(values.redirects ? { redirect: true } : {}),
  ...(values['part-size'] ? { partSize: Number(values['part-size']) * 1024 * 1024 } : {}),
  ...(values.concurrency ? { uploadConcurrency: Number(values.concurrency) } : {}),
});
await s3.ensureBucket();
const dir = await mkdtemp(join(tmpdir(), 'wharf-bench-fs-'));
const results = [];
try {
  results.push(await measure('filesystem', new FsStorage({ root: dir })));
  results.push(await measure(`s3 (${env.endpoint})`, s3, countRequests(s3.client)));
} finally {
  await rm(dir, { recursive: true, force: true });
  for (const top of await s3.list('/')) await s3.delete(top);
  s3.destroy();
}

console.log(`blob of ${SIZE / 1024 / 1024} MiB, best of ${RUNS} runs (MB/s, 10^6 bytes)`);
console.log(`manifest PUT ×${MANIFESTS} (distinct tags) and GET ×${MANIFESTS * 5} by tag, ${IN_FLIGHT} in flight (ops/s)`);
console.log('storage'.padEnd(40), 'push'.padStart(8), 'pull'.padStart(8), 'man PUT'.padStart(8), 'man GET'.padStart(8));
for (const r of results) {
  const ops = (n) => n.toFixed(0).padStart(8);
  console.log(r.label.padEnd(40), mb(SIZE, Math.min(...r.push)).padStart(8), mb(SIZE, Math.min(...r.pull)).padStart(8), ops(r.manifests.put), ops(r.manifests.get));
}
const s3r = results[1];
console.log(`\nS3 requests for one push (POST, PATCH, PUT): ${JSON.stringify(s3r.pushRequests)}`);
console.log('S3 requests per registry request:');
for (const [what, total, ops, status] of s3r.costs) console.log(`  ${what.padEnd(24)} ${String(total).padStart(2)}  ${JSON.stringify(ops)} (HTTP ${status})`);
