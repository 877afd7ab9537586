/**
 * `/namespaces/<path>/-/settings` — a group's or project's settings, for who may change them
 * (everyone else gets the 404 page, as for a path that does not exist), and its POST
 * `/-/settings/registry` that turns a project's container registry off or on through the
 * host's {@link UiNamespaces.setRegistryEnabled}. The cleanup form's POST is cleanup-form.ts.
 * @module
 */
import type { Context } from 'hono';
import { DEFAULT_CLEANUP_POLICY, scheduleOf } from '@wharf/core';
import { type CleanupFieldErrors, type CleanupFormValues, formValuesOf } from '../cleanup-fields.js';
import type { UiUser } from '../options.js';
import type { CleanupPreview, CleanupRunRow } from '../views/cleanup-form.js';
import { ProblemPage } from '../views/layout.js';
import { namespaceHref } from '../views/path-crumbs.js';
import { SettingsPage } from '../views/settings-page.js';
import type { UiRoutes } from './context.js';
import { kindLabel, type NamespaceView, resolveNamespace } from './namespace-access.js';

/** Errors of a run shown in the runs table, at most. */
const RUN_ERRORS = 3;

/** The confirmations a change redirects with (`?done=`). */
const MESSAGES = {
  cleanup: 'Cleanup policy saved.',
  'registry-off': 'The container registry is now off for this project.',
  'registry-on': 'The container registry is now on for this project.',
} as const;
type Done = keyof typeof MESSAGES;

/** The settings address of `path`, with a confirmation to show. */
export function settingsHref(base: string, path: string, done?: Done): string {
  return `${namespaceHref(base, path)}/-/settings${done ? `?done=${done}` : ''}`;
}

/** The namespace if `user` may change its settings, else `null` (answer 404 then). */
export async function changeableNamespace(ui: UiRoutes, user: UiUser, path: string): Promise<NamespaceView | null> {
  const ns = await resolveNamespace(ui, user, path);
  return ns?.mayChangeSettings ? ns : null;
}

export interface SettingsState {
  /** The form as typed (after a refused save or a preview); default: the stored policy. */
  readonly values?: CleanupFormValues;
  readonly errors?: CleanupFieldErrors;
  readonly preview?: CleanupPreview;
  readonly message?: string | null;
}

/** Render the settings page of `ns` (already checked: `user` may change it). */
export async function renderSettings(
  c: Context,
  ui: UiRoutes,
  user: UiUser,
  ns: NamespaceView,
  state: SettingsState = {},
  status: 200 | 400 = 200,
) {
  const { policies } = ui.management.cleanup;
  const [stored, runState] = await Promise.all([policies.get(ns.path), policies.state(ns.path)]);
  const runs = (runState?.runs ?? []).map(
    (r): CleanupRunRow => ({
      startedAt: r.startedAt,
      status: r.status,
      deletedCount: r.deletedCount,
      failedCount: r.failedCount,
      errors: [
        ...(r.error !== undefined ? [r.error] : []),
        ...r.failed.map((f) => `${f.repository}${f.tag ? `:${f.tag}` : ''}: ${f.error}`),
      ].slice(0, RUN_ERRORS),
    }),
  );
  const hasSwitch = ui.options.namespaces !== undefined && ns.kind === 'project';
  return c.html(
    SettingsPage({
      frame: ui.frameOf(c, user),
      path: ns.path,
      name: ns.name,
      kind: kindLabel(ns.kind),
      message: state.message ?? null,
      registry: hasSwitch ? { enabled: ns.registryEnabled } : null,
      cleanup: {
        values: state.values ?? formValuesOf(stored ?? DEFAULT_CLEANUP_POLICY),
        errors: state.errors ?? {},
        saved: stored !== null,
        nextRunAt: stored?.enabled ? scheduleOf(stored, runState).nextRunAt.toISOString() : null,
        runs,
        preview: state.preview ?? null,
      },
    }),
    status,
  );
}

/** GET `/namespaces/<path>/-/settings`. */
export async function showSettings(c: Context, ui: UiRoutes, path: string): Promise<Response> {
  const user = await ui.userOf(c);
  const ns = await changeableNamespace(ui, user, path);
  if (!ns) return ui.notFound(c, user);
  const done = c.req.query('done');
  return renderSettings(c, ui, user, ns, { message: done !== undefined && Object.hasOwn(MESSAGES, done) ? MESSAGES[done as Done] : null });
}

/** POST `/namespaces/<path>/-/settings/registry` with `enabled=true|false`. */
export async function toggleRegistry(c: Context, ui: UiRoutes, path: string): Promise<Response> {
  const form = await c.req.parseBody();
  const user = await ui.userOf(c);
  const refused = await ui.refuseForgery(c, user, form);
  if (refused) return refused;
  const hosted = ui.options.namespaces;
  const ns = hosted ? await changeableNamespace(ui, user, path) : null;
  if (!hosted || !ns || ns.kind !== 'project') return ui.notFound(c, user);
  if (form.enabled !== 'true' && form.enabled !== 'false') {
    return c.html(
      ProblemPage({
        frame: ui.frameOf(c, user),
        title: 'Bad request',
        message: 'The form was incomplete. Go back, reload the page and try again.',
      }),
      400,
    );
  }
  const enabled = form.enabled === 'true';
  await hosted.setRegistryEnabled(user, path, enabled);
  return c.redirect(settingsHref(ui.baseOf(c), path, enabled ? 'registry-on' : 'registry-off'), 303);
}
