/**
 * Debian's chromium (`apt-get install -y chromium`), launched headless through
 * `playwright-core` (Playwright's own browser download needs the internet; Debian's build
 * works with playwright-core 1.x over CDP). Shared by the browser tests and the screenshot
 * script.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The browser's executable; `CHROMIUM_PATH` overrides Debian's. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launch it. @throws an error saying how to install it when it is missing */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${chromiumPath}: run \`apt-get install -y chromium\` (.ci/run installs it), or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'], headless: true });
}
