import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebhookSink, DEFAULT_WEBHOOK_ACTIONS, type EnvelopeEvent } from '@wharf/core';
import { FsStorage } from '@wharf/storage-fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServeConfig } from './config.js';
import type { CommandIo } from './command-io.js';
import type { RunningServer } from './runtime.js';
import { startRegistryServer } from './serve-command.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A webhook endpoint: records what it accepts; while `down`, it drops every connection. */
class Endpoint {
  down = false;
  readonly accepted: EnvelopeEvent[] = [];
  readonly headers: IncomingHttpHeaders[] = [];
  attempts = 0;
  readonly #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.attempts++;
      if (this.down) return void req.socket.destroy();
      this.headers.push(req.headers);
      this.accepted.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: EnvelopeEvent[] }).events);
      res.writeHead(200).end();
    });
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

const quietIo = (): CommandIo & { stderr: string[] } => {
  const stderr: string[] = [];
  return { stderr, out: () => {}, err: (t) => void stderr.push(t) };
};

/** Poll until `condition` holds (generous: a guard against hangs, not a speed check). */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

const sha256 = (b: Uint8Array | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function pushImage(base: string, name: string, tag: string): Promise<string> {
  const config = new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', tag }));
  const layer = new TextEncoder().encode(`layer of ${tag}`);
  for (const blob of [config, layer]) {
    const res = await fetch(`${base}/v2/${name}/blobs/uploads/?digest=${sha256(blob)}`, { method: 'POST', body: blob });
    expect(res.status).toBe(201);
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.byteLength },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.byteLength }],
  });
  const res = await fetch(`${base}/v2/${name}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
  });
  expect(res.status).toBe(201);
  return sha256(manifest);
}

describe('wharf serve with WHARF_WEBHOOK_URL', () => {
  let dataDir: string;
  let endpoint: Endpoint;
  const servers: RunningServer[] = [];
  beforeEach(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'wharf-webhook-')), 'data');
    endpoint = new Endpoint();
    await endpoint.start();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await endpoint.close();
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  const config = (): ServeConfig => ({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    auth: 'none',
    warnings: [],
    webhook: { url: endpoint.url, token: 'hook-t0ken', actions: DEFAULT_WEBHOOK_ACTIONS },
  });
  const start = async (io = quietIo()) => {
    const server = await startRegistryServer(config(), io);
    servers.push(server);
    return server;
  };
  const queued = async () => (await readdir(join(dataDir, 'wharf/v1/_events/webhook/queue')).catch(() => [])).length;

  it('should POST push events with the bearer token, and say where at startup', async () => {
    const io = quietIo();
    const server = await start(io);
    expect(io.stderr.join('')).toContain(`wharf: webhook: posting push, delete, mount, rename, cleanup, gc events to ${endpoint.url}\n`);
    const digest = await pushImage(server.url, 'team/app', 'v1');

    await until(() => endpoint.accepted.some((e) => e.target.tag === 'v1'));
    expect(endpoint.accepted.map((e) => e.action)).toEqual(['push', 'push', 'push']);
    expect(endpoint.accepted[2]).toMatchObject({ target: { repository: 'team/app', tag: 'v1', digest } });
    expect(endpoint.headers[0]).toMatchObject({
      authorization: 'Bearer hook-t0ken',
      'content-type': 'application/vnd.docker.distribution.events.v1+json',
    });
  });

  it('should keep the events of a push on disk while the endpoint is down, and deliver them once after a restart', async () => {
    endpoint.down = true;
    const first = await start();
    const digest = await pushImage(first.url, 'team/app', 'v1');
    await until(() => endpoint.attempts > 0);
    await first.close();
    expect(await queued()).toBe(3);

    endpoint.down = false;
    await start();
    await until(() => endpoint.accepted.length >= 3);
    await until(async () => (await queued()) === 0);
    expect(endpoint.accepted.map((e) => [e.action, e.target.mediaType])).toEqual([
      ['push', 'application/octet-stream'],
      ['push', 'application/octet-stream'],
      ['push', 'application/vnd.oci.image.manifest.v1+json'],
    ]);
    expect(endpoint.accepted[2]?.target.digest).toBe(digest);
    expect(new Set(endpoint.accepted.map((e) => e.id)).size).toBe(3);
  });

  it('should let two processes share one queue on disk without sending an event twice', async () => {
    // Two sinks over two FsStorage instances on one directory: what two servers would do.
    const sinks = [0, 1].map(() =>
      createWebhookSink({ url: endpoint.url, storage: new FsStorage({ root: dataDir }), batchSize: 3, backoff: { baseMs: 5, maxMs: 20 } }),
    );
    const tags = Array.from({ length: 60 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const [a, b] = sinks;
    try {
      for (const [i, tag] of tags.entries()) {
        await sinks[i % 2]?.hooks.onDelete?.({ kind: 'tag', repository: 'team/app', tag, timestamp: new Date() });
      }
      a?.start();
      b?.start();
      await until(() => endpoint.accepted.length >= tags.length);
      await until(async () => (await a?.pending()) === 0);
    } finally {
      await Promise.all(sinks.map((s) => s.stop()));
    }
    expect(endpoint.accepted.map((e) => e.target.tag).sort()).toEqual(tags);
    expect(new Set(endpoint.accepted.map((e) => e.id)).size).toBe(tags.length);
  });
});
