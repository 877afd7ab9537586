import { describe, expect, it } from 'vitest';
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
    expect(html).toContain('<a href="/registry">Container Registry</a> / <span aria-current="page">team/app</span>');
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
});
