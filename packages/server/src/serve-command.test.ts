import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeRegistryServer } from '@wharf/adapter-node';
import type { CommandIo } from './command-io.js';
import type { RunningServer } from './runtime.js';
import { runServeCommand, startRegistryServer } from './serve-command.js';

function captureIo(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}

describe('wharf serve', () => {
  let dataDir: string;
  let server: RunningServer | undefined;
  beforeEach(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'wharf-serve-')), 'data');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('should serve a registry over a new data directory, logging each request', async () => {
    const io = captureIo();
    server = await startRegistryServer({ port: 0, host: '127.0.0.1', dataDir, auth: 'none', warnings: [] }, io);
    const res = await fetch(`${server.url}/v2/`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect(io.stdout.join('')).toMatch(/"GET \/v2\/ HTTP\/1\.1" 200 /);
  });

  it('should apply the configured server limits', async () => {
    server = await startRegistryServer({ port: 0, host: '127.0.0.1', dataDir, auth: 'none', warnings: [], serverLimits: { keepAliveTimeoutMs: 1_234, maxConnections: 77 } }, captureIo());
    // vitest runs on Node, so the server is adapter-node's
    expect((server as NodeRegistryServer).server).toMatchObject({ keepAliveTimeout: 1_234, maxConnections: 77 });
  });

  it('should start with token auth, print a generated admin password once, and let admin log in', async () => {
    const io = captureIo();
    server = await startRegistryServer({ port: 0, host: '127.0.0.1', dataDir, auth: 'token', warnings: [] }, io);
    const challenge = await fetch(`${server.url}/v2/`);
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toBe(`Bearer realm="${server.url}/auth/token",service="wharf-registry"`);
    const notice = io.stderr.join('').match(/created user "admin" with password (\S+) \(shown once/);
    expect(notice?.[1]).toMatch(/^\S{20,}$/);
    const basic = `Basic ${Buffer.from(`admin:${notice?.[1]}`).toString('base64')}`;
    const token = await fetch(`${server.url}/auth/token?service=wharf-registry&scope=registry:catalog:*`, { headers: { Authorization: basic } });
    expect(token.status).toBe(200);
    const { token: bearer } = (await token.json()) as { token: string };
    expect((await fetch(`${server.url}/v2/_catalog`, { headers: { Authorization: `Bearer ${bearer}` } })).status).toBe(200);

    await server.close();
    const again = captureIo();
    server = await startRegistryServer({ port: 0, host: '127.0.0.1', dataDir, auth: 'token', warnings: [] }, again);
    expect(again.stderr.join('')).not.toMatch(/password/);
  });

  it('should push a blob with a streamed PUT and serve it back', async () => {
    server = await startRegistryServer({ port: 0, host: '127.0.0.1', dataDir, auth: 'none', warnings: [] }, captureIo());
    const blob = randomBytes(3 * 1024 * 1024 + 17);
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
    const start = await fetch(`${server.url}/v2/team/app/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    const location = new URL(start.headers.get('location') ?? '', server.url);
    location.searchParams.set('digest', digest);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < blob.length; i += 65536) controller.enqueue(blob.subarray(i, i + 65536));
        controller.close();
      },
    });
    const put = await fetch(location, { method: 'PUT', body, duplex: 'half' } as RequestInit);
    expect(put.status).toBe(201);
    const get = await fetch(`${server.url}/v2/team/app/blobs/${digest}`);
    expect(get.status).toBe(200);
    expect(Buffer.from(await get.arrayBuffer()).equals(blob)).toBe(true);
  });

  it('should exit 2 with a message on an unknown auth mode', async () => {
    const io = captureIo();
    expect(await runServeCommand(['--auth', 'basic'], io)).toBe(2);
    expect(io.stderr.join('')).toMatch(/^wharf serve: --auth: unknown auth mode "basic"/);
  });

  it('should print help and exit 0', async () => {
    const io = captureIo();
    expect(await runServeCommand(['--help'], io)).toBe(0);
    expect(io.stdout.join('')).toMatch(/^Usage: wharf serve/);
  });
});
