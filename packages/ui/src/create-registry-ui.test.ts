import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { createRegistry, everythingVisible, MemoryStorage } from '@wharf/core';
import { createRegistryUi } from './create-registry-ui.js';
import { nextLink, repositoryLinks, testbed } from './test-support.js';

describe('the repository list', () => {
  it('should list repositories with image path, tag count, size and last update in an accessible table', async () => {
    const t = testbed({ publicHost: 'registry.example.com' });
    t.at('2026-02-01T10:00:00Z');
    await t.push('team/app', 'v1');
    t.at('2026-02-02T11:30:00Z');
    await t.push('team/app', 'v2');
    await t.push('team/app/api', 'v1');
    const html = await t.page('/registry/');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(repositoryLinks(html)).toEqual(['team/app', 'team/app/api']);
    expect(html).toContain('<code>registry.example.com/team/app</code>');
    expect(html).toMatch(
      /<td class="num">2<\/td><td class="num">[\d.]+ KiB<\/td><td><time datetime="2026-02-02T11:30:00.000Z">2026-02-02 11:30 UTC<\/time>/,
    );
    expect(html).toContain('<th scope="col">Repository</th>');
    expect(html).toMatch(/<label>Search by name<input type="search" name="search"/);
    expect(html).toContain('Signed in as alice');
    expect(html).toContain('prefers-color-scheme: dark');
    expect(html).toContain(':focus-visible');
  });

  it('should answer at the mount point with or without a trailing slash, with safe headers', async () => {
    const t = testbed();
    await t.push('team/app', 'v1');
    for (const path of ['/registry', '/registry/']) {
      const r = await t.host.request(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(repositoryLinks(await r.text())).toEqual(['team/app']);
    }
  });

  it('should show the commands to push a first image when the registry is empty, with the request host', async () => {
    const html = await testbed().page('/registry/');
    expect(html).toContain('There are no container images stored for this registry');
    expect(html).toContain(
      'docker login localhost\ndocker build -t localhost/group/project/image:latest .\ndocker push localhost/group/project/image:latest',
    );
    expect(html).not.toContain('<table>');
  });

  it('should offer the CLI commands with a placeholder path and a copy button per image path', async () => {
    const t = testbed({ publicHost: 'registry.example.com' });
    await t.push('team/app', 'v1');
    const html = await t.page('/registry/');
    expect(html).toContain('<details class="cli"><summary>CLI commands</summary>');
    expect(html).toContain('<code>docker build -t registry.example.com/group/project/image .</code>');
    expect(html).toContain('<code>docker push registry.example.com/group/project/image</code>');
    expect(html).toContain('data-copy="registry.example.com/team/app" aria-label="Copy image path of team/app"');
    // live search replaces this region
    expect(html).toMatch(/<div data-results="true"><div class="table-wrap">/);
    expect(html).toMatch(/<form class="filters" method="get" action="\/registry" data-live="true">/);
  });

  it('should search by name and say so when nothing matches', async () => {
    const t = testbed();
    for (const name of ['team/app', 'team/app/api', 'other/web']) await t.push(name, 'v1');
    expect(repositoryLinks(await t.page('/registry/?search=app'))).toEqual(['team/app', 'team/app/api']);
    const none = await t.page('/registry/?search=nothing');
    expect(repositoryLinks(none)).toEqual([]);
    expect(none).toContain('No repository matches “nothing”.');
    expect(none).toContain('value="nothing"');
  });

  it('should sort by name or by last update, newest first by default', async () => {
    const t = testbed();
    for (const [i, name] of ['b/two', 'a/three', 'c/one'].entries()) {
      t.at(`2026-03-0${i + 1}T00:00:00Z`);
      await t.push(name, 'v1');
    }
    expect(repositoryLinks(await t.page('/registry/'))).toEqual(['a/three', 'b/two', 'c/one']);
    expect(repositoryLinks(await t.page('/registry/?sort=name&order=desc'))).toEqual(['c/one', 'b/two', 'a/three']);
    expect(repositoryLinks(await t.page('/registry/?sort=updated'))).toEqual(['c/one', 'a/three', 'b/two']);
    expect(repositoryLinks(await t.page('/registry/?sort=updated&order=asc'))).toEqual(['b/two', 'a/three', 'c/one']);
    expect(repositoryLinks(await t.page('/registry/?sort=bogus&order=bogus'))).toEqual(['a/three', 'b/two', 'c/one']);
  });

  it('should page with the keyset cursor, keeping the search and sort in the links', async () => {
    const t = testbed();
    const names = ['p/a', 'p/b', 'p/c', 'p/d', 'p/e', 'q/x'];
    for (const name of names) await t.push(name, 'v1');
    let html = await t.page('/registry/?search=p%2F&per_page=2&order=desc');
    expect(html).not.toContain('First page');
    const seen: string[] = [];
    for (;;) {
      seen.push(...repositoryLinks(html));
      const next = nextLink(html);
      if (!next) break;
      expect(next).toMatch(/^\/registry\?search=p%2F&sort=name&order=desc&per_page=2&cursor=/);
      html = await t.page(next);
      expect(html).toContain('First page');
    }
    expect(seen).toEqual(['p/e', 'p/d', 'p/c', 'p/b', 'p/a']);
  });

  it('should never show a repository the user may not read, not even in a next-page link', async () => {
    const t = testbed({ visible: async (names) => names.filter((n) => !n.startsWith('secret/')) });
    for (const name of ['a/one', 'secret/b', 'c/two', 'secret/d', 'secret/z']) await t.push(name, 'v1');
    for (const sort of ['name', 'updated']) {
      let html = await t.page(`/registry/?per_page=1&sort=${sort}`);
      const pages = [html];
      for (let next = nextLink(html); next; next = nextLink(html)) {
        const cursor = new URL(next, 'http://x').searchParams.get('cursor') ?? '';
        expect(Buffer.from(cursor, 'base64url').toString()).not.toContain('secret');
        html = await t.page(next);
        pages.push(html);
      }
      expect(pages.flatMap(repositoryLinks).sort()).toEqual(['a/one', 'c/two']);
      expect(pages.join('')).not.toContain('secret');
      // the last visible repository ends the listing: no link to an empty page of hidden ones
      expect(pages).toHaveLength(2);
    }
    expect(repositoryLinks(await t.page('/registry/?search=secret'))).toEqual([]);
  });

  it('should escape what the visitor and the host supply', async () => {
    const t = testbed({ user: '<img src=x onerror=alert(1)>', publicHost: 'registry.example.com"><script>x</script>' });
    await t.push('team/app', 'v1');
    const html = await t.page(`/registry/?search=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('Signed in as &lt;img src=x onerror=alert(1)&gt;');
    const list = await t.page('/registry/');
    expect(list).not.toContain('<script>');
    expect(list).toContain('<code>registry.example.com&quot;&gt;&lt;script&gt;x&lt;/script&gt;/team/app</code>');
  });

  it('should answer a cursor it did not make with 400 and a link to the first page', async () => {
    const t = testbed();
    await t.push('team/app', 'v1');
    const html = await t.page('/registry/?cursor=not-a-cursor', 400);
    expect(html).toContain('Page link out of date');
    expect(html).toContain('href="/registry"');
  });

  it('should work mounted at the root of a host', async () => {
    const ui = createRegistryUi({
      management: createRegistry({ storage: new MemoryStorage() }).management,
      currentUser: () => ({ name: null, visible: everythingVisible }),
    });
    const html = await (await ui.request('/')).text();
    expect(html).toContain('<a href="/">Container Registry</a>');
    expect(html).toContain('Not signed in');
  });

  it("should pass on the host's HTTPException from currentUser, such as a redirect to its sign-in", async () => {
    const ui = createRegistryUi({
      management: createRegistry({ storage: new MemoryStorage() }).management,
      currentUser: () => {
        throw new HTTPException(302, { res: new Response(null, { status: 302, headers: { Location: '/login' } }) });
      },
    });
    const r = await ui.request('/');
    expect([r.status, r.headers.get('location')]).toEqual([302, '/login']);
  });

  it('should refuse a page size outside 1 to 100', async () => {
    const management = createRegistry({ storage: new MemoryStorage() }).management;
    expect(() => createRegistryUi({ management, currentUser: () => ({ name: null, visible: everythingVisible }), pageSize: 0 })).toThrow(
      RangeError,
    );
  });
});
