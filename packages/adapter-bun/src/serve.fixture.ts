/**
 * Run by Bun for `serve.test.ts` (Node's vitest cannot call `Bun.serve` in-process): serves a
 * small test app with this package's `serve()`, prints `URL <url>` and then one `LOG <line>` per
 * access-log line on stdout, and on SIGTERM closes gracefully, prints `CLOSED` and exits.
 * Extra `serve()` options come as JSON in `WHARF_FIXTURE_OPTIONS`.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { getConnInfo } from './conn-info.js';
import { type BunEnv, serve } from './serve.js';

// The client address the Hono way, as an app mounted on this adapter reads it.
const hono = new Hono<{ Bindings: BunEnv }>().get('/ip', (c) => c.text(getConnInfo(c).remote.address ?? '-'));

let received = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function handle(request: Request, env: BunEnv): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === '/upload' && request.body) {
    received = 0;
    const hash = createHash('sha256');
    let chunks = 0;
    const reader = request.body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      const chunk = r.value;
      received += chunk.byteLength;
      chunks++;
      hash.update(chunk);
    }
    return Response.json({ bytes: received, chunks, sha256: hash.digest('hex') });
  }
  if (pathname === '/received') return new Response(String(received));
  if (pathname === '/slow') {
    await sleep(Number(new URL(request.url).searchParams.get('ms') ?? 300));
    return new Response('done');
  }
  if (pathname === '/ip') return hono.fetch(request, env);
  if (pathname === '/stream') {
    const size = Number(new URL(request.url).searchParams.get('size') ?? 1000);
    const chunk = new Uint8Array(64 * 1024).fill(97);
    let left = size;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (left === 0) return c.close();
        const n = Math.min(left, chunk.byteLength);
        c.enqueue(chunk.subarray(0, n));
        left -= n;
      },
    });
    return new Response(body, { headers: { 'content-length': String(size) } });
  }
  return new Response('not found', { status: 404 });
}

// WHARF_FIXTURE_OPTIONS: more serve() options, as JSON (the limits tests).
const extra = JSON.parse(process.env.WHARF_FIXTURE_OPTIONS ?? '{}') as Record<string, number>;
const server = await serve({ fetch: (req, env) => handle(req, env as BunEnv) }, { port: 0, logger: (line) => process.stdout.write(`LOG ${line}\n`), shutdownTimeoutMs: 2000, ...extra });
process.stdout.write(`URL ${server.url}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => {
    process.stdout.write('CLOSED\n');
    process.exit(0);
  });
});
