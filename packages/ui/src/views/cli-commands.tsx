/** @jsxImportSource hono/jsx */
/**
 * The "CLI commands" panel: how to sign in to the registry, build an image for a path and push
 * it, each with a copy button. Closed by default (a `<details>`, so it opens without JavaScript);
 * shown on the repository list, on a repository (its own path) and on group and project pages.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { CopyableCode } from './copy-button.js';

export interface CliCommandsProps {
  /** The registry host people push to (`registry.example.com`). */
  readonly host: string;
  /** The image path under the host: a repository, or a placeholder such as `group/project/image`. */
  readonly path: string;
}

export function CliCommands(props: CliCommandsProps): JSX.Element {
  const image = `${props.host}/${props.path}`;
  const commands: ReadonlyArray<readonly [text: string, label: string]> = [
    [`docker login ${props.host}`, 'Copy docker login command'],
    [`docker build -t ${image} .`, 'Copy docker build command'],
    [`docker push ${image}`, 'Copy docker push command'],
  ];
  return (
    <details class="cli">
      <summary>CLI commands</summary>
      <p class="muted">Sign in with your user name and a password or personal access token, then build and push:</p>
      <ul class="commands">
        {commands.map(([text, label]) => (
          <li>
            <CopyableCode text={text} label={label} />
          </li>
        ))}
      </ul>
    </details>
  );
}
