/**
 * The Container Registry page of the standalone server, in a real browser (Debian's chromium
 * through playwright-core) against `wharf serve` as a process: the browser scenario
 * step by step, each change checked afterwards through the registry's own APIs.
 *
 * People: `alice` maintains the group `team` (so both its projects), `rita` is a reporter of
 * `team/app`, `nora` belongs to nothing. Both projects are private. Every test signs in on a
 * fresh context of its own; a test that changes something works on its own repository or
 * checks against what the API said just before.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useBrowser } from './browser.js';
import { clipboardText, csrfOf, focusIsVisible, formOf, postFromPage, repositoryNames, signIn, tagNames, tagRow } from './pages.js';
import { apiClient, type Credentials, listTags, PushRefused, pushImage } from './registry-client.js';
import { seedAgedTags } from './seed.js';
import { type ServerProcess, startStandalone } from './server-process.js';

const admin: Credentials = { user: 'admin', password: 'admin-browser-password-0123' };
const alice: Credentials = { user: 'alice', password: 'alice-browser-password-0123' };
const rita: Credentials = { user: 'rita', password: 'rita-browser-password-0123' };
const nora: Credentials = { user: 'nora', password: 'nora-browser-password-0123' };
const enc = encodeURIComponent;
/** A delete form as the confirmation dialog posts it (without the dialog the server asks first). */
const confirmed = (form: { action: string; fields: [string, string][] }) => ({ ...form, fields: [...form.fields, ['confirm', 'yes'] as [string, string]] });

/** Pushed over HTTP by alice in this order, so "last updated" sorts them in reverse. */
const PUSHED: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['team/app/api', ['1.0']],
  ['team/app/web', ['v1', 'v2', 'v3', 'v4', 'latest']],
  ['team/app/worker', ['v1']],
  ['team/app/old', ['v1', 'v2']],
  ['team/app/keys', ['k1', 'k2']],
  ['team/secret/hidden', ['v1']],
];
/** Pushed weeks ago (through core's API before the server starts): what a cleanup policy may remove. */
const AGED = [
  { repository: 'team/app/legacy', tag: 'stable', daysAgo: 110 },
  { repository: 'team/app/legacy', tag: 'build-1', daysAgo: 100 },
  { repository: 'team/app/legacy', tag: 'build-2', daysAgo: 90 },
  { repository: 'team/app/legacy', tag: 'build-3', daysAgo: 80 },
  { repository: 'team/app/legacy', tag: 'build-4', daysAgo: 70 },
];

