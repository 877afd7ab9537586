/**
 * The browser of the browser tests: Debian's `chromium` (CI installs it with apt) driven by
 * `playwright-core`, headless. One browser per test file; each test opens its own contexts
 * (fresh cookies, clipboard access granted for the copy buttons, traced), closed after the
 * test. When a test fails, a screenshot of each of its pages and a Playwright trace of each
 * context are written under a temporary directory and their paths printed
 * (`npx playwright-core show-trace <file>` opens a trace).
 *
 * There is no silent skip: without chromium every test of the file fails, saying how to
 * install it.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { launchChromium } from './chromium.js';

/** How long one Playwright action or wait may take before it fails the test. */
const ACTION_TIMEOUT_MS = 15_000;

export interface BrowserHarness {
  /**
   * A page in a fresh context of its own (clipboard read and write granted for the
   * `baseURL`'s origin), closed after the current test.
   */
  page(options?: BrowserContextOptions): Promise<Page>;
  /** A fresh context (several pages, or a page added later), closed after the current test. */
  context(options?: BrowserContextOptions): Promise<BrowserContext>;
}

const slug = (s: string) =>
  s
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/**
 * Register this file's browser: launched before its first test, closed after its last; each
 * test's contexts closed after it (with a screenshot and trace when it failed).
 */
export function useBrowser(): BrowserHarness {
  let browser: Browser | undefined;
  let artifacts: string | undefined;
  let open: BrowserContext[] = [];

  let launchError: unknown;

  beforeAll(async () => {
    // kept for each test to fail with, rather than one hook failure that reports the tests as skipped
    browser = await launchChromium().catch((error: unknown) => {
      launchError = error;
      return undefined;
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(() => {
    open = [];
    if (!browser) throw launchError;
  });
  afterEach(async ({ task }) => {
    const failed = task.result?.state === 'fail';
    const contexts = open;
    open = [];
    const written: string[] = [];
    for (const [i, context] of contexts.entries()) {
      if (failed) {
        artifacts ??= await mkdtemp(join(tmpdir(), 'wharf-browser-failures-'));
        const base = join(artifacts, `${slug(task.name)}-${i}`);
        for (const [j, page] of context.pages().entries()) {
          const file = `${base}-page${j}.png`;
          if (await page.screenshot({ path: file, fullPage: true }).then(() => true, () => false)) written.push(`${file} (${page.url()})`);
        }
        if (await context.tracing.stop({ path: `${base}-trace.zip` }).then(() => true, () => false)) written.push(`${base}-trace.zip`);
      }
      await context.close().catch(() => {});
    }
    if (written.length) console.error(`browser artifacts of "${task.name}":\n  ${written.join('\n  ')}`);
  });

  const context = async (options: BrowserContextOptions = {}): Promise<BrowserContext> => {
    if (!browser) throw new Error('the browser is not running (did beforeAll fail?)');
    const ctx = await browser.newContext(options);
    open.push(ctx);
    ctx.setDefaultTimeout(ACTION_TIMEOUT_MS);
    if (options.baseURL) await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(options.baseURL).origin });
    await ctx.tracing.start({ screenshots: true, snapshots: true });
    return ctx;
  };
  return {
    context,
    page: async (options) => (await context(options)).newPage(),
  };
}
