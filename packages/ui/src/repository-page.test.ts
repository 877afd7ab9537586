import { describe, expect, it } from 'vitest';
import { everythingVisible, MEDIA_TYPES } from '@wharf/core';
import { nextLink, tagNames, testbed } from './test-support.js';

describe('the repository page', () => {
  it('should list the tags with short digest, size, times and the pull command', async () => {
    const t = testbed({ publicHost: 'registry.example.com' });
    t.at('2026-02-01T10:00:00Z');
    const v1 = await t.push('team/app', 'v1', 3000);
    t.at('2026-02-03T09:15:00Z');
    await t.push('team/app', 'latest');
    const html = await t.page('/registry/repositories/team/app');
    expect(html).toContain('<title>team/app · Container Registry</title>');
    expect(html).toContain('<h1>team/app</h1>');
    expect(html).toContain('<code>registry.example.com/team/app</code>');
    expect(tagNames(html)).toEqual(['latest', 'v1']);
    expect(html).toContain(`<code title="${v1.digest}">${v1.digest.slice(7, 19)}</code>`);
    expect(html).toContain('<code>docker pull registry.example.com/team/app:v1</code>');
    // the layer (3000 bytes), the config and the manifest: a little over 3 KiB
    expect(html).toMatch(new RegExp(`${v1.digest.slice(7, 19)}</code></td><td class="num">3.\\d+ KiB</td>`));
    expect(html).toContain('<time datetime="2026-02-01T10:00:00.000Z">2026-02-01 10:00 UTC</time>');
    expect(html).toContain('<th scope="col">Digest</th>');
    expect(html).toMatch(/<label>Filter by name<input type="search" name="name"/);
    // Each segment of the path links to its group or project page.
    expect(html).toContain(
      '<a href="/registry">Container Registry</a> / <a href="/registry/namespaces/team">team</a> / <span aria-current="page">app</span>',
    );
  });

  it('should filter tags by name, sort them and page through them', async () => {
    const t = testbed();
    for (const [i, tag] of ['v3', 'v1', 'edge', 'v2', 'v10'].entries()) {
      t.at(`2026-04-0${i + 1}T00:00:00Z`);
      await t.push('team/app', tag);
    }
    expect(tagNames(await t.page('/registry/repositories/team/app?name=v'))).toEqual(['v1', 'v10', 'v2', 'v3']);
    expect(tagNames(await t.page('/registry/repositories/team/app?sort=created'))).toEqual(['v10', 'v2', 'edge', 'v1', 'v3']);
    expect(tagNames(await t.page('/registry/repositories/team/app?sort=name&order=desc'))).toEqual(['v3', 'v2', 'v10', 'v1', 'edge']);
    const none = await t.page('/registry/repositories/team/app?name=nope');
    expect(none).toContain('No tag matches “nope”.');

    let html = await t.page('/registry/repositories/team/app?name=v&per_page=3');
    const seen = [...tagNames(html)];
    const next = nextLink(html);
    expect(next).toMatch(/^\/registry\/repositories\/team\/app\?name=v&sort=name&order=asc&per_page=3&cursor=/);
    html = await t.page(next ?? '');
    seen.push(...tagNames(html));
    expect(nextLink(html)).toBeNull();
    expect(html).toContain('First page');
    expect(seen).toEqual(['v1', 'v10', 'v2', 'v3']);
  });

  it('should answer 404 alike for a hidden, a missing and an invalid repository', async () => {
    const t = testbed({ visible: async (names) => names.filter((n) => !n.startsWith('secret/')) });
    await t.push('secret/app', 'v1');
    await t.push('team/app', 'v1');
    const hidden = await t.host.request('/registry/repositories/secret/app');
    const missing = await t.host.request('/registry/repositories/team/nope');
    const invalid = await t.host.request('/registry/repositories/Team/App');
    expect([hidden.status, missing.status, invalid.status]).toEqual([404, 404, 404]);
    const bodies = await Promise.all([hidden, missing, invalid].map((r) => r.text()));
    expect(bodies[0]).toContain('Page not found');
    expect(bodies[0]).not.toContain('secret');
    // the same page, except the header of the one rendered before the user was known
    expect(bodies[1]).toBe(bodies[0]?.replace('<span class="user">Signed in as alice</span>', ''));
    expect(hidden.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await t.host.request('/registry/nowhere')).status).toBe(404);
  });

  it('should escape the filter text', async () => {
    const t = testbed();
    await t.push('team/app', 'v1');
    const html = await t.page(`/registry/repositories/team/app?name=${encodeURIComponent('<b onclick=x>')}`);
    expect(html).not.toContain('<b onclick');
    expect(html).toContain('No tag matches “&lt;b onclick=x&gt;”.');
  });

  it('should show the platforms of a multi-arch index in its row, and none for a single image', async () => {
    const t = testbed();
    const child = async (tag: string, platform: Record<string, string>) => {
      const { digest } = await t.push('team/app', tag);
      const body = await (
        await t.registry.app.request(`/v2/team/app/manifests/${digest}`, { headers: { Accept: MEDIA_TYPES.ociManifest } })
      ).text();
      return { mediaType: MEDIA_TYPES.ociManifest, digest, size: new TextEncoder().encode(body).byteLength, platform };
    };
    const manifests = [
      await child('amd64', { os: 'linux', architecture: 'amd64' }),
      await child('arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }),
    ];
    const index = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests });
    const put = await t.registry.app.request('/v2/team/app/manifests/multi', {
      method: 'PUT',
      body: index,
      headers: { 'Content-Type': MEDIA_TYPES.ociIndex },
    });
    expect(put.status).toBe(201);
    const html = await t.page('/registry/repositories/team/app');
    expect(html).toContain(
      '<td><strong>multi</strong><div class="platforms"><span class="vh">Platforms: </span>linux/amd64, linux/arm64/v8</div>',
    );
    expect(html).toMatch(/<td><strong>amd64<\/strong><div class="path">/);
  });

  it('should offer copy buttons for the image path and each pull command, and the CLI commands', async () => {
    const t = testbed({ publicHost: 'registry.example.com' });
    await t.push('team/app', 'v1');
    const html = await t.page('/registry/repositories/team/app');
    expect(html).toContain(
      '<code>registry.example.com/team/app</code> <button type="button" class="copy" data-copy="registry.example.com/team/app" aria-label="Copy image path"',
    );
    expect(html).toContain('data-copy="docker pull registry.example.com/team/app:v1" aria-label="Copy pull command for v1"');
    expect(html).toContain('<details class="cli"><summary>CLI commands</summary>');
    for (const command of [
      'docker login registry.example.com',
      'docker build -t registry.example.com/team/app .',
      'docker push registry.example.com/team/app',
    ]) {
      expect(html).toContain(`<code>${command}</code><button type="button" class="copy" data-copy="${command}"`);
    }
    // the copy buttons wait for the script; the text is there without it
    expect(html).toContain('.copy { display: none; }');
    expect(html).toContain('.js .copy {');
  });

  it('should give a user who may delete the tag checkboxes, remove buttons and the dialog', async () => {
    const t = testbed({ userExtra: { deletable: everythingVisible } });
    for (const tag of ['v1', 'v2']) await t.push('team/app', tag);
    const html = await t.page('/registry/repositories/team/app');
    expect(html).toContain(
      '<input type="checkbox" name="all" value="page" data-select-all="true" aria-label="Select all tags on this page"/>',
    );
    expect(html).toContain('<input type="checkbox" name="tag" value="v2" aria-label="Select tag v2"/>');
    expect(html).toContain('name="one" value="v1" aria-label="Remove tag v1"');
    expect(html).toContain('>Remove selected tags</button>');
    expect(html).toContain('action="/registry/repositories/team/app/-/remove-tags"');
    expect(html).toContain('action="/registry/repositories/team/app/-/delete"');
    expect(html).toContain('data-confirm="{&quot;title&quot;:&quot;Delete repository team/app&quot;');
    expect(html).toContain('<dialog id="wharf-confirm" class="confirm" aria-labelledby="wharf-confirm-title"');
    expect(tagNames(html)).toEqual(['v1', 'v2']);
  });

  it('should offer no delete controls when the registry has deletes turned off', async () => {
    const t = testbed({ userExtra: { deletable: everythingVisible } });
    await t.push('team/app', 'v1');
    (t.registry.api as { deletesEnabled: boolean }).deletesEnabled = false;
    const html = await t.page('/registry/repositories/team/app');
    expect(html).not.toContain('Remove tag');
    expect(html).not.toContain('Delete repository');
    const r = await t.post('/registry/repositories/team/app/-/delete', { confirm: 'yes' });
    expect(r.status).toBe(403);
    expect(await r.text()).toContain('Deleting is turned off on this registry.');
  });
});
