/**
 * The example host app (examples/host-app) as a process: a Node service with its own users and
 * cookie sign-in that mounts the registry, the token service and the registry page. Checked
 * the way its users meet it: the token flow `docker login` and `docker push` go through, and
 * the page in chromium after signing in on the host's own form.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useBrowser } from './browser.js';
import { repositoryNames, tagNames } from './pages.js';
import { type Credentials, listTags, PushRefused, pushImage, requestToken } from './registry-client.js';
import { type ServerProcess, startHostApp } from './server-process.js';

const alice: Credentials = { user: 'alice', password: 'wonderland' };
const bob: Credentials = { user: 'bob', password: 'builder' };

/** Sign in on the host's own form, coming from its registry page, and land back there. */
async function hostSignIn(page: Page, who: Credentials): Promise<void> {
  await page.goto('/registry');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/login');
  await page.getByLabel('Username').fill(who.user);
  await page.getByLabel('Password').fill(who.password);
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/registry')), page.getByRole('button', { name: 'Sign in' }).click()]);
}

describe('the example host app', () => {
  const browser = useBrowser();
  let host: ServerProcess | undefined;
  const base = () => host?.url ?? '';

  beforeAll(async () => {
    host = await startHostApp();
  });
  afterAll(async () => {
    await host?.stop();
  });
  beforeEach(({ onTestFailed }) => {
    const from = host?.log.length ?? 0;
    onTestFailed(() => console.error(`--- host app log (pid ${host?.pid}) ---\n${host?.log.slice(from).slice(-200).join('\n')}`));
  });

  it("should answer docker login's token request for its own users and take a push with the token", async () => {
    const login = await requestToken(base(), alice);
    expect(login.status).toBe(200);
    const check = await fetch(`${base()}/v2/`, { headers: { Authorization: `Bearer ${login.token}` } });
    expect(check.status).toBe(200);
    expect((await requestToken(base(), { user: 'alice', password: 'wrong' })).status).toBe(401);

    await pushImage(base(), alice, 'alice/demo', ['v1', 'v2', 'latest']);
    expect(await listTags(base(), alice, 'alice/demo')).toEqual({ status: 200, tags: ['latest', 'v1', 'v2'] });
    // bob may read alice's images but not push to them
    expect((await listTags(base(), bob, 'alice/demo')).status).toBe(200);
    await expect(pushImage(base(), bob, 'alice/demo', ['bob'])).rejects.toBeInstanceOf(PushRefused);
  });

  it("should show the pushed image at /registry after signing in through the host's own /login", async () => {
    const page = await browser.page({ baseURL: base() });
    await page.goto('/registry');
    await page.getByText('Not signed in').waitFor();
    expect(await repositoryNames(page)).not.toContain('alice/demo');

    await hostSignIn(page, alice);
    await page.getByText('Signed in as Alice').waitFor();
    expect(await repositoryNames(page)).toContain('alice/demo');
    await page.getByRole('link', { name: 'alice/demo', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/registry/repositories/alice/demo');
    expect(await tagNames(page)).toEqual(expect.arrayContaining(['latest', 'v1', 'v2']));
  });

  it('should remove a tag on the registry page for the owner of the namespace', async () => {
    const before = (await listTags(base(), alice, 'alice/demo')).tags;
    expect(before).toContain('v1');
    const page = await browser.page({ baseURL: base() });
    await hostSignIn(page, alice);
    await page.goto('/registry/repositories/alice/demo');
    await page.getByRole('button', { name: 'Remove tag v1', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Remove tag', exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Remove tag', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'v1' }).waitFor();
    expect(await tagNames(page)).not.toContain('v1');
    expect((await listTags(base(), alice, 'alice/demo')).tags).toEqual(before.filter((t) => t !== 'v1'));
  });

  it("should show a reader the namespace's images without delete controls", async () => {
    const page = await browser.page({ baseURL: base() });
    await hostSignIn(page, bob);
    await page.goto('/registry/repositories/alice/demo');
    expect(await tagNames(page)).toContain('latest');
    expect(await page.getByRole('button', { name: /^Remove tag/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete repository' }).count()).toBe(0);
  });

  it("should sign out through the page header's button into the host's sign-in page", async () => {
    const page = await browser.page({ baseURL: base() });
    await hostSignIn(page, alice);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await page.goto('/registry');
    await page.getByText('Not signed in').waitFor();
    expect(await repositoryNames(page)).not.toContain('alice/demo');
  });
});
