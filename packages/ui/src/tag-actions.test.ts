import { describe, expect, it } from 'vitest';
import { type DeleteEvent, everythingVisible, RegistryError, type RegistryHooks } from '@wharf/core';
import { type Testbed, tagNames, testbed } from './test-support.js';
import { flashNote, parseFlash } from './views/flash.js';

const PAGE = '/registry/repositories/team/app';
const REMOVE = `${PAGE}/-/remove-tags`;
const DELETE = `${PAGE}/-/delete`;

/** A testbed whose user may delete everything, with the registry's delete events recorded. */
function deleter(options: Parameters<typeof testbed>[0] = {}): Testbed & { events: DeleteEvent[] } {
  const t = testbed({ ...options, userExtra: { deletable: everythingVisible, principal: { id: 'alice-7' }, ...options.userExtra } });
  const events: DeleteEvent[] = [];
  (t.registry.api.hooks as RegistryHooks).onDelete = (e) => void events.push(e);
  return Object.assign(t, { events });
}

const tagsOf = async (t: Testbed, name = 'team/app') => (await t.registry.management.listTags(name)).items.map((x) => x.name);

/** Follow a 303 as a browser would, with the cookies it set; the page's HTML. */
async function follow(t: Testbed, r: Response): Promise<string> {
  expect(r.status).toBe(303);
  const cookie = r.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0])
    .join('; ');
  return (await t.host.request(r.headers.get('location') ?? '', { headers: { Cookie: cookie } })).text();
}

