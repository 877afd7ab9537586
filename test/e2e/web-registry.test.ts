/**
 * The registry page of the real standalone server process (token auth): an anonymous visitor,
 * the sign-in form and session cookie over a real socket, a project's container registry turned
 * off (a push refused with the reason) and on again, and sign-out. Plain HTTP with a cookie
 * jar; the browser tests drive the same pages in Chromium.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, pushImage } from '../security/support.js';
import { AdminClient } from './admin-client.js';
import { docker, imageLayout, prerequisites, run } from './clients.js';
import { logOnFailureAndStop, type Registry, startRegistry, targetMissing } from './server.js';

const ADMIN_PASSWORD = 'admin-e2e-password-0123456789';
const ALICE_PASSWORD = 'alice-password-0123';
const missing = targetMissing();
const pre = prerequisites('web-registry.test.ts', ['docker', 'skopeo']);

/** A browser's part that matters here: cookies kept between requests, redirects not followed. */
function browser(base: string) {
  const jar = new Map<string, string>();
  const send = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${base}${path}`, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (/max-age=0/i.test(line)) jar.delete(name.trim());
      else jar.set(name.trim(), value.trim());
    }
    return res;
  };
  const form = (path: string, fields: Record<string, string>) =>
    send(path, {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    });
  return { jar, send, form };
}

describe.skipIf(missing !== undefined || process.env.WHARF_E2E_TARGET === 'distribution')(
  'the registry page of the standalone server',
  () => {
    let reg: Registry | undefined;
    let admin: AdminClient;
    const base = () => reg?.url ?? '';

    beforeAll(async () => {
      reg = await startRegistry({ auth: 'token', adminPassword: ADMIN_PASSWORD });
      admin = new AdminClient(reg.url, 'admin', ADMIN_PASSWORD);
      await admin.createUser('alice', ALICE_PASSWORD);
      await admin.createGroup('team', 'public');
      await admin.createProject('team/app', 'private');
      await admin.createProject('team/web', 'public');
      await admin.addProjectMember('team/app', 'alice', 'maintainer');
      await pushImage(reg.url, basic('alice', ALICE_PASSWORD), 'team/app', ['v1']);
      await pushImage(reg.url, basic('admin', ADMIN_PASSWORD), 'team/web', ['latest']);
    });
    logOnFailureAndStop(() => reg);
    afterAll(async () => {
      await reg?.stop();
    });

    it('should serve the page at / to anonymous visitors with the public projects only, and /v2 as before', async () => {
      const home = await fetch(`${base()}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toContain('text/html');
      const html = await home.text();
      expect(html).toContain('team/web');
      expect(html).not.toContain('team/app');
      expect(html).toContain('href="/-/sign_in"');
      const v2 = await fetch(`${base()}/v2/`);
      expect(v2.status).toBe(401);
      expect(v2.headers.get('www-authenticate')).toContain('/auth/token');
      expect((await fetch(`${base()}/repositories/team/app`)).status).toBe(404);
    });

    it('should sign in through the form, show the private project, and sign out', async () => {
      const b = browser(base());
      const page = await (await b.send('/-/sign_in')).text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
      const wrong = await b.form('/-/sign_in', { _csrf: csrf, username: 'alice', password: 'not-the-password' });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('Incorrect username or password.');

      const ok = await b.form('/-/sign_in', {
        _csrf: csrf,
        username: 'alice',
        password: ALICE_PASSWORD,
        redirect: '/repositories/team/app',
      });
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')).toBe('/repositories/team/app');
      expect(ok.headers.getSetCookie().find((c) => c.startsWith('wharf_session='))).toMatch(/HttpOnly; SameSite=Lax$/);
      const repo = await b.send('/repositories/team/app');
      expect(repo.status).toBe(200);
      const text = await repo.text();
      expect(text).toContain('Signed in as alice');
      expect(text).toContain('v1');

      const secret = /<meta name="csrf-token" content="([^"]+)"/.exec(text)?.[1] ?? '';
      const session = b.jar.get('wharf_session');
      const out = await b.form('/-/sign_out', { _csrf: secret });
      expect(out.status).toBe(303);
      const reused = await fetch(`${base()}/repositories/team/app`, { headers: { cookie: `wharf_session=${session}` } });
      expect(reused.status).toBe(404);
    });

    it('should refuse a push to a project whose registry is off with the reason, and take it again once on', async () => {
      const alice = new AdminClient(base(), 'alice', ALICE_PASSWORD);
      const off = await alice.call('PUT', `/projects/${encodeURIComponent('team/app')}`, { container_registry_access_level: 'disabled' });
      expect(off).toMatchObject({ container_registry_access_level: 'disabled' });

      const refused = await pushImage(base(), basic('alice', ALICE_PASSWORD), 'team/app', ['v2']).then(
        () => '',
        (error: Error) => error.message,
      );
      expect(refused).toContain('the container registry is turned off for project team/app');
      // nothing was deleted, but nothing is served either
      const token = (await (
        await fetch(`${base()}/auth/token?service=wharf-registry&scope=repository:team/app:pull`, {
          headers: { Authorization: basic('admin', ADMIN_PASSWORD) },
        })
      ).json()) as { token: string };
      const pull = await fetch(`${base()}/v2/team/app/manifests/v1`, { headers: { Authorization: `Bearer ${token.token}` } });
      expect(pull.status).toBe(401);
      expect(await pull.text()).toContain('the container registry is turned off for project team/app');

      await alice.call('PUT', `/projects/${encodeURIComponent('team/app')}`, { container_registry_access_level: 'enabled' });
      await pushImage(base(), basic('alice', ALICE_PASSWORD), 'team/app', ['v2']);
      const repositories = await alice.call<{ path: string; tags: { name: string }[] }[]>(
        'GET',
        `/projects/${encodeURIComponent('team/app')}/registry/repositories?tags=true`,
      );
      const tags = repositories.find((r) => r.path === 'team/app')?.tags.map((t) => t.name);
      expect(tags).toEqual(expect.arrayContaining(['v1', 'v2']));
    });

    describe.skipIf(pre.skip)('with docker', () => {
      let work = '';
      const ref = () => `${reg?.host}/team/app/busybox:off`;

      beforeAll(async () => {
        pre.assert();
        work = await mkdtemp(join(tmpdir(), 'wharf-e2e-web-'));
        const archive = join(work, 'image.tar');
        await run('skopeo', ['copy', '--quiet', `oci:${imageLayout()}:amd64`, `docker-archive:${archive}:${ref()}`]);
        await docker('load', '--input', archive);
        const login = await run('docker', ['login', '--username', 'alice', '--password-stdin', reg?.host ?? ''], { input: ALICE_PASSWORD });
        expect(login.stdout).toMatch(/Login Succeeded/);
      });
      afterAll(async () => {
        await run('docker', ['logout', reg?.host ?? ''], { allowFailure: true });
        await run('docker', ['rmi', '--force', ref()], { allowFailure: true });
        if (work) await rm(work, { recursive: true, force: true });
      });

      it('should tell a docker push that the registry is off for the project, and push once it is on', async () => {
        const alice = new AdminClient(base(), 'alice', ALICE_PASSWORD);
        await alice.call('PUT', `/projects/${encodeURIComponent('team/app')}`, { container_registry_enabled: false });
        const refused = await run('docker', ['push', ref()], { allowFailure: true });
        expect(refused.code).not.toBe(0);
        expect(`${refused.stdout}\n${refused.stderr}`).toContain('the container registry is turned off for project team/app');

        await alice.call('PUT', `/projects/${encodeURIComponent('team/app')}`, { container_registry_enabled: true });
        await docker('push', ref());
      });
    });
  },
);
