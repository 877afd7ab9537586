/**
 * Crash safety of the standalone server on the filesystem: kill -9 it while many pushes are
 * in flight, restart it on the same data, and check that every blob and manifest is either
 * absent or complete and correct — never partial — and that a chunked upload resumes after
 * the restart.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, killHard, startServer, type ServerProcess } from './server-process.js';

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

let dataDir = '';
let port = 0;
let server: ServerProcess | null = null;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wharf-crash-'));
  port = await freePort();
});

afterAll(async () => {
  if (server) await killHard(server);
  await rm(dataDir, { recursive: true, force: true });
});

/** A body that trickles out in chunks, so the kill lands mid-stream. */
function slowBody(content: Uint8Array, chunk = 64 * 1024, delayMs = 5): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    async pull(controller) {
      if (at >= content.byteLength) return controller.close();
      await new Promise((r) => setTimeout(r, delayMs));
      controller.enqueue(content.subarray(at, at + chunk));
      at += chunk;
    },
  });
}

async function pushBlob(url: string, repo: string, content: Uint8Array): Promise<void> {
  const start = await fetch(`${url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  const location = start.headers.get('location') ?? '';
  await fetch(`${url}${location}?digest=${sha256(content)}`, {
    method: 'PUT',
    body: slowBody(content),
    headers: { 'Content-Type': 'application/octet-stream' },
    duplex: 'half',
  } as RequestInit);
}

async function pushManifest(url: string, repo: string, tag: string, layer: Uint8Array, config: Uint8Array): Promise<string> {
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.byteLength },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.byteLength }],
    annotations: { tag },
  });
  await fetch(`${url}/v2/${repo}/manifests/${tag}`, { method: 'PUT', body, headers: { 'Content-Type': OCI_MANIFEST } });
  return sha256(new TextEncoder().encode(body));
}

/** Every file in the blob store is named by its own digest. */
async function checkBlobStore(): Promise<number> {
  const root = join(dataDir, 'wharf', 'v1', 'blobs', 'sha256');
  let count = 0;
  for (const prefix of await readdir(root).catch(() => [] as string[])) {
    for (const hex of await readdir(join(root, prefix))) {
      if (hex.includes('#')) continue; // a temp file a crash left behind: never visible
      const content = await readFile(join(root, prefix, hex));
      expect(sha256(content), `blob ${hex}`).toBe(`sha256:${hex}`);
      count++;
    }
  }
  return count;
}

describe('crash safety', () => {
  it('should leave every blob and tag absent or complete after kill -9 during pushes', async () => {
    const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux"}');
    const attempted: Array<{ repo: string; content: Uint8Array }> = [];
    const tags: Array<{ repo: string; tag: string; digest: string }> = [];
    let finished = 0;
    for (let round = 0; round < 3; round++) {
      server = await startServer(dataDir, port);
      const url = server.url;
      // The config goes in first, so manifests can be pushed as soon as their layer lands.
      for (let i = 0; i < 8; i++) {
        await fetch(`${url}/v2/crash/r${i}/blobs/uploads/?digest=${sha256(config)}`, { method: 'POST', body: config });
      }
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 8; i++) {
        const repo = `crash/r${i}`;
        // 0.5 to 4 MiB trickling at ~12 MiB/s: the kill lands before some finish and after others.
        const content = new Uint8Array(randomBytes((1 + (i % 8)) * 512 * 1024 + round));
        attempted.push({ repo, content });
        work.push(
          (async () => {
            await pushBlob(url, repo, content);
            const tag = `round${round}`;
            tags.push({ repo, tag, digest: await pushManifest(url, repo, tag, content, config) });
            finished++;
          })().catch(() => {}),
        );
      }
      await new Promise((r) => setTimeout(r, 250));
      await killHard(server);
      await Promise.allSettled(work);
    }

    server = await startServer(dataDir, port);
    let complete = 0;
    for (const { repo, content } of attempted) {
      const r = await fetch(`${server.url}/v2/${repo}/blobs/${sha256(content)}`);
      if (r.status === 404) continue;
      expect(r.status).toBe(200);
      const got = new Uint8Array(await r.arrayBuffer());
      expect(got.byteLength).toBe(content.byteLength);
      expect(sha256(got)).toBe(sha256(content));
      complete++;
    }
    for (const { repo, tag } of tags) {
      const r = await fetch(`${server.url}/v2/${repo}/manifests/${tag}`, { headers: { Accept: OCI_MANIFEST } });
      if (r.status === 404) continue;
      expect(r.status).toBe(200);
      const body = new Uint8Array(await r.arrayBuffer());
      expect(sha256(body)).toBe(r.headers.get('docker-content-digest'));
    }
    // The config blob at least, plus every layer that finished before a kill.
    expect(await checkBlobStore()).toBeGreaterThanOrEqual(1 + complete);
    expect(complete).toBeGreaterThanOrEqual(finished);
    // The kills must have cut some pushes short, or this test proved nothing.
    expect(complete).toBeLessThan(attempted.length);
    await killHard(server);
    server = null;
  });

  it('should resume a chunked upload after a restart', async () => {
    server = await startServer(dataDir, port);
    const content = new Uint8Array(randomBytes(3 * 1024 * 1024 + 17));
    const half = 2 * 1024 * 1024;
    const start = await fetch(`${server.url}/v2/resume/me/blobs/uploads/`, { method: 'POST' });
    const location = start.headers.get('location') ?? '';
    const first = await fetch(`${server.url}${location}`, {
      method: 'PATCH',
      body: content.subarray(0, half),
      headers: { 'Content-Range': `0-${half - 1}`, 'Content-Type': 'application/octet-stream' },
    });
    expect(first.status).toBe(202);
    await killHard(server);

    server = await startServer(dataDir, port);
    const status = await fetch(`${server.url}${location}`);
    expect([status.status, status.headers.get('range')]).toEqual([204, `0-${half - 1}`]);
    const rest = await fetch(`${server.url}${location}?digest=${sha256(content)}`, {
      method: 'PUT',
      body: content.subarray(half),
      headers: { 'Content-Range': `${half}-${content.byteLength - 1}`, 'Content-Type': 'application/octet-stream' },
    });
    expect(rest.status).toBe(201);
    const back = new Uint8Array(await (await fetch(`${server.url}/v2/resume/me/blobs/${sha256(content)}`)).arrayBuffer());
    expect(sha256(back)).toBe(sha256(content));
    await killHard(server);
    server = null;
  });
});
