/**
 * Regenerates docs/screenshots/: the standalone server with sample images (a process, as in
 * the browser tests), signed in with Debian's chromium, each main page in light and dark.
 *
 *   npm run screenshots      (builds, then `node test/browser/run-ts.mjs test/browser/screenshots.ts`)
 *
 * Every shot is attempted even when an earlier one fails; the exit status says whether all
 * were written.
 */
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { signIn } from './pages.js';
import { apiClient, type Credentials, pushImage } from './registry-client.js';
import { seedAgedTags } from './seed.js';
import { repoRoot, startStandalone } from './server-process.js';

const admin: Credentials = { user: 'admin', password: 'admin-screenshots-password-0123' };
const alice: Credentials = { user: 'alice', password: 'alice-screenshots-password-0123' };
const outDir = join(repoRoot, 'docs/screenshots');

const IMAGES: ReadonlyArray<readonly [string, readonly string[], number]> = [
  ['acme/platform/base/debian', ['bookworm', 'latest'], 30_000],
  ['acme/platform/nginx', ['1.27', 'latest'], 42_000],
  ['acme/shop/worker', ['main', 'latest'], 12_000],
  ['acme/shop/api', ['2.3.1', '2.4.0', 'latest'], 24_000],
  ['acme/shop/frontend', ['1.0.0', '1.1.0', '1.2.0', 'latest'], 18_000],
];

interface Shot {
  readonly name: string;
  /** Bring the page into the state to capture. */
  readonly go: (page: Page) => Promise<void>;
  readonly fullPage?: boolean;
}

const SHOTS: readonly Shot[] = [
  { name: 'repository-list', go: async (page) => void (await page.goto('/')) },
  { name: 'repository-tags', go: async (page) => void (await page.goto('/repositories/acme/shop/frontend')) },
  {
    name: 'remove-tag-dialog',
    go: async (page) => {
      await page.goto('/repositories/acme/shop/frontend');
      await page.getByRole('button', { name: 'Remove tag 1.0.0', exact: true }).click();
      await page.getByRole('dialog').getByRole('heading', { name: 'Remove tag', exact: true }).waitFor();
    },
  },
  { name: 'project', go: async (page) => void (await page.goto('/namespaces/acme/shop')) },
  {
    name: 'cleanup-policy',
    fullPage: true,
    go: async (page) => {
      await page.goto('/namespaces/acme/shop/-/settings');
      await page.getByRole('button', { name: 'Preview cleanup' }).click();
      await page.getByRole('heading', { name: 'Tags the policy would remove now' }).waitFor();
    },
  },
];

async function main(): Promise<number> {
  await mkdir(outDir, { recursive: true });
  const server = await startStandalone({
    adminPassword: admin.password,
    seed: (data) =>
      seedAgedTags(
        data,
        [120, 100, 80, 60, 40].map((daysAgo, i) => ({ repository: 'acme/shop/legacy', tag: `build-${i + 1}`, daysAgo })),
      ),
  });
  const failures: string[] = [];
  const browser = await launchChromium();
  try {
    const api = apiClient(() => server.url, admin);
    const must = async (method: string, path: string, body?: unknown) => {
      const res = await api(method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    await must('POST', '/users', { username: alice.user, password: alice.password });
    await must('POST', '/groups', { name: 'acme', path: 'acme', visibility: 'internal' });
    await must('POST', '/projects', { path: 'shop', namespace_id: 'acme', visibility: 'private' });
    await must('POST', '/projects', { path: 'platform', namespace_id: 'acme', visibility: 'internal' });
    await must('POST', '/groups/acme/members', { username: alice.user, access_level: 40 });
    for (const [repo, tags, bytes] of IMAGES) for (const tag of tags) await pushImage(server.url, alice, repo, [tag], bytes);
    await must('PUT', `/projects/${encodeURIComponent('acme/shop')}`, {
      container_expiration_policy_attributes: {
        enabled: true,
        cadence: '7d',
        keep_n: 1,
        older_than: '30d',
        name_regex: 'build-.*',
        name_regex_keep: 'latest|main',
      },
    });

    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ baseURL: server.url, colorScheme, viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const write = async (name: string, fullPage = false) => {
        const file = join(outDir, `${name}-${colorScheme}.png`);
        await page.screenshot({ path: file, fullPage });
        console.log(`wrote ${relative(repoRoot, file)}`);
      };
      try {
        await page.goto('/-/sign_in');
        await page.getByLabel('Username').waitFor();
        await write('sign-in');
        await signIn(page, alice);
      } catch (error) {
        failures.push(`sign-in (${colorScheme}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
      for (const shot of SHOTS) {
        try {
          await shot.go(page);
          await write(shot.name, shot.fullPage);
        } catch (error) {
          failures.push(`${shot.name} (${colorScheme}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        }
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  for (const f of failures) console.error(`not written: ${f}`);
  return failures.length ? 1 : 0;
}

process.exitCode = await main();
