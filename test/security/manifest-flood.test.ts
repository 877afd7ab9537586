/**
 * Issue 9, finding 2: one push must not freeze the server. A manifest (or index) naming
 * 25,000 distinct blobs (or child manifests) that are not in the repository used to cost ~10 s
 * of CPU on the event loop and answer with a 7.8 MB body, while every other client waited.
 *
 * Each case pushes such a manifest to a real server while a second client keeps calling
 * `GET /v2/`, and checks: a prompt 400 MANIFEST_BLOB_UNKNOWN, a small body that lists a
 * bounded number of references and says how many more there are, and no `GET /v2/` waiting
 * long. The targets: the standalone server (FsStorage with synchronous small reads, its
 * default) and a registry on the memory driver, whose calls never leave the event loop. A last
 * case checks that the 4 MiB manifest limit holds for a body of unannounced length.
 * Bounds are generous (a busy two-core machine passes); the failure they catch is seconds.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, MEDIA_TYPES, MemoryStorage } from '@wharf/core';
import { serve, type NodeRegistryServer } from '@wharf/adapter-node';
import { createStandaloneApp } from '@wharf/server';

const MISSING = 25_000;
/** Largest acceptable error body. */
const BODY_LIMIT = 64 * 1024;
/** Longest a `GET /v2/` may take while the flood is processed (it took 9 s before the fix). */
const STALL_LIMIT_MS = 1_000;
/** Longest the flooding PUT itself may take (it took ~10 s). */
const PUT_LIMIT_MS = 5_000;

const hex = (seed: string) => createHash('sha256').update(seed).digest('hex');
const descriptor = (mediaType: string, i: number) => ({ mediaType, digest: `sha256:${hex(`flood-${mediaType}-${i}`)}`, size: 1 });

function floodManifest(): { body: string; contentType: string } {
  const layers = Array.from({ length: MISSING }, (_, i) => descriptor('application/vnd.oci.image.layer.v1.tar', i));
  const config = descriptor('application/vnd.oci.image.config.v1+json', -1);
  return { body: JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers }), contentType: MEDIA_TYPES.ociManifest };
}

function floodIndex(): { body: string; contentType: string } {
  const manifests = Array.from({ length: MISSING }, (_, i) => descriptor(MEDIA_TYPES.ociManifest, i));
  return { body: JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }), contentType: MEDIA_TYPES.ociIndex };
}

interface Probed {
  readonly status: number;
  readonly text: string;
  readonly putMs: number;
  /** Latency of every `GET /v2/` made while the PUT was in flight. */
  readonly probes: number[];
}

