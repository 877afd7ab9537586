import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@wharf/adapter-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createStandaloneApp, type StandaloneApp, V1_DEPRECATED_AT } from './standalone-app.js';

const PASSWORD = 'admin-password-0123456789';
const basic = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
const opened: Array<{ app: StandaloneApp; dir: string }> = [];

afterEach(async () => {
  for (const { app, dir } of opened.splice(0)) {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});

async function standalone(): Promise<StandaloneApp> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-standalone-api-'));
  const app = await createStandaloneApp({ dataDir: dir, auth: 'token', adminPassword: PASSWORD }, { clientAddress: () => '127.0.0.1', log: () => {} });
  opened.push({ app, dir });
  return app;
}

describe("the standalone server's HTTP APIs", () => {
  it("should serve GitLab's REST API at /api/v4 with the admin's credentials", async () => {
    const { app } = await standalone();
    const me = await app.fetch(new Request('http://registry.test/api/v4/user', { headers: { Authorization: basic } }));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: 1, username: 'admin', is_admin: true });
    const anonymous = await app.fetch(new Request('http://registry.test/api/v4/user'));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ message: '401 Unauthorized' });
  });

  it('should mark every answer of the deprecated /api/v1 with Deprecation, and leave its Link header to pagination', async () => {
    const { app } = await standalone();
    const r = await app.fetch(new Request('http://registry.test/api/v1/users', { headers: { Authorization: basic } }));
    expect(r.status).toBe(200);
    expect(r.headers.get('Deprecation')).toBe(`@${V1_DEPRECATED_AT}`);
    expect(r.headers.get('Link')).toBeNull();
    const v4 = await app.fetch(new Request('http://registry.test/api/v4/users', { headers: { Authorization: basic } }));
    expect(v4.headers.get('Deprecation')).toBeNull();
  });

  it('should answer a DELETE that has no body and no Content-Length over a real socket (curl -X DELETE)', async () => {
    const standaloneApp = await standalone();
    const server = await serve(standaloneApp.app, { port: 0 });
    try {
      const created = await fetch(`${server.url}/api/v4/users/1/personal_access_tokens`, {
        method: 'POST',
        headers: { Authorization: basic, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'gone', scopes: ['api'] }),
      });
      const { token } = (await created.json()) as { token: string };
      const status = await new Promise<number>((resolve, reject) => {
        const url = new URL(`${server.url}/api/v4/personal_access_tokens/self`);
        const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'DELETE', headers: { 'PRIVATE-TOKEN': token } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.once('error', reject);
        req.end();
      });
      expect(status).toBe(204);
    } finally {
      await server.close();
    }
  });

  it('should read a chunked body, and refuse one over 64 KiB with 413 while it streams', async () => {
    const standaloneApp = await standalone();
    const server = await serve(standaloneApp.app, { port: 0 });
    const chunked = (body: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const url = new URL(`${server.url}/api/v4/groups`);
        const req = httpRequest(
          { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { Authorization: basic, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } },
          (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (d: string) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.once('error', reject);
        for (let i = 0; i < body.length; i += 1000) req.write(body.slice(i, i + 1000));
        req.end();
      });
    try {
      const ok = await chunked(JSON.stringify({ name: 'chunked', path: 'chunked' }));
      expect(ok.status, ok.text).toBe(201);
      const big = await chunked(JSON.stringify({ name: 'big', path: 'big', description: 'x'.repeat(70 * 1024) }));
      expect(big.status).toBe(413);
      expect(JSON.parse(big.text)).toEqual({ message: '413 Request Entity Too Large - the body is larger than 65536 bytes' });
      const declared = await fetch(`${server.url}/api/v4/groups`, {
        method: 'POST',
        headers: { Authorization: basic, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'big', path: 'big', description: 'x'.repeat(70 * 1024) }),
      });
      expect(declared.status).toBe(413);
      const groups = (await (await fetch(`${server.url}/api/v4/groups`, { headers: { Authorization: basic } })).json()) as Array<{ path: string }>;
      expect(groups.map((g) => g.path)).toEqual(['chunked']);
    } finally {
      await server.close();
    }
  });
});