describe('the registry page of the standalone server, in chromium', () => {
  const browser = useBrowser();
  let server: ServerProcess | undefined;
  const base = () => server?.url ?? '';
  const api = apiClient(base, admin);
  const open = async (who: Credentials) => {
    const page = await browser.page({ baseURL: base() });
    await signIn(page, who);
    return page;
  };

  beforeAll(async () => {
    server = await startStandalone({ adminPassword: admin.password, seed: (data) => seedAgedTags(data, AGED) });
    const must = async (method: string, path: string, body?: unknown) => {
      const res = await api(method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    for (const who of [alice, rita, nora]) await must('POST', '/users', { username: who.user, password: who.password });
    await must('POST', '/groups', { name: 'team', path: 'team', visibility: 'private' });
    await must('POST', '/projects', { path: 'app', namespace_id: 'team', visibility: 'private' });
    await must('POST', '/projects', { path: 'secret', namespace_id: 'team', visibility: 'private' });
    await must('POST', '/groups/team/members', { username: 'alice', access_level: 40 });
    await must('POST', `/projects/${enc('team/app')}/members`, { username: 'rita', access_level: 20 });
    for (const [repo, tags] of PUSHED) await pushImage(base(), alice, repo, tags);
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(({ onTestFailed }) => {
    const from = server?.log.length ?? 0;
    onTestFailed(() => console.error(`--- server log (pid ${server?.pid}) ---\n${server?.log.slice(from).slice(-200).join('\n')}`));
  });

  it('should refuse a wrong password, then sign in and show the registry page at / with an HttpOnly SameSite session cookie', async () => {
    const page = await browser.page({ baseURL: base() });
    await page.goto('/-/sign_in');
    await page.getByLabel('Username').fill(alice.user);
    await page.getByLabel('Password or personal access token').fill('not-her-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/-/sign_in');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);

    await signIn(page, alice);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('heading', { level: 1, name: 'Container Registry' }).waitFor();
    await page.getByText('Signed in as alice').waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.filter((c) => !c.name.includes('csrf'));
    expect(session.length).toBeGreaterThan(0);
    for (const c of session) expect({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite }).toEqual({ name: c.name, httpOnly: true, sameSite: expect.stringMatching(/^(Lax|Strict)$/) });
  });

  it('should find a pushed image by search, copy its image path, show the CLI commands and sort the list', async () => {
    const page = await open(alice);
    const host = server?.host;
    await page.getByLabel('Search by name').fill('web');
    await page.getByLabel('Search by name').press('Enter');
    await expect.poll(() => repositoryNames(page)).toEqual(['team/app/web']);

    await page.getByRole('row').filter({ hasText: 'team/app/web' }).getByRole('button', { name: /^Copy image path/ }).click();
    await expect.poll(() => clipboardText(page)).toBe(`${host}/team/app/web`);

    await page.locator('summary', { hasText: 'CLI commands' }).click();
    await page.getByText(`docker login ${host}`).waitFor();

    await page.getByLabel('Search by name').fill('');
    await page.getByLabel('Sort by').selectOption({ label: 'Last updated' });
    await page.getByLabel('Order').selectOption({ label: 'Descending' });
    await page.getByRole('button', { name: 'Apply' }).click();
    const byUpdate = [...PUSHED.map(([repo]) => repo)].reverse();
    // the aged repository was last updated weeks ago
    await expect.poll(() => repositoryNames(page)).toEqual([...byUpdate, 'team/app/legacy']);
    await page.getByLabel('Order').selectOption({ label: 'Ascending' });
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => repositoryNames(page)).toEqual(['team/app/legacy', ...PUSHED.map(([repo]) => repo)]);
  });

  it('should open a repository from the list and copy the pull command of a tag', async () => {
    const page = await open(alice);
    await page.getByRole('link', { name: 'team/app/web', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/repositories/team/app/web');
    await page.getByRole('heading', { level: 1, name: 'team/app/web' }).waitFor();
    expect(await tagNames(page)).toEqual(expect.arrayContaining(['latest', 'v4']));
    await tagRow(page, 'latest').getByRole('button', { name: /^Copy pull command/ }).click();
    await expect.poll(() => clipboardText(page)).toBe(`docker pull ${server?.host}/team/app/web:latest`);
  });

  it('should remove one tag through the "Remove tag" dialog', async () => {
    const before = (await listTags(base(), admin, 'team/app/web')).tags;
    expect(before).toContain('v1');
    const page = await open(alice);
    await page.goto('/repositories/team/app/web');
    await page.getByRole('button', { name: 'Remove tag v1', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Remove tag', exact: true }).waitFor();
    await dialog.getByText('v1').first().waitFor();
    await dialog.getByRole('button', { name: 'Remove tag', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'v1' }).waitFor();
    expect(await tagNames(page)).not.toContain('v1');
    expect((await listTags(base(), admin, 'team/app/web')).tags).toEqual(before.filter((t) => t !== 'v1'));
  });

  it('should remove two selected tags after one "Remove tags" confirmation', async () => {
    const before = (await listTags(base(), admin, 'team/app/web')).tags;
    expect(before).toEqual(expect.arrayContaining(['v2', 'v3']));
    const page = await open(alice);
    await page.goto('/repositories/team/app/web');
    const rows = page.getByRole('checkbox', { name: /^Select tag / });
    const ticked = () => rows.evaluateAll((boxes) => boxes.filter((b) => (b as HTMLInputElement).checked).length);
    const all = page.getByRole('checkbox', { name: 'Select all tags on this page' });
    expect(await rows.count()).toBeGreaterThan(2);
    await all.check();
    expect(await ticked()).toBe(await rows.count());
    await all.uncheck();
    expect(await ticked()).toBe(0);
    await page.getByRole('checkbox', { name: 'Select tag v2', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Select tag v3', exact: true }).check();
    await page.getByRole('button', { name: 'Remove selected tags' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Remove tags', exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Remove tags', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /2 tags|v2/ }).waitFor();
    expect(await tagNames(page)).toEqual(expect.not.arrayContaining(['v2', 'v3']));
    expect((await listTags(base(), admin, 'team/app/web')).tags).toEqual(before.filter((t) => t !== 'v2' && t !== 'v3'));
  });

  it('should delete a repository after a confirmation that names it', async () => {
    expect((await listTags(base(), admin, 'team/app/old')).status).toBe(200);
    const page = await open(alice);
    await page.goto('/repositories/team/app/old');
    await page.getByRole('button', { name: 'Delete repository', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Delete repository team/app/old', exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Delete repository', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'team/app/old' }).waitFor();
    // the deletion runs in the background (the API answers 202): wait for it, boundedly
    await expect.poll(async () => (await listTags(base(), admin, 'team/app/old')).status, { timeout: 20_000 }).toBe(404);
    await page.goto('/');
    expect(await repositoryNames(page)).not.toContain('team/app/old');
  });

  it('should explain an invalid regex next to its field, save a cleanup policy and preview what it would remove', async () => {
    // The project as GitLab's API shows it carries its cleanup policy (`container_expiration_policy`).
    const policy = async () => {
      const res = await api('GET', `/projects/${enc('team/app')}`);
      return { status: res.status, body: (res.body as { container_expiration_policy?: unknown }).container_expiration_policy };
    };
    const page = await open(alice);
    await page.goto('/namespaces/team/app/-/settings');
    await page.getByRole('checkbox', { name: 'Enable cleanup policy' }).check();
    await page.getByLabel('Run cleanup').selectOption('7d');
    await page.getByLabel('Keep the most recent').selectOption('1');
    await page.getByLabel('Remove tags older than').selectOption('30d');
    // valid for JavaScript, not for RE2 (no lookahead): the server's rules must be the ones applied
    const remove = page.getByRole('textbox', { name: 'Remove tags matching' });
    await remove.fill('build-(?!4)');
    await page.getByRole('textbox', { name: 'Keep tags matching' }).fill('stable');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForLoadState();
    const field = page.getByRole('textbox', { name: 'Remove tags matching' });
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
    const explanation = (await Promise.all(describedBy.split(/\s+/).filter(Boolean).map((id) => page.locator(`[id="${id}"]`).textContent()))).join(' ');
    expect(explanation).toMatch(/pattern|regular expression|regex/i);
    const unsaved = await policy();
    expect(unsaved.status).toBe(200);
    expect((unsaved.body as { name_regex?: string }).name_regex).not.toBe('build-(?!4)');

    await field.fill('build-.*');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: /saved/i }).waitFor();
    const saved = await policy();
    expect(saved).toMatchObject({
      status: 200,
      body: { enabled: true, cadence: '7d', keep_n: 1, older_than: '30d', name_regex: 'build-.*', name_regex_keep: 'stable' },
    });

    await page.getByRole('button', { name: 'Preview cleanup' }).click();
    const heading = page.getByRole('heading', { name: 'Tags the policy would remove now' });
    await heading.waitFor();
    const preview = (await heading.locator('xpath=..').textContent()) ?? '';
    for (const tag of ['build-1', 'build-2', 'build-3']) expect(preview).toContain(tag);
    for (const tag of ['build-4', 'stable']) expect(preview).not.toContain(tag);
    // a preview is a dry run
    expect((await listTags(base(), admin, 'team/app/legacy')).tags).toEqual(['build-1', 'build-2', 'build-3', 'build-4', 'stable']);
  });

  it('should turn the registry off (pushes and pulls refused, with a clear error) and on again with nothing lost', async () => {
    const before = (await listTags(base(), alice, 'team/app/web')).tags;
    expect(before.length).toBeGreaterThan(0);
    const page = await open(alice);
    await page.goto('/namespaces/team/app/-/settings');
    await page.getByRole('button', { name: 'Turn off the container registry' }).click();
    await page.getByRole('button', { name: 'Turn on the container registry' }).waitFor();

    const refused = await pushImage(base(), alice, 'team/app/web', ['after-off']).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(PushRefused);
    expect((refused as PushRefused).status).toBeGreaterThanOrEqual(401);
    expect((refused as PushRefused).body).toMatch(/registry.*(turned off|disabled|off)/i);
    expect((await listTags(base(), alice, 'team/app/web')).status).not.toBe(200);

    await page.getByRole('button', { name: 'Turn on the container registry' }).click();
    await page.getByRole('button', { name: 'Turn off the container registry' }).waitFor();
    expect(await listTags(base(), alice, 'team/app/web')).toEqual({ status: 200, tags: before });
    await pushImage(base(), alice, 'team/app/web', ['after-on']);
    expect((await listTags(base(), alice, 'team/app/web')).tags).toContain('after-on');
  });

  it('should sign out and end the session for good', async () => {
    const page = await open(alice);
    const cookies = await page.context().cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForLoadState();
    expect(await page.getByText('Signed in as alice').count()).toBe(0);
    // the cookie of the ended session, replayed, signs no one in
    const replay = await browser.page({ baseURL: base() });
    await replay.context().addCookies(cookies);
    const res = await replay.goto('/repositories/team/app/web');
    expect(res?.status()).not.toBe(200);
    expect(await replay.getByText('Signed in as alice').count()).toBe(0);
  });

  it('should show a reporter the tags without delete controls, and refuse her delete anyway', async () => {
    const maintainer = await open(alice);
    await maintainer.goto('/repositories/team/app/web');
    // the form the dialog posts once confirmed: the row's form with confirm=yes
    const removeForm = confirmed(await formOf(maintainer.getByRole('button', { name: 'Remove tag v4', exact: true })));

    const page = await open(rita);
    await page.goto('/repositories/team/app/web');
    expect(await tagNames(page)).toContain('v4');
    expect(await page.getByRole('button', { name: /^Remove tag/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Remove selected tags' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete repository' }).count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: /^Select/ }).count()).toBe(0);

    expect(await postFromPage(page, removeForm.action, removeForm.fields, await csrfOf(page))).toBe(403);
    expect((await listTags(base(), admin, 'team/app/web')).tags).toContain('v4');
  });

  it('should refuse a forged form post (another origin, or a wrong token) and keep the tag', async () => {
    const page = await open(alice);
    await page.goto('/repositories/team/app/web');
    const { action, fields } = confirmed(await formOf(page.getByRole('button', { name: 'Remove tag v4', exact: true })));

    // a wrong secret from the page's own origin
    expect(await postFromPage(page, action, fields, 'forged-forged-forged-forged-forged-0123')).toBe(403);

    // the same form on an attacker's page of another origin (same site: the cookies go along)
    const evil = `http://127.0.0.1:${Number(new URL(base()).port) + 1}/`;
    const inputs = fields
      .filter(([k]) => k !== '_csrf')
      .map(([k, v]) => `<input type="hidden" name="${k.replace(/"/g, '&quot;')}" value="${v.replace(/"/g, '&quot;')}">`)
      .join('');
    await page.route(evil, (route) =>
      route.fulfill({ contentType: 'text/html', body: `<!doctype html><form method="post" action="${action}">${inputs}<button>Win a prize</button></form>` }),
    );
    await page.goto(evil);
    const [answer] = await Promise.all([page.waitForResponse((r) => r.url() === action), page.getByRole('button', { name: 'Win a prize' }).click()]);
    expect(answer.status()).toBe(403);
    expect((await listTags(base(), admin, 'team/app/web')).tags).toContain('v4');

    // the control: the same post with the page's own secret from its own origin goes through
    await page.goto('/repositories/team/app/web');
    expect(await postFromPage(page, action, fields, await csrfOf(page))).toBe(303);
    expect((await listTags(base(), admin, 'team/app/web')).tags).not.toContain('v4');
  });

  it('should answer a non-member 404 for a private project and its repositories, as for a missing one', async () => {
    const page = await open(nora);
    expect((await page.goto('/namespaces/team/secret'))?.status()).toBe(404);
    const hiddenTitle = await page.getByRole('heading', { level: 1 }).textContent();
    expect((await page.goto('/repositories/team/secret/hidden'))?.status()).toBe(404);
    expect((await page.goto('/namespaces/team/app'))?.status()).toBe(404);
    expect((await page.goto('/namespaces/team/no-such-project'))?.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(hiddenTitle);
    await page.goto('/');
    expect((await repositoryNames(page)).filter((n) => n.startsWith('team/'))).toEqual([]);
  });

  it('should open, cancel and confirm the remove dialog with the keyboard alone, focus always visible', async () => {
    const page = await open(alice);
    await page.goto('/repositories/team/app/keys');
    const trigger = page.getByRole('button', { name: 'Remove tag k1', exact: true });
    // reach the button by Tab from the top of the page
    let reached = false;
    for (let i = 0; i < 100 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await trigger.evaluate((el) => el === document.activeElement);
    }
    expect(reached).toBe(true);
    expect((await focusIsVisible(page)).visible).toBe(true);

    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Remove tag', exact: true }).waitFor();
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    expect((await focusIsVisible(page)).visible).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await trigger.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await listTags(base(), admin, 'team/app/keys')).tags).toEqual(['k1', 'k2']);

    await page.keyboard.press('Enter');
    await dialog.getByRole('heading', { name: 'Remove tag', exact: true }).waitFor();
    const confirm = dialog.getByRole('button', { name: 'Remove tag', exact: true });
    let onConfirm = false;
    for (let i = 0; i < 10 && !onConfirm; i++) {
      onConfirm = await confirm.evaluate((el) => el === document.activeElement);
      if (!onConfirm) await page.keyboard.press('Tab');
    }
    expect(onConfirm).toBe(true);
    expect((await focusIsVisible(page)).visible).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'k1' }).waitFor();
    expect((await listTags(base(), admin, 'team/app/keys')).tags).toEqual(['k2']);
  });
});
