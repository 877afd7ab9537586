import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '@wharf/db';
import type { SessionTables } from './session-store.js';
import { basic, harness, ORIGIN, seed } from './test-harness.js';

const sessionCookieOf = (r: Response) => r.headers.getSetCookie().find((c) => c.startsWith('wharf_session='));

describe('the page sign-in of the standalone server', () => {
  it('should show a labelled, CSRF-protected form', async () => {
    const h = await harness();
    const r = await h.request('/-/sign_in');
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('>Username</label>');
    expect(html).toContain('>Password or personal access token</label>');
    expect(html).toContain('<button type="submit">Sign in</button>');
    expect(html).toMatch(/name="_csrf" value="[A-Za-z0-9_-]{43}"/);
    expect(r.headers.getSetCookie().join('\n')).toMatch(/^wharf_sign_in=[A-Za-z0-9_-]{43}; Path=\/-\/sign_in; HttpOnly; SameSite=Strict$/m);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('should sign in with a password, set a fresh HttpOnly SameSite=Lax session cookie, and redirect', async () => {
    const h = await harness();
    await seed(h);
    const alice = h.browser();
    const r = await alice.signIn('alice', 'alice-password-1', '/repositories/team/app?sort=name');
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/repositories/team/app?sort=name');
    const cookie = sessionCookieOf(r) ?? '';
    expect(cookie).toMatch(/^wharf_session=[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);
    const home = await (await alice.get('/')).text();
    expect(home).toContain('Signed in as alice');
    expect(home).toContain('action="/-/sign_out"');
  });

  it('should mark the cookie Secure behind an https public URL or an https request', async () => {
    const h = await harness({ publicUrl: 'https://registry.example.com' });
    await seed(h);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await h.request('/-/sign_in')).text())?.[1];
    expect(csrf).toBeDefined();
    const page = await h.request('/-/sign_in');
    expect(page.headers.getSetCookie().join('\n')).toMatch(/wharf_sign_in=.*; Secure/);
    const secret = /wharf_sign_in=([^;]+)/.exec(page.headers.getSetCookie().join('\n'))?.[1] ?? '';
    const form = new URLSearchParams({ _csrf: secret, username: 'alice', password: 'alice-password-1' });
    const r = await h.request('/-/sign_in', {
      method: 'POST',
      body: form,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `wharf_sign_in=${secret}`,
        origin: 'https://registry.example.com',
      },
    });
    expect(r.status).toBe(303);
    expect(sessionCookieOf(r)).toMatch(/; Secure/);
  });

  it('should answer a wrong password and an unknown user alike: 401, "Incorrect username or password."', async () => {
    const h = await harness();
    await seed(h);
    const wrong = await h.browser().signIn('alice', 'not-her-password');
    const unknown = await h.browser().signIn('nobody', 'not-her-password');
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(sessionCookieOf(r)).toBeUndefined();
      expect(await r.text()).toContain('Incorrect username or password.');
    }
  });

  it('should throttle failed sign-ins with the same throttle as docker login (429, Retry-After)', async () => {
    const h = await harness({ login: { throttle: { freeFailures: 2 } } });
    await seed(h);
    const browser = h.browser();
    for (let i = 0; i < 3; i++) expect((await browser.signIn('alice', `wrong-${i}-password`)).status).toBe(401);
    const locked = await browser.signIn('alice', 'alice-password-1');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.text()).toMatch(/Too many sign-in attempts\. Try again in \d+ seconds?\./);
    // the token service counts the same failures
    const token = await h.request('/auth/token?service=wharf-registry', { headers: { authorization: basic('alice', 'alice-password-1') } });
    expect(token.status).toBe(429);
  });

  it('should rotate the session at every sign-in and end the old one', async () => {
    const h = await harness();
    await seed(h);
    const browser = h.browser();
    await browser.signIn('alice', 'alice-password-1');
    const first = browser.cookies.get('wharf_session') ?? '';
    // A signed-in visitor is sent on from the form; fetch it anonymously, then post it with the old session's cookie.
    browser.cookies.delete('wharf_session');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await browser.get('/-/sign_in')).text())?.[1] ?? '';
    browser.cookies.set('wharf_session', first);
    expect((await browser.post('/-/sign_in', { _csrf: csrf, username: 'mara', password: 'mara-password-1' })).status).toBe(303);
    const second = browser.cookies.get('wharf_session');
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    const stale = await h.request('/', { headers: { cookie: `wharf_session=${first}` } });
    expect(await stale.text()).toContain('Not signed in');
    expect(await (await browser.get('/')).text()).toContain('Signed in as mara');
  });

  it('should keep sessions in the private metadata database by a hash of the id, never the id', async () => {
    const h = await harness();
    await seed(h);
    const browser = h.browser();
    await browser.signIn('alice', 'alice-password-1');
    const id = browser.cookies.get('wharf_session') ?? '';
    const database = await openDatabase<SessionTables>({ url: `sqlite:${join(h.dataDir, 'wharf.db')}`, dataDir: h.dataDir });
    try {
      const rows = await database.db.selectFrom('web_sessions').selectAll().execute();
      expect(rows.map((r) => r.id_hash)).toEqual([createHash('sha256').update(id).digest('hex')]);
      expect(JSON.stringify(rows)).not.toContain(id);
    } finally {
      await database.close();
    }
    expect((await stat(join(h.dataDir, 'wharf.db'))).mode & 0o777).toBe(0o600);
  });

  it('should end the session server-side at sign-out, and refuse a forged sign-out', async () => {
    const h = await harness();
    await seed(h);
    const browser = h.browser();
    await browser.signIn('alice', 'alice-password-1');
    const id = browser.cookies.get('wharf_session');
    const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(await (await browser.get('/')).text())?.[1] ?? '';
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect((await browser.post('/-/sign_out', {})).status).toBe(403);
    expect((await browser.post('/-/sign_out', { _csrf: 'x'.repeat(43) })).status).toBe(403);
    expect(
      (await browser.post('/-/sign_out', { _csrf: csrf }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status,
    ).toBe(403);
    expect(await (await browser.get('/')).text()).toContain('Signed in as alice');

    const out = await browser.post('/-/sign_out', { _csrf: csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/');
    expect(out.headers.getSetCookie().join('\n')).toMatch(/wharf_session=; Max-Age=0; Path=\//);
    // the id is dead even for someone who kept the cookie
    expect(await (await h.request('/', { headers: { cookie: `wharf_session=${id}` } })).text()).toContain('Not signed in');
  });

  it('should end a blocked or deleted user’s session at once', async () => {
    const h = await harness();
    const { aliceId } = await seed(h);
    const browser = h.browser();
    await browser.signIn('alice', 'alice-password-1');
    expect(await (await browser.get('/')).text()).toContain('Signed in as alice');
    await h.admin('POST', `/users/${aliceId}/block`);
    const after = await browser.get('/');
    expect(await after.text()).toContain('Not signed in');
    expect(browser.cookies.has('wharf_session')).toBe(false);

    await h.admin('POST', `/users/${aliceId}/unblock`);
    await browser.signIn('alice', 'alice-password-1');
    await h.admin('DELETE', `/users/${aliceId}`);
    expect(await (await browser.get('/')).text()).toContain('Not signed in');
  });

  it('should end a password session when the password changes', async () => {
    const h = await harness();
    const { aliceId } = await seed(h);
    const browser = h.browser();
    await browser.signIn('alice', 'alice-password-1');
    await h.admin('PUT', `/users/${aliceId}`, { password: 'alice-password-2' });
    expect(await (await browser.get('/')).text()).toContain('Not signed in');
  });

  it('should refuse redirects to other sites', async () => {
    const h = await harness();
    await seed(h);
    for (const target of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '/%0d%0aSet-Cookie:x']) {
      const r = await h.browser().signIn('alice', 'alice-password-1', target);
      expect(r.status).toBe(303);
      expect(['/', '/%0d%0aSet-Cookie:x']).toContain(r.headers.get('location'));
    }
  });

  it('should refuse a forged sign-in: no form secret, a wrong one, or another site', async () => {
    const h = await harness();
    await seed(h);
    const form = { username: 'alice', password: 'alice-password-1' };
    const browser = h.browser();
    await browser.get('/-/sign_in');
    const secret = browser.cookies.get('wharf_sign_in') ?? '';
    expect((await browser.post('/-/sign_in', form)).status).toBe(403);
    expect((await browser.post('/-/sign_in', { ...form, _csrf: 'y'.repeat(43) })).status).toBe(403);
    expect(
      (await browser.post('/-/sign_in', { ...form, _csrf: secret }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }))
        .status,
    ).toBe(403);
    expect((await h.browser().post('/-/sign_in', { ...form, _csrf: secret })).status).toBe(403);
    expect(browser.cookies.has('wharf_session')).toBe(false);
    expect((await browser.post('/-/sign_in', { ...form, _csrf: secret })).status).toBe(303);
  });

  it('should accept a personal access token with read_registry or api, and refuse other tokens', async () => {
    const h = await harness();
    const { aliceId } = await seed(h);
    const read = (await h.admin('POST', `/users/${aliceId}/personal_access_tokens`, { name: 'read', scopes: ['read_registry'] }))
      .token as string;
    const write = (await h.admin('POST', `/users/${aliceId}/personal_access_tokens`, { name: 'write', scopes: ['write_registry'] }))
      .token as string;
    const deploy = await h.admin('POST', '/projects/team%2Fapp/deploy_tokens', { name: 'deploy', scopes: ['read_registry'] });
    const browser = h.browser();
    expect((await browser.signIn('alice', read)).status).toBe(303);
    expect(await (await browser.get('/')).text()).toContain('Signed in as alice');
    const refusedPat = await h.browser().signIn('alice', write);
    expect(refusedPat.status).toBe(403);
    expect(await refusedPat.text()).toContain('needs the read_registry or api scope');
    const refusedDeploy = await h.browser().signIn(deploy.username as string, deploy.token as string);
    expect(refusedDeploy.status).toBe(403);
    expect(await refusedDeploy.text()).toContain('Deploy tokens and CI job tokens cannot sign in here');
    // revoking the token ends the session it opened
    const tokens = (await h.admin('GET', `/personal_access_tokens?user_id=${aliceId}`)) as unknown as { id: number; name: string }[];
    await h.admin('DELETE', `/personal_access_tokens/${tokens.find((t) => t.name === 'read')?.id}`);
    expect(await (await browser.get('/')).text()).toContain('Not signed in');
  });

  it('should send a signed-in visitor on from the sign-in page', async () => {
    const h = await harness();
    await seed(h);
    const browser = h.browser();
    await browser.signIn('alice', 'alice-password-1');
    const r = await browser.get('/-/sign_in?redirect=/repositories/team/app');
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/repositories/team/app');
    expect(ORIGIN).toBe('http://registry.test');
  });
});
