/**
 * POST `/namespaces/<path>/-/settings/cleanup` — the cleanup form's two buttons: "Save
 * changes" saves the policy and redirects back with a confirmation; "Preview cleanup"
 * dry-runs the form's policy unsaved and shows the tags it would remove now. Either way a
 * field with a mistake re-renders the form as typed with the explanation beside it (400),
 * and nothing is saved.
 * @module
 */
import type { Context } from 'hono';
import { CleanupPolicyError, type CleanupPolicyInput } from '@wharf/core';
import { type CleanupFieldErrors, formFieldOf, readCleanupForm } from '../cleanup-fields.js';
import type { UiUser } from '../options.js';
import type { CleanupPreview } from '../views/cleanup-form.js';
import type { UiRoutes } from './context.js';
import { changeableNamespace, renderSettings, settingsHref } from './namespace-settings.js';

/** Tags a preview names, at most (the rest are counted). */
const PREVIEW_TAGS = 500;
/** Names asked of a visibility filter at once (core's batch size). */
const VISIBILITY_BATCH = 256;

export async function postCleanup(c: Context, ui: UiRoutes, path: string): Promise<Response> {
  const form = await c.req.parseBody();
  const user = await ui.userOf(c);
  const refused = await ui.refuseForgery(c, user, form);
  if (refused) return refused;
  const ns = await changeableNamespace(ui, user, path);
  if (!ns) return ui.notFound(c, user);

  const { values, input, errors } = readCleanupForm(form);
  if (!input) return renderSettings(c, ui, user, ns, { values, errors }, 400);
  const preview = form.action === 'preview';
  try {
    if (preview) return renderSettings(c, ui, user, ns, { values, preview: await previewOf(ui, user, path, input) });
    await ui.management.cleanup.policies.save(path, input);
  } catch (error) {
    // The form checks what core checks; this is for a rule core gains later.
    const fieldErrors = error instanceof CleanupPolicyError ? errorsOf(error) : {};
    if (Object.keys(fieldErrors).length === 0) throw error;
    return renderSettings(c, ui, user, ns, { values, errors: fieldErrors }, 400);
  }
  return c.redirect(settingsHref(ui.baseOf(c), path, 'cleanup'), 303);
}

/** A dry run of `input` over `path`, naming only the tags of repositories `user` may see. */
async function previewOf(ui: UiRoutes, user: UiUser, path: string, input: CleanupPolicyInput): Promise<CleanupPreview> {
  const result = await ui.management.cleanup.runner.run(path, {
    dryRun: true,
    policy: input,
    ...(user.principal !== undefined ? { principal: user.principal } : {}),
  });
  const plans = result.plans.filter((p) => p.delete.length > 0);
  const visible = new Set<string>();
  for (let i = 0; i < plans.length; i += VISIBILITY_BATCH) {
    for (const name of await user.visible(plans.slice(i, i + VISIBILITY_BATCH).map((p) => p.repository))) visible.add(name);
  }
  const tags: string[] = [];
  let more = 0;
  let hidden = 0;
  for (const plan of plans) {
    if (!visible.has(plan.repository)) {
      hidden += plan.delete.length;
      continue;
    }
    for (const tag of plan.delete) {
      if (tags.length < PREVIEW_TAGS) tags.push(`${plan.repository}:${tag}`);
      else more++;
    }
  }
  return { tags, more, hidden };
}

/** The issues of `error` about the form's fields, by field (others are left out). */
function errorsOf(error: CleanupPolicyError): CleanupFieldErrors {
  const errors: CleanupFieldErrors = {};
  for (const issue of error.issues) {
    const field = formFieldOf(issue.field);
    if (field) errors[field] ??= `${issue.message.charAt(0).toUpperCase()}${issue.message.slice(1)}.`;
  }
  return errors;
}
