/**
 * The benchmark workloads. Each one takes a running target (`{ baseUrl }`), the payload set
 * and the size profile, and returns raw figures; the caller wraps each in a peak-RSS window.
 *
 * All uploads use the OCI distribution API as a client like docker or oras would:
 *  - monolithic: POST /v2/<name>/blobs/uploads/, then one PUT <location>?digest=... with the
 *    whole body streamed;
 *  - chunked: POST, PATCH × n with Content-Range "<start>-<end>", PUT <location>?digest=...
 *    with an empty body.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { keepAliveAgent, rawGet, resolveLocation, send, withDigest } from './http.mjs';
import { latencySummary, mbPerSec, median, MiB, nowMs, opsPerSec } from './stats.mjs';

const OCTET = 'application/octet-stream';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const STREAM_HWM = 4 * MiB;

/** The sizes of a full run, and of a `--quick` smoke run. */
export const PROFILES = {
  full: {
    bigSize: 256 * MiB,
    chunkSize: 16 * MiB,
    pullRepeats: 5,
    manifestCount: 200,
    manifestConcurrency: 16,
    manifestLongGets: 2000,
    smallClients: 8,
    smallPerClient: 64,
    smallSize: 1 * MiB,
    memBigSize: 1024 * MiB,
    memClients: 16,
    memClientSize: 64 * MiB,
  },
  quick: {
    bigSize: 32 * MiB,
    chunkSize: 4 * MiB,
    pullRepeats: 3,
    manifestCount: 100,
    manifestConcurrency: 16,
    manifestLongGets: 500,
    smallClients: 8,
    smallPerClient: 8,
    smallSize: 1 * MiB,
    memBigSize: 128 * MiB,
    memClients: 16,
    memClientSize: 8 * MiB,
  },
};

/** The payload files a profile needs: name → { size, seed, sliceSizes }. */
export function payloadSpecs(p) {
  if (p.smallClients * p.smallPerClient * p.smallSize > 2 * p.bigSize) {
    throw new Error('small blobs are taken from slices of the two big payloads: profile too large');
  }
  if (p.memClients * p.memClientSize > p.memBigSize) throw new Error('memory clients exceed the memory payload');
  return {
    a: { size: p.bigSize, seed: 'a', sliceSizes: [p.smallSize] },
    b: { size: p.bigSize, seed: 'b', sliceSizes: [p.smallSize] },
    mem: { size: p.memBigSize, seed: 'mem', sliceSizes: [p.memClientSize] },
  };
}

// ---------------------------------------------------------------------------------------------
// Building blocks

async function startUpload(baseUrl, repo, agent) {
  const res = await send(`${baseUrl}/v2/${repo}/blobs/uploads/`, { method: 'POST', agent, expect: 202, headers: { 'Content-Length': '0' } });
  return resolveLocation(baseUrl, res.headers.location);
}

/** POST + PUT ?digest with `body` (Buffer or a stream factory) of `size` bytes. */
export async function pushMonolithic(baseUrl, repo, digest, size, body, agent) {
  const location = await startUpload(baseUrl, repo, agent);
  const res = await send(withDigest(location, digest), {
    method: 'PUT',
    agent,
    expect: 201,
    headers: { 'Content-Type': OCTET, 'Content-Length': String(size) },
    body: typeof body === 'function' ? body() : body,
  });
  checkDigestHeader(res, digest);
}

/** POST, PATCH per chunk (streamed from the file), PUT ?digest with no body. */
export async function pushChunked(baseUrl, repo, file, agent) {
  let location = await startUpload(baseUrl, repo, agent);
  for (let start = 0; start < file.size; start += file.chunkSize) {
    const end = Math.min(file.size, start + file.chunkSize) - 1;
    const res = await send(location, {
      method: 'PATCH',
      agent,
      expect: 202,
      headers: { 'Content-Type': OCTET, 'Content-Length': String(end - start + 1), 'Content-Range': `${start}-${end}` },
      body: createReadStream(file.path, { start, end, highWaterMark: STREAM_HWM }),
    });
    location = resolveLocation(baseUrl, res.headers.location);
  }
  const res = await send(withDigest(location, file.digest), { method: 'PUT', agent, expect: 201, headers: { 'Content-Length': '0' } });
  checkDigestHeader(res, file.digest);
}

function checkDigestHeader(res, digest) {
  const got = res.headers['docker-content-digest'];
  if (got && got !== digest) throw new Error(`server answered digest ${got}, expected ${digest}`);
}

