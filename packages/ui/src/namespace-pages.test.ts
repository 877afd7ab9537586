import { describe, expect, it } from 'vitest';
import type { UiNamespace, UiNamespaces } from './options.js';
import { nextLink, repositoryLinks, testbed } from './test-support.js';

/** A host's groups and projects: `team` (group) with `team/app` and `team/sub/web`; `secret/app` is hidden. */
function hostNamespaces(overrides: Record<string, Partial<UiNamespace> | null> = {}): UiNamespaces {
  const all: Record<string, UiNamespace | null> = {
    team: { kind: 'group', path: 'team', name: 'The Team', registryEnabled: true, mayChangeSettings: false },
    'team/app': { kind: 'project', path: 'team/app', registryEnabled: true, mayChangeSettings: false },
    'team/sub/web': { kind: 'project', path: 'team/sub/web', registryEnabled: true, mayChangeSettings: false },
    'secret/app': null,
  };
  for (const [path, o] of Object.entries(overrides)) all[path] = o === null ? null : ({ ...all[path], ...o } as UiNamespace);
  return {
    describe: async (_user, path) => all[path] ?? null,
    setRegistryEnabled: async () => {},
  };
}

describe('group and project pages', () => {
  it('should list the repositories of all projects and subgroups on a group page, with its name, kind and breadcrumb', async () => {
    const t = testbed({ ui: { namespaces: hostNamespaces() } });
    for (const name of ['team/app', 'team/app/api', 'team/sub/web', 'teammate/x', 'other/y']) await t.push(name, 'v1');
    const html = await t.page('/registry/namespaces/team');
    expect(repositoryLinks(html)).toEqual(['team/app', 'team/app/api', 'team/sub/web']);
    expect(html).toMatch(/<h1>The Team <span class="ns-kind">Group<\/span><\/h1>/);
    expect(html).toContain('<caption>Repositories in team</caption>');
    expect(html).toContain('<summary>CLI commands</summary>');
    expect(html).toContain('docker build -t localhost/team/project/image .');
    const sub = await t.page('/registry/namespaces/team/sub/web');
    expect(sub).toMatch(/<h1>web <span class="ns-kind">Project<\/span><\/h1>/);
    expect(sub).toContain(
      '<nav class="crumbs" aria-label="Breadcrumb"><a href="/registry">Container Registry</a> / <a href="/registry/namespaces/team">team</a> / <a href="/registry/namespaces/team/sub">sub</a> / <span aria-current="page">web</span></nav>',
    );
    expect(sub).toContain('<a href="/registry/namespaces/team/sub/web/-/usage">Storage usage</a>');
    expect(sub).toContain('docker push localhost/team/sub/web<');
  });

  it('should answer a hidden private project exactly like a missing one', async () => {
    const t = testbed({ ui: { namespaces: hostNamespaces() } });
    await t.push('secret/app', 'v1');
    const hidden = await t.page('/registry/namespaces/secret/app', 404);
    const missing = await t.page('/registry/namespaces/nothing/here', 404);
    expect(hidden).toBe(missing);
    expect(await t.page('/registry/namespaces/secret/app/-/usage', 404)).toBe(missing);
    expect(await t.page('/registry/namespaces/secret/app/-/settings', 404)).toBe(missing);
  });

  it('should say when a project has its registry turned off and list nothing', async () => {
    const t = testbed({ ui: { namespaces: hostNamespaces({ 'team/app': { registryEnabled: false } }) } });
    await t.push('team/app', 'v1');
    const html = await t.page('/registry/namespaces/team/app');
    expect(html).toContain('The container registry is turned off for this project.');
    expect(repositoryLinks(html)).toEqual([]);
    expect(html).not.toContain('/-/settings');
    const maintainer = testbed({ ui: { namespaces: hostNamespaces({ 'team/app': { registryEnabled: false, mayChangeSettings: true } }) } });
    expect(await maintainer.page('/registry/namespaces/team/app')).toContain('<a href="/registry/namespaces/team/app/-/settings">');
  });

  it('should show the push commands for the path when a project has no images yet', async () => {
    const t = testbed({ publicHost: 'registry.example.com', ui: { namespaces: hostNamespaces() } });
    const html = await t.page('/registry/namespaces/team/app');
    expect(html).toContain('There are no container images stored for this project');
    expect(html).toContain('docker build -t registry.example.com/team/app .');
    expect(html).not.toContain('<table>');
  });

  it('should link to the settings only for users who may change them', async () => {
    const reader = testbed();
    await reader.push('team/app', 'v1');
    expect(await reader.page('/registry/namespaces/team')).not.toContain('/-/settings');
    const maintainer = testbed({ userExtra: { deletable: async (names) => names.filter((n) => n === 'team') } });
    await maintainer.push('team/app', 'v1');
    const html = await maintainer.page('/registry/namespaces/team');
    expect(html).toContain('<a href="/registry/namespaces/team/-/settings">Settings</a>');
    expect(html).toMatch(/<h1>team <span class="ns-kind">Namespace<\/span><\/h1>/);
  });

  it('should search, sort and page within the namespace, keeping the path in the links', async () => {
    const t = testbed();
    for (const name of ['team/a', 'team/b', 'team/c', 'team/d', 'other/a']) await t.push(name, 'v1');
    let html = await t.page('/registry/namespaces/team?per_page=3&sort=name&order=desc');
    expect(repositoryLinks(html)).toEqual(['team/d', 'team/c', 'team/b']);
    const next = nextLink(html);
    expect(next).toMatch(/^\/registry\/namespaces\/team\?/);
    html = await t.page(next as string);
    expect(repositoryLinks(html)).toEqual(['team/a']);
    expect(html).toContain('First page');
    const none = await t.page('/registry/namespaces/team?search=zzz');
    expect(none).toContain('No repository matches “zzz”.');
  });

  it('should answer 404 for a plain path without a repository the user may read under it', async () => {
    const t = testbed({ visible: async (names) => names.filter((n) => !n.startsWith('private/')) });
    await t.push('private/app', 'v1');
    await t.push('public/app', 'v1');
    const missing = await t.page('/registry/namespaces/nothing', 404);
    expect(await t.page('/registry/namespaces/private', 404)).toBe(missing);
    expect(await t.page('/registry/namespaces/private?search=app', 404)).toBe(missing);
    expect(await t.page('/registry/namespaces/private/-/usage', 404)).toBe(missing);
    expect(await t.page('/registry/namespaces/Bad%20Path', 404)).toBe(missing);
    expect(await t.page('/registry/namespaces/public/-/bogus', 404)).toBe(missing);
    expect(repositoryLinks(await t.page('/registry/namespaces/public'))).toEqual(['public/app']);
  });
});

describe('storage usage', () => {
  it('should show the deduplicated total and each visible repository in a table with headers', async () => {
    const t = testbed({ visible: async (names) => names.filter((n) => n !== 'team/hidden') });
    await t.push('team/big', 'v1', 5000);
    await t.push('team/small', 'v1', 1000);
    await t.push('team/hidden', 'v1', 9000);
    const html = await t.page('/registry/namespaces/team/-/usage');
    const usage = await t.registry.management.usage('team', { visible: async (names) => names.filter((n) => n !== 'team/hidden') });
    expect(usage.repositories.map((r) => r.name)).toEqual(['team/big', 'team/small']);
    expect(repositoryLinks(html)).toEqual(['team/big', 'team/small']);
    expect(html).not.toContain('team/hidden');
    expect(html).toContain('<th scope="col">Repository</th>');
    expect(html).toMatch(/uses <strong>[\d.]+ KiB<\/strong> in 2 repositories/);
    expect(html).toContain('<a href="/registry/namespaces/team">team</a> / <span aria-current="page">Storage usage</span>');
  });
});