const hidden = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`, 'g'))].map((m) => m[1] as string);

describe('removing tags from the repository page', () => {
  it('should remove one tag, name the user in the event and say so on the page it returns to', async () => {
    const t = deleter();
    for (const tag of ['v1', 'v2']) await t.push('team/app', tag);
    expect(await t.page(PAGE)).toContain('aria-label="Remove tag v1"');
    const r = await t.post(REMOVE, { one: 'v1', confirm: 'yes' }, { from: PAGE });
    expect(r.headers.get('location')).toBe(PAGE);
    const html = await follow(t, r);
    expect(html).toContain('<p class="flash ok" role="status">Removed tag v1.</p>');
    expect(tagNames(html)).toEqual(['v2']);
    expect(await tagsOf(t)).toEqual(['v2']);
    expect(t.events).toContainEqual(expect.objectContaining({ kind: 'tag', tag: 'v1', principal: { id: 'alice-7' } }));
  });

  it('should refuse removing a protected tag with the protection\'s reason, and keep the tag', async () => {
    const t = deleter({
      tagProtection: {
        checkTagChange(change) {
          if (change.action === 'delete') throw new RegistryError('DENIED', `tag "${change.tags[0]?.tag}" is immutable in project team/app (rule "v.*")`);
        },
        protectedTags: (_repository, tags) => new Set(tags),
      },
    });
    await t.push('team/app', 'v1');
    const r = await t.post(REMOVE, { one: 'v1', confirm: 'yes' }, { from: PAGE });
    expect(r.status).toBe(403);
    expect(await r.text()).toContain('You are not allowed to do this: tag &quot;v1&quot; is immutable in project team/app (rule &quot;v.*&quot;)');
    expect(await tagsOf(t)).toEqual(['v1']);
  });

  it('should remove the row’s tag even when other rows are ticked', async () => {
    const t = deleter();
    for (const tag of ['a', 'b']) await t.push('team/app', tag);
    await follow(t, await t.post(REMOVE, { one: 'a', tag: ['b'], confirm: 'yes' }));
    expect(await tagsOf(t)).toEqual(['b']);
  });

  it('should remove two selected tags in bulk', async () => {
    const t = deleter();
    for (const tag of ['a', 'b', 'c']) await t.push('team/app', tag);
    const html = await follow(t, await t.post(REMOVE, { tag: ['a', 'c'], confirm: 'yes' }));
    expect(html).toContain('Removed 2 tags.');
    expect(await tagsOf(t)).toEqual(['b']);
  });

  it('should remove every tag of the page with select-all, and come back to the same view', async () => {
    const t = deleter();
    for (const tag of ['a', 'b', 'c', 'd']) await t.push('team/app', tag);
    const page = await t.page(`${PAGE}?per_page=2&sort=name`);
    expect(page).toContain('aria-label="Select all tags on this page"');
    expect(page).toContain('aria-label="Select tag a"');
    const [pageTags] = hidden(page, 'page_tags');
    const [back] = hidden(page, 'back');
    expect(pageTags).toBe('a b');
    const r = await t.post(REMOVE, { all: 'page', page_tags: pageTags ?? '', back: (back ?? '').replaceAll('&amp;', '&'), confirm: 'yes' });
    expect(r.headers.get('location')).toBe(`${PAGE}?sort=name&order=asc&per_page=2`);
    expect(await follow(t, r)).toContain('Removed 2 tags.');
    expect(await tagsOf(t)).toEqual(['c', 'd']);
  });

  it('should report tags that were already gone rather than fail', async () => {
    const t = deleter();
    await t.push('team/app', 'a');
    expect(await follow(t, await t.post(REMOVE, { tag: ['a', 'zzz'], confirm: 'yes' }))).toContain(
      'Removed 1 tag. 1 tag was already gone.',
    );
    expect(await follow(t, await t.post(REMOVE, { one: 'a', confirm: 'yes' }))).toContain('Tag a was already gone.');
  });

  it('should refuse more than 100 tags, no tags, or a malformed name, removing nothing', async () => {
    const t = deleter();
    await t.push('team/app', 'a');
    const many = Array.from({ length: 101 }, (_, i) => `t${i}`);
    const tooMany = await t.post(REMOVE, { tag: ['a', ...many.slice(1)], confirm: 'yes' });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain('Remove at most 100 tags at a time; you selected 101.');
    const none = await t.post(REMOVE, { confirm: 'yes' });
    expect([none.status, await none.text()]).toEqual([400, expect.stringContaining('Select the tags to remove first.')]);
    expect((await t.post(REMOVE, { tag: ['a', '../x'], confirm: 'yes' })).status).toBe(400);
    expect(await tagsOf(t)).toEqual(['a']);
  });
});

describe('confirming without JavaScript', () => {
  it('should answer an unconfirmed POST with a confirmation page whose form does the removal', async () => {
    const t = deleter();
    for (const tag of ['v1', 'v2']) await t.push('team/app', tag);
    const r = await t.post(REMOVE, { one: 'v1', back: 'name=v' }, { from: PAGE });
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(await tagsOf(t)).toEqual(['v1', 'v2']);
    expect(html).toContain('<h1 id="confirm-title">Remove tag</h1>');
    expect(html).toContain('<li><code>v1</code></li>');
    expect(html).toContain(`<form method="post" action="${REMOVE}" class="actions">`);
    expect(html).toMatch(/<button type="submit" class="danger">Remove tag<\/button><a class="button secondary" href="[^"]*">Cancel<\/a>/);
    expect(html).toContain(`href="${PAGE}?name=v&amp;sort=name&amp;order=asc">Cancel`);
    expect(hidden(html, 'confirm')).toEqual(['yes']);
    expect(hidden(html, 'tag')).toEqual(['v1']);
    const [csrf] = hidden(html, '_csrf');
    expect(csrf).toMatch(/^[\w-]{32,}$/);

    const several = await (await t.post(REMOVE, { tag: ['v1', 'v2'] })).text();
    expect(several).toContain('<h1 id="confirm-title">Remove tags</h1>');
    expect(several).toContain('>Remove tags</button>');

    // the confirmation's own form, as the browser posts it (same cookie, same fields)
    const confirmed = await t.post(REMOVE, { tag: hidden(html, 'tag'), back: 'name=v', confirm: 'yes' }, { from: PAGE });
    expect(confirmed.headers.get('location')).toBe(`${PAGE}?name=v&sort=name&order=asc`);
    expect(await tagsOf(t)).toEqual(['v2']);
  });

  it('should confirm a repository deletion by name, then delete it and go back to the list', async () => {
    const t = deleter();
    for (const tag of ['a', 'b']) await t.push('team/app', tag);
    await t.push('team/keep', 'x');
    const page = await t.page(PAGE);
    expect(page).toMatch(/<button type="submit" class="danger">Delete repository<\/button>/);
    const ask = await (await t.post(DELETE, {})).text();
    expect(ask).toContain('<h1 id="confirm-title">Delete repository team/app</h1>');
    expect(ask).toContain('<li><code>team/app (2 tags)</code></li>');
    expect(ask).toContain('>Delete repository</button>');
    expect((await t.registry.management.listRepositories()).items).toHaveLength(2);

    const r = await t.post(DELETE, { confirm: 'yes' });
    expect([r.status, r.headers.get('location')]).toEqual([303, '/registry']);
    expect(r.headers.get('set-cookie')).toContain('wharf_ui_flash=repository-deleting%3Ateam%2Fapp');
    await t.registry.management.background.settled();
    expect((await t.registry.management.listRepositories()).items.map((x) => x.name)).toEqual(['team/keep']);
    expect(t.events).toContainEqual(expect.objectContaining({ kind: 'repository', repository: 'team/app', principal: { id: 'alice-7' } }));
  });
});

describe('the trash button of a listed repository', () => {
  it('should show a delete button only on the rows the user may delete, on the list and on the group page', async () => {
    const t = deleter({ userExtra: { deletable: async (names) => names.filter((n) => n === 'team/app') } });
    await t.push('team/app', 'v1');
    await t.push('team/other', 'v1');
    for (const page of ['/registry/', '/registry/namespaces/team']) {
      const html = await t.page(page);
      expect(html, page).toContain('aria-label="Delete repository team/app"');
      expect(html, page).not.toContain('aria-label="Delete repository team/other"');
      expect(html, page).toContain('<dialog id="wharf-confirm"');
    }
  });

  it('should show no delete column to a reader', async () => {
    const t = testbed();
    await t.push('team/app', 'v1');
    const html = await t.page('/registry/');
    expect(html).not.toContain('Delete repository');
    expect(html).not.toContain('<th scope="col">Actions</th>');
  });
});

describe('who may delete', () => {
  it('should show a reader no delete controls and refuse their crafted posts with 403', async () => {
    const t = testbed({ userExtra: { deletable: async (names) => names.filter((n) => n !== 'team/app') } });
    await t.push('team/app', 'v1');
    const html = await t.page(PAGE);
    for (const text of ['Remove tag', 'Remove selected tags', 'Delete repository', 'type="checkbox"', '<dialog'])
      expect(html).not.toContain(text);
    const tag = await t.post(REMOVE, { one: 'v1', confirm: 'yes' }, { from: PAGE });
    const repo = await t.post(DELETE, { confirm: 'yes' }, { from: PAGE });
    expect([tag.status, repo.status]).toEqual([403, 403]);
    expect(await tag.text()).toContain('You are not allowed to delete in this repository.');
    expect((await t.post(REMOVE, { one: 'v1' })).status).toBe(403);
    await t.registry.management.background.settled();
    expect(await tagsOf(t)).toEqual(['v1']);
  });

  it('should offer nothing and refuse when the host gives no deletable at all', async () => {
    const t = testbed();
    await t.push('team/app', 'v1');
    expect(await t.page(PAGE)).not.toContain('Remove tag');
    expect((await t.post(DELETE, { confirm: 'yes' })).status).toBe(403);
  });

  it('should answer 404 for a repository the user may not read, as for a missing one', async () => {
    const t = deleter({ visible: async (names) => names.filter((n) => !n.startsWith('secret/')) });
    await t.push('secret/app', 'v1');
    const r = await t.post('/registry/repositories/secret/app/-/remove-tags', { one: 'v1', confirm: 'yes' });
    expect(r.status).toBe(404);
    expect(await tagsOf(t, 'secret/app')).toEqual(['v1']);
  });

  it('should change nothing for a post without the CSRF field or from another site', async () => {
    const t = deleter();
    await t.push('team/app', 'v1');
    const first = await t.host.request(PAGE);
    const cookie = first.headers
      .getSetCookie()
      .map((c) => c.split(';', 1)[0])
      .join('; ');
    const noField = await t.host.request(`http://localhost${REMOVE}`, {
      method: 'POST',
      body: new URLSearchParams({ one: 'v1', confirm: 'yes' }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost', Cookie: cookie },
    });
    expect(noField.status).toBe(403);
    expect(await noField.text()).toContain('missing its security token');
    const crossSite = await t.post(REMOVE, { one: 'v1', confirm: 'yes' }, { headers: { Origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    const crossDelete = await t.post(DELETE, { confirm: 'yes' }, { headers: { Origin: 'https://evil.example' } });
    expect(crossDelete.status).toBe(403);
    await t.registry.management.background.settled();
    expect(await tagsOf(t)).toEqual(['v1']);
    expect(t.events).toEqual([]);
  });
});

