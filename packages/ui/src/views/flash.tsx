/** @jsxImportSource hono/jsx */
/**
 * The status message after a change ("Removed tag v1."): set by the action that answers 303,
 * shown once by the page it redirects to. It travels in a short-lived HttpOnly cookie holding
 * a code, never text: the page rebuilds the message from fixed templates, and a code that does
 * not parse (an old or planted cookie) shows nothing. Names in it are checked against the tag
 * and repository grammars, so no one can make the page say something of their choosing. A
 * message is shown only where it belongs (tags: that repository's page; a deleted repository:
 * the list), so it cannot turn up on a page opened in another tab meanwhile.
 * @module
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { explainInvalidName, isValidTag } from '@wharf/core';

/** What a change did, for the message after it. */
export type Flash =
  | {
      readonly kind: 'tags';
      readonly repository: string;
      readonly removed: number;
      /** Tags that were already gone (reported, not an error). */
      readonly gone: number;
      readonly failed: number;
      /** The tag's name when the request named exactly one. */
      readonly tag?: string;
    }
  | { readonly kind: 'repository-deleting' | 'repository-gone'; readonly name: string };

/** Where a message is shown: a repository's page, or the repository list. */
export type FlashPlace = { readonly repository: string } | 'list';

/** A message ready to show. */
export interface FlashNote {
  readonly text: string;
  /** `warn` when part of the change failed. */
  readonly tone: 'ok' | 'warn';
}

const COOKIE = 'wharf_ui_flash';
/** Long enough for the redirect, short enough not to surprise on a later visit. */
const MAX_AGE_SECONDS = 60;
const COUNT = /^\d{1,4}$/;

const cookiePath = (base: string) => base || '/';
const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

/** Leave a message for the next page under `base` (call before answering the redirect). */
export function setFlash(c: Context, base: string, flash: Flash): void {
  const code =
    flash.kind === 'tags'
      ? ['tags', flash.repository, flash.removed, flash.gone, flash.failed, flash.tag ?? ''].join(':')
      : `${flash.kind}:${flash.name}`;
  setCookie(c, COOKIE, code, { path: cookiePath(base), httpOnly: true, sameSite: 'Lax', secure: isHttps(c), maxAge: MAX_AGE_SECONDS });
}

/**
 * The message left for the page at `place`, if any; it is shown once (the cookie is cleared).
 * A message for another place is left for it (until it expires); one that does not parse is dropped.
 */
export function takeFlash(c: Context, base: string, place: FlashPlace): FlashNote | null {
  const code = getCookie(c, COOKIE);
  if (code === undefined) return null;
  const flash = parseFlash(code);
  const here = flash && (flash.kind === 'tags' ? place !== 'list' && place.repository === flash.repository : place === 'list');
  if (flash && !here) return null;
  deleteCookie(c, COOKIE, { path: cookiePath(base), secure: isHttps(c) });
  return flash ? flashNote(flash) : null;
}

/** The code back to a {@link Flash}, or `null` for anything this module did not write. */
export function parseFlash(code: string): Flash | null {
  const [kind, ...rest] = code.split(':');
  if (kind === 'tags' && rest.length === 5) {
    const [repository, removed, gone, failed, tag] = rest as [string, string, string, string, string];
    if (explainInvalidName(repository) !== null || ![removed, gone, failed].every((n) => COUNT.test(n))) return null;
    if (tag !== '' && !isValidTag(tag)) return null;
    return { kind, repository, removed: Number(removed), gone: Number(gone), failed: Number(failed), ...(tag ? { tag } : {}) };
  }
  if ((kind === 'repository-deleting' || kind === 'repository-gone') && rest.length === 1) {
    const name = rest[0] as string;
    return explainInvalidName(name) === null ? { kind, name } : null;
  }
  return null;
}

const tags = (n: number) => (n === 1 ? '1 tag' : `${n} tags`);

/** The sentence for a {@link Flash}. */
export function flashNote(flash: Flash): FlashNote {
  if (flash.kind !== 'tags') {
    const text =
      flash.kind === 'repository-deleting' ? `Repository ${flash.name} is being deleted.` : `Repository ${flash.name} was already gone.`;
    return { text, tone: 'ok' };
  }
  const { removed, gone, failed, tag } = flash;
  const parts: string[] = [];
  if (removed > 0) parts.push(tag ? `Removed tag ${tag}.` : `Removed ${tags(removed)}.`);
  if (gone > 0) parts.push(tag ? `Tag ${tag} was already gone.` : `${tags(gone)} ${gone === 1 ? 'was' : 'were'} already gone.`);
  if (failed > 0) parts.push(tag ? `Tag ${tag} could not be removed; try again.` : `${tags(failed)} could not be removed; try again.`);
  if (parts.length === 0) parts.push('Nothing was removed.');
  return { text: parts.join(' '), tone: failed > 0 ? 'warn' : 'ok' };
}

/** The message as a polite status line (screen readers read it when the page loads). */
export function FlashMessage(props: { note: FlashNote | null | undefined }): JSX.Element | null {
  if (!props.note) return null;
  return (
    <p class={`flash ${props.note.tone}`} role="status">
      {props.note.text}
    </p>
  );
}
