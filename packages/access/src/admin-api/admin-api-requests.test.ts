/**
 * How the admin API reads requests: body size, content type, cross-site browser requests and
 * bad values, answered with its `{ message }` shape and never a 500.
 */
import { describe, expect, it } from 'vitest';
import { openTestStore, PASSWORD, seedWorld, tempDirs } from '../test-support.js';
import { ADMIN_BODY_MAX_BYTES, createAdminApi } from './admin-api.js';
import { basic, client } from './test-client.js';

const tempDir = tempDirs();

async function setup(options: Parameters<typeof createAdminApi>[1] = {}) {
  const store = await openTestStore(await tempDir());
  await seedWorld(store);
  const app = createAdminApi(store, options);
  return { store, app, root: client(app, 'root', PASSWORD), dev: client(app, 'dev', PASSWORD) };
}

const rootHeaders = (extra: Record<string, string> = {}) => ({ authorization: basic('root', PASSWORD), ...extra });

describe('admin API: request bodies', () => {
  it('should answer 413 for a body over 64 KiB, declared or streamed', async () => {
    const { app, store } = await setup();
    expect(ADMIN_BODY_MAX_BYTES).toBe(64 * 1024);
    const big = JSON.stringify({ username: 'big1', password: 'x'.repeat(ADMIN_BODY_MAX_BYTES) });
    const declared = await app.request('/users', {
      method: 'POST',
      headers: rootHeaders({ 'content-type': 'application/json' }),
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ message: expect.stringMatching(/larger than 65536 bytes/) });
    // No Content-Length: the limit is counted while the body streams.
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 1000) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await app.request('/users', {
      method: 'POST',
      headers: rootHeaders({ 'content-type': 'application/json' }),
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(20);
    expect((await store.listUsers()).map((u) => u.username)).not.toContain('big1');
  });

  it('should answer 415 for JSON sent as text/plain or form data, and create nothing', async () => {
    const { app, store } = await setup();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      const response = await app.request('/users', {
        method: 'POST',
        headers: rootHeaders({ 'content-type': type }),
        body: JSON.stringify({ username: 'evil1', admin: true }),
      });
      expect(response.status, type).toBe(415);
      expect(await response.json()).toEqual({ message: expect.stringMatching(/application\/json/) });
    }
    const charset = await app.request('/users', {
      method: 'POST',
      headers: rootHeaders({ 'content-type': 'application/json; charset=utf-8' }),
      body: JSON.stringify({ username: 'fine1' }),
    });
    expect(charset.status).toBe(201);
    expect((await store.listUsers()).map((u) => u.username)).not.toContain('evil1');
  });

  it('should answer 400 for empty bodies, bad JSON and dangerous or unknown keys', async () => {
    const { root } = await setup();
    expect(await root('POST', '/users', '')).toMatchObject({ status: 400 });
    expect(await root('POST', '/users', '{"username":')).toMatchObject({ status: 400, body: { message: expect.stringMatching(/JSON/) } });
    expect(await root('POST', '/users', '{"username":"x1","__proto__":{"admin":true}}')).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/__proto__/) },
    });
    expect((await root('POST', '/users', '{"username":"x1","constructor":{"prototype":{"admin":true}}}')).status).toBe(400);
    const many = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, 1]));
    const listed = await root('POST', '/users', { username: 'x1', ...many });
    expect(listed.status).toBe(400);
    expect(JSON.stringify(listed.body).length).toBeLessThan(1000);
  });

  it('should answer 400 for dates and numbers it cannot store', async () => {
    const { dev, root } = await setup();
    for (const expires_at of ['10000-01-01', '+275760-09-13T00:00:00Z', '99999-12-31', '1', '2099-02-30', 'x'.repeat(1000)]) {
      const response = await dev('POST', '/users/dev/personal_access_tokens', { name: 'x', scopes: ['api'], expires_at });
      expect(response.status, expires_at).toBe(400);
    }
    expect(
      (await root('POST', '/projects/team%2Fapp/deploy_tokens', { scopes: ['read_registry'], expires_at: '10000-01-01' })).status,
    ).toBe(400);
    for (const max_duration_seconds of [1e300, 2 ** 53, 1e12, 0, -5, 1.5]) {
      expect(
        (await root('POST', '/projects/team%2Fapp/jobs', { user: 'dev', max_duration_seconds })).status,
        String(max_duration_seconds),
      ).toBe(400);
    }
    expect((await root('POST', '/projects/team%2Fapp/members', { username: 'eve', access_level: 1e308 })).status).toBe(400);
  });
});

describe('admin API: cross-site browser requests', () => {
  it('should refuse cross-site requests with 403 before looking at credentials, and create nothing', async () => {
    const failed: string[] = [];
    const { app, store } = await setup({ onFailedLogin: (a) => failed.push(a.username) });
    const body = JSON.stringify({ username: 'csrf1', admin: true });
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: 'https://sub.localhost' },
      { origin: 'null' },
    ];
    for (const headers of attempts) {
      for (const auth of [basic('root', PASSWORD), basic('root', 'wrong-password')]) {
        const response = await app.request('http://localhost/users', {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json', ...headers },
          body,
        });
        expect(response.status, JSON.stringify(headers)).toBe(403);
        expect(await response.json()).toEqual({ message: expect.stringMatching(/cross-site request refused/) });
      }
      const read = await app.request('http://localhost/users', { headers: { authorization: basic('root', PASSWORD), ...headers } });
      expect(read.status).toBe(403);
    }
    expect(failed).toEqual([]);
    expect((await store.listUsers()).map((u) => u.username)).not.toContain('csrf1');
  });

  it('should accept same-origin browser requests, clients without browser headers, and trusted origins', async () => {
    const { app } = await setup({ trustedOrigins: ['https://admin.example'] });
    const post = (username: string, headers: Record<string, string>) =>
      app.request('http://localhost:5000/users', {
        method: 'POST',
        headers: rootHeaders({ 'content-type': 'application/json', ...headers }),
        body: JSON.stringify({ username }),
      });
    expect((await post('same1', { origin: 'http://localhost:5000', 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await post('cli1', {})).status).toBe(201);
    expect((await post('typed1', { 'sec-fetch-site': 'none' })).status).toBe(201);
    expect((await post('trusted1', { origin: 'https://admin.example' })).status).toBe(201);
  });
});