/** Runs `task(i)` for i in [0, count) with `concurrency` workers; returns per-op latencies and wall time. */
async function runPool(count, concurrency, task) {
  const latencies = new Array(count);
  let next = 0;
  const t0 = nowMs();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const s = nowMs();
      await task(i);
      latencies[i] = nowMs() - s;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { latencies, wallMs: nowMs() - t0 };
}

async function readSlice(path, start, size) {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(size);
    const { bytesRead } = await fh.read(buf, 0, size, start);
    if (bytesRead !== size) throw new Error(`short read of ${path}`);
    return buf;
  } finally {
    await fh.close();
  }
}

const streamOf = (path, start, size) => () => createReadStream(path, { start, end: start + size - 1, highWaterMark: STREAM_HWM });

// ---------------------------------------------------------------------------------------------
// Workloads

export const WORKLOADS = [
  {
    id: 'push_mono',
    group: 'push',
    title: 'Push one big blob, monolithic (POST + one streamed PUT)',
    async run({ baseUrl }, payloads) {
      const agent = keepAliveAgent(1);
      const a = payloads.a;
      const t0 = nowMs();
      await pushMonolithic(baseUrl, 'bench/big', a.digest, a.size, streamOf(a.path, 0, a.size), agent);
      const ms = nowMs() - t0;
      agent.destroy();
      return { bytes: a.size, ms, mbps: mbPerSec(a.size, ms) };
    },
  },
  {
    id: 'push_chunked',
    group: 'push',
    title: 'Push the same size in chunks (POST, PATCH × n, PUT ?digest)',
    async run({ baseUrl }, payloads, p) {
      const agent = keepAliveAgent(1);
      const b = payloads.b;
      const t0 = nowMs();
      await pushChunked(baseUrl, 'bench/big', { ...b, chunkSize: p.chunkSize }, agent);
      const ms = nowMs() - t0;
      agent.destroy();
      return { bytes: b.size, ms, mbps: mbPerSec(b.size, ms), chunks: Math.ceil(b.size / p.chunkSize), chunkSize: p.chunkSize };
    },
  },
  {
    id: 'pull',
    group: 'pull',
    title: 'Pull the big blob (GET, stream, discard; one extra pull sha256-verified)',
    /** Pushes the blob first (untimed) when push_mono did not run before. */
    async prepare({ baseUrl }, payloads) {
      const agent = keepAliveAgent(1);
      const a = payloads.a;
      const head = await send(`${baseUrl}/v2/bench/big/blobs/${a.digest}`, { method: 'HEAD', agent });
      if (head.status !== 200) await pushMonolithic(baseUrl, 'bench/big', a.digest, a.size, streamOf(a.path, 0, a.size), agent);
      agent.destroy();
    },
    async run({ baseUrl }, payloads, p) {
      const a = payloads.a;
      const url = `${baseUrl}/v2/bench/big/blobs/${a.digest}`;
      // One pull hashed on the fly to verify the content; its rate is reported apart, since an
      // in-line sha256 (~1.3 GB/s on one core) caps the client below what the servers can send.
      let t0 = nowMs();
      const verified = await rawGet(url, { hash: true });
      const verifyMs = nowMs() - t0;
      if (verified.digest !== a.digest || verified.bytes !== a.size) {
        throw new Error(`pulled ${verified.bytes} bytes with digest ${verified.digest}, expected ${a.size} bytes, ${a.digest}`);
      }
      // Timed pulls: receive and count, no hashing.
      const runs = [];
      for (let i = 0; i < p.pullRepeats; i++) {
        t0 = nowMs();
        const res = await rawGet(url);
        runs.push(mbPerSec(res.bytes, nowMs() - t0));
      }
      return { bytes: a.size, mbps: median(runs), runsMbps: runs, verifiedMbps: mbPerSec(a.size, verifyMs), verified: true };
    },
  },
  {
    id: 'manifests',
    group: 'manifests',
    title: 'Manifest PUTs then GETs by tag, 16 in flight',
    async run({ baseUrl }, payloads, p) {
      const repo = 'bench/manifests';
      const agent = keepAliveAgent(p.manifestConcurrency);
      // One config and one layer, referenced by every manifest.
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
      const layer = await readSlice(payloads.a.path, 0, 4096);
      const sha = (buf) => `sha256:${createHash('sha256').update(buf).digest('hex')}`;
      const configDesc = { mediaType: OCI_CONFIG, digest: sha(config), size: config.length };
      const layerDesc = { mediaType: OCI_LAYER, digest: sha(layer), size: layer.length };
      await pushMonolithic(baseUrl, repo, configDesc.digest, config.length, config, agent);
      await pushMonolithic(baseUrl, repo, layerDesc.digest, layer.length, layer, agent);
      const bodies = Array.from({ length: p.manifestCount }, (_, i) =>
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: OCI_MANIFEST,
            config: configDesc,
            layers: [layerDesc],
            annotations: { 'org.opencontainers.image.ref.name': `t${i}`, 'dev.wharf.bench.index': String(i) },
          }),
        ),
      );
      const put = await runPool(p.manifestCount, p.manifestConcurrency, (i) =>
        send(`${baseUrl}/v2/${repo}/manifests/t${i}`, {
          method: 'PUT',
          agent,
          expect: 201,
          headers: { 'Content-Type': OCI_MANIFEST, 'Content-Length': String(bodies[i].length) },
          body: bodies[i],
        }),
      );
      const get = async (i) => {
        const k = i % p.manifestCount;
        const res = await send(`${baseUrl}/v2/${repo}/manifests/t${k}`, { agent, expect: 200, headers: { Accept: OCI_MANIFEST } });
        if (!res.body.equals(bodies[k])) throw new Error(`GET manifests/t${k} returned a different body`);
      };
      const getShort = await runPool(p.manifestCount, p.manifestConcurrency, get);
      const getLong = await runPool(p.manifestLongGets, p.manifestConcurrency, get);
      agent.destroy();
      const phase = (r, count) => ({ count, ms: r.wallMs, opsPerSec: opsPerSec(count, r.wallMs), ...latencySummary(r.latencies) });
      return {
        concurrency: p.manifestConcurrency,
        put: phase(put, p.manifestCount),
        get: phase(getShort, p.manifestCount),
        getLong: phase(getLong, p.manifestLongGets),
      };
    },
  },
  {
    id: 'small_parallel',
    group: 'small',
    title: 'Small blobs: N clients, each pushing M blobs sequentially (POST + PUT ?digest, 1 request body each)',
    async run({ baseUrl }, payloads, p) {
      const agent = keepAliveAgent(p.smallClients);
      const sources = [];
      for (const f of [payloads.a, payloads.b]) {
        for (const [i, digest] of f.slices[p.smallSize].entries()) sources.push({ path: f.path, start: i * p.smallSize, digest });
      }
      const latencies = [];
      const t0 = nowMs();
      await Promise.all(
        Array.from({ length: p.smallClients }, async (_, c) => {
          for (let j = 0; j < p.smallPerClient; j++) {
            const src = sources[c * p.smallPerClient + j];
            const body = await readSlice(src.path, src.start, p.smallSize);
            const s = nowMs();
            await pushMonolithic(baseUrl, 'bench/small', src.digest, p.smallSize, body, agent);
            latencies.push(nowMs() - s);
          }
        }),
      );
      const ms = nowMs() - t0;
      agent.destroy();
      const bytes = p.smallClients * p.smallPerClient * p.smallSize;
      return {
        clients: p.smallClients,
        perClient: p.smallPerClient,
        blobSize: p.smallSize,
        bytes,
        ms,
        mbps: mbPerSec(bytes, ms),
        blobsPerSec: opsPerSec(latencies.length, ms),
        ...latencySummary(latencies),
      };
    },
  },
  {
    id: 'mem_big',
    group: 'memory',
    title: 'Memory: push one very big blob, monolithic',
    async run({ baseUrl }, payloads) {
      const agent = keepAliveAgent(1);
      const m = payloads.mem;
      const t0 = nowMs();
      await pushMonolithic(baseUrl, 'bench/mem', m.digest, m.size, streamOf(m.path, 0, m.size), agent);
      const ms = nowMs() - t0;
      agent.destroy();
      return { bytes: m.size, ms, mbps: mbPerSec(m.size, ms) };
    },
  },
  {
    id: 'mem_parallel',
    group: 'memory',
    title: 'Memory: N clients push one blob each, concurrently, monolithic',
    async run({ baseUrl }, payloads, p) {
      const agent = keepAliveAgent(p.memClients);
      const m = payloads.mem;
      const digests = m.slices[p.memClientSize];
      const latencies = [];
      const t0 = nowMs();
      await Promise.all(
        Array.from({ length: p.memClients }, async (_, c) => {
          const s = nowMs();
          const start = c * p.memClientSize;
          await pushMonolithic(baseUrl, 'bench/mem', digests[c], p.memClientSize, streamOf(m.path, start, p.memClientSize), agent);
          latencies.push(nowMs() - s);
        }),
      );
      const ms = nowMs() - t0;
      agent.destroy();
      const bytes = p.memClients * p.memClientSize;
      return { clients: p.memClients, blobSize: p.memClientSize, bytes, ms, mbps: mbPerSec(bytes, ms), ...latencySummary(latencies) };
    },
  },
];
