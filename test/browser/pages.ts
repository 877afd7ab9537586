/**
 * What the browser tests read off the registry page and do on it, by the accessible names a
 * person using a screen reader would hear (labels, roles, headings), never by CSS classes.
 */
import type { Locator, Page } from 'playwright-core';
import type { Credentials } from './registry-client.js';

/** Sign in on the standalone server's own form and wait to land on the page it leads to. */
export async function signIn(page: Page, who: Credentials): Promise<void> {
  await page.goto('/-/sign_in');
  await page.getByLabel('Username').fill(who.user);
  await page.getByLabel('Password or personal access token').fill(who.password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/-/sign_in'), page.getByRole('button', { name: 'Sign in' }).click()]);
}

/** The text of one column of a table, by its header's name, for every body row. */
async function column(table: Locator, header: string): Promise<string[]> {
  await table.waitFor();
  return table.evaluate((el, name) => {
    const heads = [...el.querySelectorAll('thead th')].map((th) => (th.textContent ?? '').trim());
    const index = heads.indexOf(name);
    if (index < 0) throw new Error(`no column "${name}" among ${JSON.stringify(heads)}`);
    return [...el.querySelectorAll('tbody tr')].map((tr) => {
      const cell = tr.children[index] as HTMLElement | undefined;
      // the cell's first line as rendered: the name, not the command shown under it
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered lines are what is wanted here
      return (cell?.innerText ?? '').trim().split('\n')[0]?.trim() ?? '';
    });
  }, header);
}

/** The repositories of the page's repository table, in order (none when the page has no table). */
export async function repositoryNames(page: Page): Promise<string[]> {
  const table = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Repository', exact: true }) });
  if ((await table.count()) === 0) return [];
  return column(table.first(), 'Repository');
}

/** The tags of a repository page's tag table, in order. */
export async function tagNames(page: Page): Promise<string[]> {
  const table = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Tag', exact: true }) });
  if ((await table.count()) === 0) return [];
  return column(table.first(), 'Tag');
}

/** The body row of the tag table that shows `tag`. */
export function tagRow(page: Page, tag: string): Locator {
  return page.getByRole('row').filter({ has: page.getByText(tag, { exact: true }) });
}

/** The body row of the repository table that links to `name`. */
export function repositoryRow(page: Page, name: string): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** What the page's clipboard holds (the context must have been granted clipboard access). */
export function clipboardText(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

/** A form as the page would post it: its absolute action and its fields, read from a control inside it. */
export async function formOf(control: Locator): Promise<{ action: string; fields: [string, string][] }> {
  return control.evaluate((el) => {
    const form = (el as HTMLButtonElement).form ?? el.closest('form');
    if (!form) throw new Error('the control is not in a form');
    const fields = [...new FormData(form).entries()].map(([k, v]) => [k, String(v)] as [string, string]);
    const button = el as HTMLButtonElement;
    if (button.name) fields.push([button.name, button.value]);
    return { action: form.action, fields };
  });
}

/**
 * POST `fields` to `action` from inside `page` (its cookies, its origin), as a script of
 * that page could; `_csrf` is replaced by `csrf` (the page's own secret, or a forged one).
 * @returns the status of the answer (redirects not followed)
 */
export async function postFromPage(page: Page, action: string, fields: readonly [string, string][], csrf: string): Promise<number> {
  return page.evaluate(
    async ({ action, fields, csrf }) => {
      const body = new URLSearchParams(fields.filter(([k]) => k !== '_csrf'));
      body.set('_csrf', csrf);
      const res = await fetch(action, { method: 'POST', body, redirect: 'manual' });
      return res.type === 'opaqueredirect' ? 303 : res.status;
    },
    { action, fields: [...fields], csrf },
  );
}

/** The page's CSRF secret (the `csrf-token` meta element every page with forms carries). */
export async function csrfOf(page: Page): Promise<string> {
  const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
  if (!token) throw new Error(`no csrf-token on ${page.url()}`);
  return token;
}

/** Whether the focused element shows it: `:focus-visible` and an outline or ring that is drawn. */
export async function focusIsVisible(page: Page): Promise<{ tag: string; name: string; visible: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'body', name: '', visible: false };
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0;
    const ring = style.boxShadow !== 'none' && style.boxShadow !== '';
    return { tag: el.tagName.toLowerCase(), name: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim(), visible: el.matches(':focus-visible') && (outline || ring) };
  });
}
