/**
 * Deleting from the page: tags (one, or several chosen on a page) and whole repositories.
 *
 * | method | path | form |
 * |---|---|---|
 * | POST | `/repositories/<name>/-/remove-tags` | `one=<tag>`, or `tag=<tag>`…, or `all=page` with `page_tags`; `back`; `confirm` |
 * | POST | `/repositories/<name>/-/delete` | `confirm` |
 *
 * Each checks, in this order: the form's origin and CSRF secret (`ui.refuseForgery`), that the
 * user may read the repository (else the same 404 as a missing one) and may delete in it (else
 * 403), whatever the page showed them. A POST without `confirm=yes` changes nothing and answers
 * with the confirmation page (so the page works without JavaScript; the script's dialog posts
 * `confirm=yes` directly). The confirmed POST deletes with the user's principal in the call
 * context, so the registry's events name who did it, and answers 303 to the page it came from
 * (the list, for a deleted repository) with a status message (`views/flash.tsx`). Tags that
 * were already gone are reported, not treated as errors.
 * @module
 */
import type { Context, Hono } from 'hono';
import { eventRequest, explainInvalidName, isValidTag, RegistryError } from '@wharf/core';
import type { UiUser } from '../options.js';
import { listingHref, readListingQuery } from '../query.js';
import { CannotConfirmPage, ConfirmPage, repositoryDeletion, tagRemoval } from '../views/confirm-page.js';
import { type Flash, setFlash } from '../views/flash.js';
import { homeOf, ProblemPage } from '../views/layout.js';
import { actionsOf } from '../views/repository-page.js';
import type { UiRoutes } from './context.js';

/** Most tags one request removes: a page of the listing at its largest. */
export const MAX_TAGS_PER_REQUEST = 100;

type Form = Record<string, unknown>;

/** Whether `user` may delete tags of, and the whole of, repository `name` on this registry. */
export async function mayDelete(ui: UiRoutes, user: UiUser, name: string): Promise<boolean> {
  if (!ui.management.api.deletesEnabled || !user.deletable) return false;
  return (await user.deletable([name])).includes(name);
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).filter((s): s is string => typeof s === 'string');
const first = (v: unknown): string | undefined => strings(v)[0];

/** The tags a remove-tags form names: the row's button, else the whole page, else the ticked rows. */
function chosenTags(form: Form): string[] {
  const one = first(form.one);
  if (one !== undefined) return [one];
  const tags = first(form.all) === 'page' ? (first(form.page_tags) ?? '').split(/\s+/) : strings(form.tag);
  return [...new Set(tags.filter((t) => t !== ''))];
}

/** Back to the repository page the form came from, keeping only the listing's own parameters. */
function backTo(pagePath: string, back: string | undefined): string {
  if (!back) return pagePath;
  const q = readListingQuery(Object.fromEntries(new URLSearchParams(back)), 'name', ['name', 'created', 'updated'] as const);
  return listingHref(pagePath, 'name', q, q.cursor);
}

const isGone = (error: unknown) => error instanceof RegistryError && (error.code === 'MANIFEST_UNKNOWN' || error.code === 'NAME_UNKNOWN');

export function addTagActions(app: Hono, ui: UiRoutes): void {
  const { management } = ui;

  /** The checks every action starts with; `null` to go on. */
  const refuse = async (c: Context, user: UiUser, name: string, form: Form): Promise<Response | null> => {
    const forged = await ui.refuseForgery(c, user, form);
    if (forged) return forged;
    if (explainInvalidName(name) !== null || !(await user.visible([name])).includes(name)) return ui.notFound(c, user);
    if (await mayDelete(ui, user, name)) return null;
    const message = management.api.deletesEnabled
      ? 'You are not allowed to delete in this repository.'
      : 'Deleting is turned off on this registry.';
    return c.html(ProblemPage({ frame: ui.frameOf(c, user), title: 'Not allowed', message }), 403);
  };

  app.post('/repositories/:name{.+}/-/remove-tags', async (c) => {
    const user = await ui.userOf(c);
    const form: Form = await c.req.parseBody({ all: true });
    const name = c.req.param('name');
    const refused = await refuse(c, user, name, form);
    if (refused) return refused;

    const frame = ui.frameOf(c, user);
    const rawBack = first(form.back) ?? '';
    const back = backTo(`${frame.base}/repositories/${name}`, rawBack);
    const tags = chosenTags(form);
    const cannot = (title: string, message: string) => c.html(CannotConfirmPage({ frame, title, message, backHref: back }), 400);
    if (tags.length === 0) return cannot('No tags selected', 'Select the tags to remove first.');
    if (tags.length > MAX_TAGS_PER_REQUEST) {
      return cannot('Too many tags', `Remove at most ${MAX_TAGS_PER_REQUEST} tags at a time; you selected ${tags.length}.`);
    }
    if (!tags.every(isValidTag))
      return cannot('Not a tag', 'The form named something that is not a valid tag name. Reload the page and try again.');

    if (first(form.confirm) !== 'yes') {
      return c.html(
        ConfirmPage({
          frame,
          confirmation: tagRemoval(name, tags),
          action: actionsOf(frame.base, name).removeTags,
          fields: [...tags.map((t) => ['tag', t] as const), ['back', rawBack] as const],
          cancelHref: back,
        }),
      );
    }

    const ctx = { principal: user.principal, request: eventRequest(c.req.raw) };
    let flash: Flash;
    if (tags.length === 1) {
      const tag = tags[0] as string;
      const gone = await management.deleteTag(name, tag, ctx).then(
        () => false,
        (error: unknown) => {
          if (isGone(error)) return true;
          throw error;
        },
      );
      flash = { kind: 'tags', repository: name, removed: gone ? 0 : 1, gone: gone ? 1 : 0, failed: 0, tag };
    } else {
      const result = await management.deleteTags(name, tags, ctx);
      flash = {
        kind: 'tags',
        repository: name,
        removed: result.deleted.length,
        gone: result.notFound.length,
        failed: result.failed.length,
      };
    }
    setFlash(c, frame.base, flash);
    return c.redirect(back, 303);
  });

  app.post('/repositories/:name{.+}/-/delete', async (c) => {
    const user = await ui.userOf(c);
    const form: Form = await c.req.parseBody({ all: true });
    const name = c.req.param('name');
    const refused = await refuse(c, user, name, form);
    if (refused) return refused;

    const frame = ui.frameOf(c, user);
    if (first(form.confirm) !== 'yes') {
      const tagCount = (await management.index.summaries([name]))[0]?.tagCount ?? 0;
      return c.html(
        ConfirmPage({
          frame,
          confirmation: repositoryDeletion(name, tagCount),
          action: actionsOf(frame.base, name).deleteRepository,
          fields: [],
          cancelHref: `${frame.base}/repositories/${name}`,
        }),
      );
    }
    const gone = await management.deleteRepository(name, { principal: user.principal, request: eventRequest(c.req.raw) }).then(
      () => false,
      (error: unknown) => {
        if (isGone(error)) return true;
        throw error;
      },
    );
    setFlash(c, frame.base, { kind: gone ? 'repository-gone' : 'repository-deleting', name });
    return c.redirect(homeOf(frame.base), 303);
  });
}
