/** @jsxImportSource hono/jsx */
/**
 * A group's or project's settings, for who may change them: turning a project's container
 * registry off and on (when the host manages projects), and the cleanup policy. A change
 * posts, redirects back here and is confirmed in a status message.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { CleanupSection, type CleanupSectionProps } from './cleanup-form.js';
import { type Frame, Layout } from './layout.js';
import { namespaceHref, PathCrumbs } from './path-crumbs.js';

export interface SettingsPageProps {
  readonly frame: Frame;
  readonly path: string;
  readonly name: string;
  /** `Group`, `Project` or `Namespace`. */
  readonly kind: string;
  /** The confirmation of the last change, if any. */
  readonly message: string | null;
  /** The project's registry switch; `null` when it has none (a group, or no host projects). */
  readonly registry: { readonly enabled: boolean } | null;
  readonly cleanup: Omit<CleanupSectionProps, 'action' | 'csrf'>;
}

export function SettingsPage(props: SettingsPageProps): JSX.Element {
  const here = `${namespaceHref(props.frame.base, props.path)}/-/settings`;
  return (
    <Layout title={`Settings · ${props.name}`} frame={props.frame}>
      <PathCrumbs base={props.frame.base} path={props.path} current="Settings" />
      <h1>
        Settings <span class="ns-kind">{props.kind}</span>
      </h1>
      {props.message && (
        <p role="status" class="notice">
          {props.message}
        </p>
      )}
      {props.registry && <RegistrySwitch action={`${here}/registry`} csrf={props.frame.csrf} enabled={props.registry.enabled} />}
      <CleanupSection action={`${here}/cleanup`} csrf={props.frame.csrf} {...props.cleanup} />
    </Layout>
  );
}

function RegistrySwitch(props: { action: string; csrf: string | undefined; enabled: boolean }): JSX.Element {
  return (
    <section class="settings-section" aria-labelledby="registry-title">
      <h2 id="registry-title">Container registry</h2>
      <p>
        <strong>
          {props.enabled ? 'The container registry is on for this project.' : 'The container registry is off for this project.'}
        </strong>
      </p>
      <p class="muted">
        Turning it off deletes nothing: the images stay, but pushes and pulls to this project’s paths are refused and its repositories are
        no longer listed. Turning it on again restores everything.
      </p>
      <form method="post" action={props.action}>
        {props.csrf && <input type="hidden" name="_csrf" value={props.csrf} />}
        <input type="hidden" name="enabled" value={props.enabled ? 'false' : 'true'} />
        <button type="submit" class={props.enabled ? 'danger' : undefined}>
          {props.enabled ? 'Turn off the container registry' : 'Turn on the container registry'}
        </button>
      </form>
    </section>
  );
}
