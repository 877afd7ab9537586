import { describe, expect, it } from 'vitest';
import { RegistryError } from '@wharf/core';
import type { UiNamespace, UiNamespaces, UiUser } from './options.js';
import { testbed } from './test-support.js';

const SETTINGS = '/registry/namespaces/team/app/-/settings';
const SWITCH = `${SETTINGS}/registry`;

/** The host's projects: `team` (group) and `team/app` (project), with calls to the switch recorded. */
function host(project: Partial<UiNamespace> = {}, options: { deny?: boolean } = {}) {
  const calls: Array<{ user: string | null; path: string; enabled: boolean }> = [];
  const state: Record<string, UiNamespace> = {
    team: { kind: 'group', path: 'team', registryEnabled: true, mayChangeSettings: true },
    'team/app': { kind: 'project', path: 'team/app', registryEnabled: true, mayChangeSettings: true, ...project },
  };
  const namespaces: UiNamespaces = {
    describe: async (_user, path) => state[path] ?? null,
    async setRegistryEnabled(user: UiUser, path, enabled) {
      if (options.deny) throw new RegistryError('DENIED', 'not a maintainer');
      calls.push({ user: user.name, path, enabled });
      const ns = state[path];
      if (ns) state[path] = { ...ns, registryEnabled: enabled };
    },
  };
  return { namespaces, calls };
}

describe('the settings page', () => {
  it('should answer 404 to a reader, like a missing path', async () => {
    const t = testbed();
    await t.push('team/app', 'v1');
    const missing = await t.page('/registry/namespaces/nothing/-/settings', 404);
    expect(await t.page(SETTINGS, 404)).toBe(missing);
    const { namespaces } = host({ mayChangeSettings: false });
    const hosted = testbed({ ui: { namespaces }, userExtra: { deletable: async (names) => names } });
    expect(await hosted.page(SETTINGS, 404)).toBe(missing);
  });

  it('should open for a user who may delete under a plain path, without a registry switch', async () => {
    const t = testbed({ userExtra: { deletable: async (names) => names.filter((n) => n === 'team/app') } });
    const html = await t.page(SETTINGS);
    expect(html).toContain('<h1>Settings <span class="ns-kind">Namespace</span></h1>');
    expect(html).toContain('Cleanup policies');
    expect(html).not.toContain('Container registry</h2>');
  });

  it('should offer the registry switch on a project, not on a group', async () => {
    const { namespaces } = host();
    const t = testbed({ ui: { namespaces } });
    const html = await t.page(SETTINGS);
    expect(html).toContain('The container registry is on for this project.');
    expect(html).toContain('deletes nothing');
    expect(html).toMatch(
      /<form method="post" action="\/registry\/namespaces\/team\/app\/-\/settings\/registry"><input type="hidden" name="_csrf" value="[^"]+"\/><input type="hidden" name="enabled" value="false"\/><button type="submit" class="danger">Turn off the container registry<\/button>/,
    );
    const group = await t.page('/registry/namespaces/team/-/settings');
    expect(group).toContain('<h1>Settings <span class="ns-kind">Group</span></h1>');
    expect(group).not.toContain('Turn off the container registry');
  });

  it('should turn the registry off and on through the host, confirming each change', async () => {
    const { namespaces, calls } = host();
    const t = testbed({ ui: { namespaces } });
    const off = await t.post(SWITCH, { enabled: 'false' });
    expect(off.status).toBe(303);
    expect(off.headers.get('location')).toBe(`${SETTINGS}?done=registry-off`);
    expect(calls).toEqual([{ user: 'alice', path: 'team/app', enabled: false }]);
    const html = await t.page(off.headers.get('location') as string);
    expect(html).toContain('<p role="status" class="notice">The container registry is now off for this project.</p>');
    expect(html).toContain('The container registry is off for this project.');
    expect(html).toContain('Turn on the container registry');
    expect((await t.post(SWITCH, { enabled: 'true' })).headers.get('location')).toBe(`${SETTINGS}?done=registry-on`);
    expect(calls.map((c) => c.enabled)).toEqual([false, true]);
  });

  it('should refuse a reader’s crafted post without calling the host', async () => {
    const { namespaces, calls } = host({ mayChangeSettings: false });
    const t = testbed({ ui: { namespaces } });
    const r = await t.post(SWITCH, { enabled: 'false' });
    expect(r.status).toBe(404);
    expect(calls).toEqual([]);
    expect((await t.post('/registry/namespaces/team/-/settings/registry', { enabled: 'false' })).status).toBe(404);
    expect((await testbed().post(SWITCH, { enabled: 'false' })).status).toBe(404);
  });

  it('should refuse a post without the form secret, or from another site, and change nothing', async () => {
    const { namespaces, calls } = host();
    const t = testbed({ ui: { namespaces } });
    expect((await t.post(SWITCH, { enabled: 'false', _csrf: 'y'.repeat(43) })).status).toBe(403);
    expect((await t.post(SWITCH, { enabled: 'false' }, { headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('should show the not-allowed page with the host\'s reason when it refuses the change', async () => {
    const { namespaces } = host({}, { deny: true });
    const t = testbed({ ui: { namespaces } });
    const r = await t.post(SWITCH, { enabled: 'false' });
    expect(r.status).toBe(403);
    expect(await r.text()).toContain('You are not allowed to do this: not a maintainer');
  });

  it('should answer a malformed switch with 400 and not call the host', async () => {
    const { namespaces, calls } = host();
    const t = testbed({ ui: { namespaces } });
    expect((await t.post(SWITCH, { enabled: 'maybe' })).status).toBe(400);
    expect(calls).toEqual([]);
  });
});
