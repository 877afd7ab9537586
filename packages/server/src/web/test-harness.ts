/**
 * Helpers for the page's tests: a standalone app with token auth over a temporary data
 * directory, driven through `app.request()` (no sockets) by "browsers" that keep their cookies,
 * with users and projects made through GitLab's REST API (`/api/v4`) and images pushed through the
 * token flow.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { ServeConfig } from '../config.js';
import { createStandaloneApp, SERVICE, type StandaloneApp } from '../standalone-app.js';

export const ADMIN_PASSWORD = 'admin-password-0123';
export const ORIGIN = 'http://registry.test';
const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
export const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/** A browser: a cookie jar and same-origin requests. */
export interface Browser {
  readonly cookies: Map<string, string>;
  get(path: string): Promise<Response>;
  /** POST a form as this site's own page would (same-origin), unless `headers` say otherwise. */
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  /** GET the sign-in page and post it: the form secret comes from the page, as in a browser. */
  signIn(username: string, password: string, redirect?: string): Promise<Response>;
}

export interface Harness {
  readonly standalone: StandaloneApp;
  readonly dataDir: string;
  request(path: string, init?: RequestInit): Promise<Response>;
  browser(): Browser;
  /** Call GitLab's REST API (`/api/v4`) as admin (Basic auth); throws on a non-2xx. */
  admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  /** Push a one-layer image through the token flow as `user`. @returns the final manifest PUT's status */
  push(user: string, secret: string, repo: string, tag: string): Promise<Response>;
}

const opened: Harness[] = [];
afterEach(async () => {
  for (const h of opened.splice(0)) {
    await h.standalone.close();
    await rm(join(h.dataDir, '..'), { recursive: true, force: true });
  }
});

/** A standalone app with token auth; `config` may add a public URL or login limits. */
export async function harness(config: Partial<Pick<ServeConfig, 'publicUrl' | 'login'>> = {}): Promise<Harness> {
  const dataDir = join(await mkdtemp(join(tmpdir(), 'wharf-web-')), 'data');
  const standalone = await createStandaloneApp(
    { dataDir, auth: 'token', adminPassword: ADMIN_PASSWORD, ...config },
    { clientAddress: () => '192.0.2.10', log: () => {} },
  );
  const request = async (path: string, init: RequestInit = {}) =>
    standalone.app.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }));

  const browser = (): Browser => {
    const cookies = new Map<string, string>();
    const send = async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      if (cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
      const response = await request(path, { ...init, headers });
      for (const line of response.headers.getSetCookie()) {
        const [pair = '', ...attributes] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
        if (expired) cookies.delete(name);
        else cookies.set(name, pair.slice(eq + 1).trim());
      }
      return response;
    };
    const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
      send(path, {
        method: 'POST',
        body: new URLSearchParams(form),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, 'sec-fetch-site': 'same-origin', ...headers },
      });
    return {
      cookies,
      get: (path) => send(path),
      post,
      async signIn(username, password, redirect) {
        const page = await (await send(`/-/sign_in${redirect ? `?redirect=${encodeURIComponent(redirect)}` : ''}`)).text();
        const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
        return post('/-/sign_in', { _csrf: csrf, username, password, ...(redirect ? { redirect } : {}) });
      },
    };
  };

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await request(`/api/v4${path}`, {
      method,
      headers: { authorization: basic('admin', ADMIN_PASSWORD), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  };

  const push = async (user: string, secret: string, repo: string, tag: string) => {
    const q = new URLSearchParams({ service: SERVICE, scope: `repository:${repo}:pull,push` });
    const { token } = (await (await request(`/auth/token?${q}`, { headers: { authorization: basic(user, secret) } })).json()) as {
      token: string;
    };
    const auth = { authorization: `Bearer ${token}` };
    const layer = new Uint8Array(randomBytes(64));
    const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux"}');
    for (const blob of [layer, config]) {
      const r = await request(`/v2/${repo}/blobs/uploads/?digest=${sha256(blob)}`, { method: 'POST', body: blob, headers: auth });
      if (r.status !== 201) return r;
    }
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
    });
    return request(`/v2/${repo}/manifests/${tag}`, {
      method: 'PUT',
      body: manifest,
      headers: { ...auth, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    });
  };

  const h: Harness = { standalone, dataDir, request, browser, admin, push };
  opened.push(h);
  return h;
}

/** A world: group `team` (public) with `team/app` (private; alice developer, mara maintainer) and `team/web` (public). */
export async function seed(h: Harness): Promise<{ aliceId: number }> {
  const alice = await h.admin('POST', '/users', { username: 'alice', password: 'alice-password-1' });
  await h.admin('POST', '/users', { username: 'mara', password: 'mara-password-1' });
  await h.admin('POST', '/users', { username: 'eve', password: 'eve-password-1' });
  await h.admin('POST', '/groups', { name: 'team', path: 'team', visibility: 'public' });
  await h.admin('POST', '/projects', { path: 'app', namespace_id: 'team', visibility: 'private' });
  await h.admin('POST', '/projects', { path: 'web', namespace_id: 'team', visibility: 'public' });
  await h.admin('POST', '/projects/team%2Fapp/members', { username: 'alice', access_level: 30 });
  await h.admin('POST', '/projects/team%2Fapp/members', { username: 'mara', access_level: 40 });
  return { aliceId: alice.id as number };
}
