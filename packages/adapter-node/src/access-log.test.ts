import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeRegistryServer } from './serve.js';
import { get, serveFetch, sleep, until } from './test-utils.js';

const servers: NodeRegistryServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S+) "(\S+) (\S+) HTTP\/(1\.[01])" (\d{3}|-) (\d+|-) (\d+)ms$/;

describe('serve logger', () => {
  async function start(): Promise<{ s: NodeRegistryServer; lines: string[] }> {
    const lines: string[] = [];
    const s = await serveFetch(
      async (req) => {
        const url = new URL(req.url);
        if (url.pathname === '/stream') return new Response(new ReadableStream({ pull: (c) => c.close() }));
        if (url.pathname === '/hang') return new Promise<Response>(() => {});
        return new Response('{}', { status: url.pathname === '/v2/' ? 200 : 404, headers: { 'content-length': '2' } });
      },
      { logger: (line) => lines.push(line) },
    );
    servers.push(s);
    return { s, lines };
  }

  it('should log one line per finished request', async () => {
    const { s, lines } = await start();
    await get(s.port, '/v2/?x=1');
    await get(s.port, '/nope', { method: 'DELETE' });
    await until(() => lines.length === 2);
    const [first = '', second = ''] = lines;
    const m = LINE.exec(first);
    expect(m).not.toBeNull();
    expect(Math.abs(Date.parse(m![1]!) - Date.now())).toBeLessThan(5000);
    expect(m!.slice(2)).toEqual(['127.0.0.1', 'GET', '/v2/?x=1', '1.1', '200', '2', expect.any(String)]);
    expect(second).toMatch(/ "DELETE \/nope HTTP\/1\.1" 404 2 \d+ms$/);
  });

  it('should log - as size for HEAD and for bodies of unknown length', async () => {
    const { s, lines } = await start();
    await get(s.port, '/v2/', { method: 'HEAD' });
    await get(s.port, '/stream');
    await until(() => lines.length === 2);
    expect(lines[0]).toMatch(/"HEAD \/v2\/ HTTP\/1\.1" 200 - \d+ms$/);
    expect(lines[1]).toMatch(/"GET \/stream HTTP\/1\.1" 200 - \d+ms$/);
  });

  it('should log - as status when the client left before any response', async () => {
    const { s, lines } = await start();
    const req = request({ host: '127.0.0.1', port: s.port, path: '/hang' });
    req.on('error', () => {});
    req.end();
    await sleep(50);
    req.destroy();
    await until(() => lines.length === 1);
    expect(lines[0]).toMatch(/"GET \/hang HTTP\/1\.1" - - \d+ms "connection closed early"$/);
  });

  it('should not log by default, nor when logger is false', async () => {
    const s = await serveFetch(() => new Response('x'), { logger: false });
    servers.push(s);
    expect((await get(s.port, '/')).body).toBe('x');
  });

  it('should survive a logger that throws', async () => {
    const s = await serveFetch(() => new Response('x'), {
      logger: () => {
        throw new Error('disk full');
      },
    });
    servers.push(s);
    expect((await get(s.port, '/')).body).toBe('x');
    expect((await get(s.port, '/')).body).toBe('x');
  });
});