/** PUT `body` while another client keeps asking for `/v2/`, one request at a time. */
async function putWhileProbing(base: string, path: string, body: string, contentType: string): Promise<Probed> {
  let done = false;
  const started = performance.now();
  const put = fetch(`${base}${path}`, { method: 'PUT', body, headers: { 'Content-Type': contentType } }).then(async (res) => {
    const text = await res.text();
    done = true;
    return { status: res.status, text, putMs: performance.now() - started };
  });
  put.catch(() => {
    done = true;
  });
  const probes: number[] = [];
  while (!done) {
    const t = performance.now();
    const res = await fetch(`${base}/v2/`);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    probes.push(performance.now() - t);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { ...(await put), probes };
}

type ErrorBody = { errors: Array<{ code: string; message: string; detail?: Record<string, unknown> }> };

function expectCappedRefusal(result: Probed): void {
  expect(result.status).toBe(400);
  expect(Buffer.byteLength(result.text)).toBeLessThan(BODY_LIMIT);
  const { errors } = JSON.parse(result.text) as ErrorBody;
  expect(errors.length).toBeGreaterThan(1);
  expect(errors.length).toBeLessThanOrEqual(101);
  expect(errors.every((e) => e.code === 'MANIFEST_BLOB_UNKNOWN')).toBe(true);
  expect(errors[0]?.detail?.digest).toMatch(/^sha256:/);
  // The last entry says how many more there are beyond those listed.
  const summary = errors.at(-1);
  expect(summary?.message).toMatch(/and [\d,]+ more/);
  expect(summary?.detail?.listed).toBe(errors.length - 1);
  expect(Number(summary?.detail?.unlisted)).toBeGreaterThan(0);
  expect(result.putMs).toBeLessThan(PUT_LIMIT_MS);
  expect(Math.max(0, ...result.probes)).toBeLessThan(STALL_LIMIT_MS);
}

describe.each([
  {
    what: 'the standalone server on FsStorage with synchronous reads',
    start: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'wharf-flood-'));
      const standalone = await createStandaloneApp({ dataDir: dir, auth: 'none' });
      const server = await serve(standalone.app, { port: 0 });
      return {
        server,
        close: async () => {
          await server.close();
          await standalone.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    what: 'a registry on the memory driver',
    start: async () => {
      const server = await serve(createRegistry({ storage: new MemoryStorage() }).app, { port: 0 });
      return { server, close: () => server.close() };
    },
  },
])('a push of 25,000 missing references to $what', ({ start }) => {
  let server: NodeRegistryServer;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, close } = await start());
  });
  afterAll(async () => {
    await close?.();
  });

  it('should refuse a manifest promptly with a capped body while GET /v2/ stays responsive', async () => {
    const { body, contentType } = floodManifest();
    const result = await putWhileProbing(server.url, '/v2/flood/app/manifests/v1', body, contentType);
    expectCappedRefusal(result);
    expect(JSON.parse(result.text).errors[0].message).toMatch(/blob/);
  });

  it('should refuse an index promptly with a capped body while GET /v2/ stays responsive', async () => {
    const { body, contentType } = floodIndex();
    const result = await putWhileProbing(server.url, '/v2/flood/app/manifests/list', body, contentType);
    expectCappedRefusal(result);
    expect(JSON.parse(result.text).errors[0].message).toMatch(/manifest/);
  });

  it('should refuse a manifest that announces more than 4 MiB with 413 MANIFEST_TOO_LARGE before any of it is sent', async () => {
    const url = new URL(`${server.url}/v2/flood/app/manifests/announced`);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers = { 'Content-Type': MEDIA_TYPES.ociManifest, 'Content-Length': String(64 * 1024 * 1024) };
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'PUT', headers }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, text: body });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(status).toBe(413);
    expect((JSON.parse(text) as ErrorBody).errors[0]?.code).toBe('MANIFEST_TOO_LARGE');
  });

  it('should refuse a manifest over 4 MiB sent without Content-Length with 413 MANIFEST_TOO_LARGE, before reading it all', async () => {
    const url = new URL(`${server.url}/v2/flood/app/manifests/big`);
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const most = 64 * 1024 * 1024;
    let sent = 0;
    let sentWhenAnswered = 0;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      let answer: { status: number; text: string } | null = null;
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'PUT', headers: { 'Content-Type': MEDIA_TYPES.ociManifest, 'Transfer-Encoding': 'chunked' } },
        (res) => {
          sentWhenAnswered = sent;
          answer = { status: res.statusCode ?? 0, text: '' };
          res.setEncoding('utf8').on('data', (d: string) => {
            if (answer) answer.text += d;
          });
          res.on('end', () => resolve(answer ?? { status: 0, text: '' }));
        },
      );
      // Once answered, the server may close the connection while the body is still going out.
      req.on('error', (error) => (answer ? resolve(answer) : reject(error)));
      const pump = () => {
        while (sent < most && !answer && !req.destroyed) {
          sent += chunk.byteLength;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(sentWhenAnswered).toBeLessThan(most / 2);
    const { errors } = JSON.parse(text) as ErrorBody;
    expect(errors[0]?.code).toBe('MANIFEST_TOO_LARGE');
    expect(errors[0]?.detail?.limit).toBe(4 * 1024 * 1024);
  });
});
