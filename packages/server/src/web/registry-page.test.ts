import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ANONYMOUS } from '@wharf/core';
import { createAccessHooks } from '@wharf/access';
import { createStandaloneApp } from '../standalone-app.js';
import { openMetadata } from '../metadata-db.js';
import { pageNamespaces } from './page-access.js';
import { harness, seed } from './test-harness.js';

describe('the registry page in the standalone server', () => {
  it('should leave /v2, /auth, /api/v4 and the deprecated /api/v1 answering as before', async () => {
    const h = await harness();
    const v2 = await h.request('/v2/');
    expect(v2.status).toBe(401);
    expect(v2.headers.get('www-authenticate')).toBe('Bearer realm="http://registry.test/auth/token",service="wharf-registry"');
    expect(v2.headers.get('content-security-policy')).toBeNull();
    expect((await h.request('/v2/team/app/tags/list')).headers.get('content-type')).toContain('application/json');
    expect((await h.request('/auth/jwks')).headers.get('content-type')).toContain('application/json');
    const v4 = await h.request('/api/v4/users');
    expect(v4.status).toBe(401);
    expect(v4.headers.get('content-type')).toContain('application/json');
    expect(await v4.json()).toMatchObject({ message: expect.any(String) });
    const api = await h.request('/api/v1/users');
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ message: expect.any(String) });
    expect((await h.request('/api/v1/registry/repositories')).headers.get('content-type')).toContain('application/json');
  });

  it('should show anonymous visitors the public projects only, with a sign-in link, and 404 the rest', async () => {
    const h = await harness();
    await seed(h);
    expect((await h.push('alice', 'alice-password-1', 'team/app', 'v1')).status).toBe(201);
    expect((await h.push('admin', 'admin-password-0123', 'team/web', 'v1')).status).toBe(201);
    const home = await h.request('/');
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('team/web');
    expect(html).not.toContain('team/app');
    expect(html).toContain('href="/-/sign_in"');
    expect((await h.request('/repositories/team/web')).status).toBe(200);
    expect((await h.request('/repositories/team/app')).status).toBe(404);

    const eve = h.browser();
    await eve.signIn('eve', 'eve-password-1');
    expect((await eve.get('/repositories/team/app')).status).toBe(404);
    const alice = h.browser();
    await alice.signIn('alice', 'alice-password-1');
    expect(await (await alice.get('/')).text()).toContain('team/app');
    expect((await alice.get('/repositories/team/app')).status).toBe(200);
  });

  it('should refuse pushes to a project whose registry is off, say why, hide it, and restore it once on', async () => {
    const h = await harness();
    await seed(h);
    expect((await h.push('alice', 'alice-password-1', 'team/app', 'v1')).status).toBe(201);
    await h.admin('PUT', '/projects/team%2Fapp', { container_registry_access_level: 'disabled' });

    const refused = await h.push('alice', 'alice-password-1', 'team/app', 'v2');
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('the container registry is turned off for project team/app');
    // an outsider is not told a private project exists
    const outsider = await h.push('eve', 'eve-password-1', 'team/app', 'v2');
    expect(await outsider.text()).not.toContain('turned off');
    const admin = await h.push('admin', 'admin-password-0123', 'team/app', 'v2');
    expect(admin.status).toBe(401);

    const alice = h.browser();
    await alice.signIn('alice', 'alice-password-1');
    expect(await (await alice.get('/')).text()).not.toContain('team/app');
    expect((await alice.get('/repositories/team/app')).status).toBe(404);

    await h.admin('PUT', '/projects/team%2Fapp', { container_registry_enabled: true });
    expect((await h.push('alice', 'alice-password-1', 'team/app', 'v2')).status).toBe(201);
    const page = await (await alice.get('/repositories/team/app')).text();
    expect(page).toContain('v1');
    expect(page).toContain('v2');
  });

  it('should describe projects to the page and let only maintainers switch the registry', async () => {
    const h = await harness();
    await seed(h);
    // the server's own database, opened a second time (as `wharf admin` would)
    const metadata = await openMetadata(h.dataDir);
    onTestFinished(() => metadata.close());
    const { store } = metadata;
    const hooks = createAccessHooks(store);
    const userOf = async (username: string, password: string) => {
      const principal = await hooks.authenticate({ kind: 'password', username, password });
      return { name: username, visible: async () => [], principal };
    };
    const namespaces = pageNamespaces(store);
    const mara = await userOf('mara', 'mara-password-1');
    const alice = await userOf('alice', 'alice-password-1');
    const eve = await userOf('eve', 'eve-password-1');
    const anonymous = { name: null, visible: async () => [], principal: ANONYMOUS };

    expect(await namespaces.describe(mara, 'team/app')).toEqual({
      kind: 'project',
      path: 'team/app',
      name: 'app',
      registryEnabled: true,
      mayChangeSettings: true,
    });
    expect(await namespaces.describe(alice, 'team/app')).toMatchObject({ mayChangeSettings: false });
    expect(await namespaces.describe(eve, 'team/app')).toBeNull();
    expect(await namespaces.describe(anonymous, 'team')).toMatchObject({ kind: 'group', name: 'team' });

    await expect(namespaces.setRegistryEnabled(alice, 'team/app', false)).rejects.toMatchObject({ code: 'DENIED' });
    await expect(namespaces.setRegistryEnabled(eve, 'team/app', false)).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
    await expect(namespaces.setRegistryEnabled(mara, 'team', false)).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
    await namespaces.setRegistryEnabled(mara, 'team/app', false);
    expect(await namespaces.describe(mara, 'team/app')).toMatchObject({ registryEnabled: false });
    expect((await h.push('mara', 'mara-password-1', 'team/app', 'v1')).status).toBe(401);
    await namespaces.setRegistryEnabled(mara, 'team/app', true);
    expect((await h.push('mara', 'mara-password-1', 'team/app', 'v1')).status).toBe(201);
  });

  it('should serve the page without sign-in when auth is none', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'wharf-web-open-')), 'data');
    const open = await createStandaloneApp({ dataDir, auth: 'none' }, { log: () => {} });
    try {
      const home = await open.app.fetch(new Request('http://registry.test/'));
      expect(home.status).toBe(200);
      const html = await home.text();
      expect(html).toContain('Container Registry');
      expect(html).not.toContain('/-/sign_in');
      expect((await open.app.fetch(new Request('http://registry.test/v2/'))).status).toBe(200);
      expect((await open.app.fetch(new Request('http://registry.test/-/sign_in'))).status).toBe(404);
    } finally {
      await open.close();
      await rm(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});