describe('the status message after a change', () => {
  it('should rebuild its text from a code and ignore any code it did not write', () => {
    expect(parseFlash('tags:team/app:2:1:0:')).toEqual({ kind: 'tags', repository: 'team/app', removed: 2, gone: 1, failed: 0 });
    const tags = { kind: 'tags', repository: 'team/app' } as const;
    expect(flashNote({ ...tags, removed: 2, gone: 1, failed: 0 }).text).toBe('Removed 2 tags. 1 tag was already gone.');
    expect(flashNote({ ...tags, removed: 0, gone: 0, failed: 3 })).toEqual({
      text: '3 tags could not be removed; try again.',
      tone: 'warn',
    });
    expect(flashNote({ kind: 'repository-deleting', name: 'team/app' }).text).toBe('Repository team/app is being deleted.');
    for (const planted of [
      'Your account is locked',
      'tags:team/app:1:0:0:<b>x</b>',
      'repository-deleting:Team/App <script>',
      'tags:team/app:1:0',
      'tags:team/app:99999:0:0:',
      'tags:1:0:0:',
    ]) {
      expect(parseFlash(planted), planted).toBeNull();
    }
  });

  it('should show once and only on its own page, which clears the cookie', async () => {
    const t = deleter();
    for (const tag of ['a', 'b']) await t.push('team/app', tag);
    const r = await t.post(REMOVE, { one: 'a', confirm: 'yes' });
    const cookie = r.headers.getSetCookie()[0]?.split(';', 1)[0] ?? '';
    expect(cookie).toBe('wharf_ui_flash=tags%3Ateam%2Fapp%3A1%3A0%3A0%3Aa');
    await t.push('team/other', 'x');
    const elsewhere = await t.host.request('/registry/repositories/team/other', { headers: { Cookie: cookie } });
    expect(await elsewhere.text()).not.toContain('Removed tag a.');
    const shown = await t.host.request(PAGE, { headers: { Cookie: cookie } });
    expect(await shown.text()).toContain('Removed tag a.');
    expect(shown.headers.getSetCookie().find((c) => c.startsWith('wharf_ui_flash='))).toMatch(/Max-Age=0/);
  });
});

describe('oversized forms', () => {
  it('should refuse a form body over 128 KiB with 413 and delete nothing', async () => {
    const t = deleter();
    await t.push('team/app', 'v1');
    const r = await t.post(`${PAGE}/-/remove-tags`, { one: 'v1', confirm: 'yes', padding: 'x'.repeat(200 * 1024) });
    expect(r.status).toBe(413);
    expect(await tagsOf(t)).toEqual(['v1']);
  });
});
