/** @jsxImportSource hono/jsx */
/**
 * Copy buttons: a piece of text to copy (an image path, a command) shown as code, and a button
 * beside it that the page's script turns on. Without JavaScript the button stays hidden (the
 * stylesheet shows `.copy` only under `html.js`) and the text is there to select by hand.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime';

export interface CopyButtonProps {
  /** What lands on the clipboard. */
  readonly text: string;
  /** The button's accessible name, saying what it copies ("Copy image path"). */
  readonly label: string;
}

/** A button the script wires to the clipboard; it announces "Copied" when done. */
export function CopyButton(props: CopyButtonProps): JSX.Element {
  return (
    <button type="button" class="copy" data-copy={props.text} aria-label={props.label} title={props.label}>
      Copy
    </button>
  );
}

/** The text as code with its copy button, for one line of a command list. */
export function CopyableCode(props: CopyButtonProps): JSX.Element {
  return (
    <span class="copyable">
      <code>{props.text}</code>
      <CopyButton text={props.text} label={props.label} />
    </span>
  );
}
