/** @jsxImportSource hono/jsx */
/**
 * Confirming a delete, two ways with the same words. Without JavaScript a delete form posts to
 * its action, which answers with {@link ConfirmPage} (the confirmation is the answer to a POST,
 * so no link or prefetch can start it); its button posts again with `confirm=yes`. With the
 * script, the same form opens {@link ConfirmDialog} instead, filled from the form's
 * `data-confirm` (the JSON of a {@link Confirmation}, or `{ one, many }` for tags chosen on the
 * page), and posts the form with `confirm=yes`.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { type Frame, Layout } from './layout.js';

/** What a confirmation says and lists. */
export interface Confirmation {
  /** The heading: "Remove tag", "Remove tags", "Delete repository team/app". */
  readonly title: string;
  /** The confirm button: "Remove tag", "Remove tags", "Delete repository". */
  readonly button: string;
  readonly intro: string;
  /** What goes. */
  readonly items: readonly string[];
}

/** Removing `tags` (one or several) from `repository`. */
export function tagRemoval(repository: string, tags: readonly string[]): Confirmation {
  const one = tags.length === 1;
  return {
    title: one ? 'Remove tag' : 'Remove tags',
    button: one ? 'Remove tag' : 'Remove tags',
    intro: `${one ? 'This tag' : 'These tags'} of ${repository} will be removed. This cannot be undone.`,
    items: tags,
  };
}

/** Deleting a repository with its `tagCount` tags. */
export function repositoryDeletion(name: string, tagCount: number): Confirmation {
  return {
    title: `Delete repository ${name}`,
    button: 'Delete repository',
    intro: 'The repository and all its tags will be deleted. This cannot be undone: to get an image back, push it again.',
    items: [`${name} (${tagCount === 1 ? '1 tag' : `${tagCount} tags`})`],
  };
}

/** The `data-confirm` of a form whose tags are chosen on the page: the script picks `one` or `many`. */
export function tagRemovalSpec(repository: string): string {
  const { items: _one, ...one } = tagRemoval(repository, ['']);
  const { items: _many, ...many } = tagRemoval(repository, ['', '']);
  return JSON.stringify({ one, many });
}

export interface ConfirmPageProps {
  readonly frame: Frame;
  readonly confirmation: Confirmation;
  /** Where the confirmed form posts (the same action). */
  readonly action: string;
  /** Fields to post again besides `_csrf` and `confirm=yes`. */
  readonly fields: ReadonlyArray<readonly [name: string, value: string]>;
  /** Where Cancel goes: the page the delete started from. */
  readonly cancelHref: string;
}

/** The confirmation page for a browser without JavaScript. */
export function ConfirmPage(props: ConfirmPageProps): JSX.Element {
  const c = props.confirmation;
  return (
    <Layout title={c.title} frame={props.frame}>
      <section class="confirm" aria-labelledby="confirm-title">
        <h1 id="confirm-title">{c.title}</h1>
        <p>{c.intro}</p>
        <ul class="items">
          {c.items.map((item) => (
            <li>
              <code>{item}</code>
            </li>
          ))}
        </ul>
        <form method="post" action={props.action} class="actions">
          <input type="hidden" name="_csrf" value={props.frame.csrf ?? ''} />
          <input type="hidden" name="confirm" value="yes" />
          {props.fields.map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <button type="submit" class="danger">
            {c.button}
          </button>
          <a class="button secondary" href={props.cancelHref}>
            Cancel
          </a>
        </form>
      </section>
    </Layout>
  );
}

/** A delete that cannot go on as asked (nothing chosen, too many, a bad name): why, and the way back. */
export function CannotConfirmPage(props: { frame: Frame; title: string; message: string; backHref: string }): JSX.Element {
  return (
    <Layout title={props.title} frame={props.frame}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>
        <a href={props.backHref}>Back</a>
      </p>
    </Layout>
  );
}

/**
 * The dialog the script fills and opens (`showModal`: focus moves in, Escape cancels, and the
 * script returns focus to the button that opened it). Cancel comes first and takes focus, so
 * Enter on an opened dialog does not delete.
 */
export function ConfirmDialog(): JSX.Element {
  return (
    <dialog id="wharf-confirm" class="confirm" aria-labelledby="wharf-confirm-title" aria-describedby="wharf-confirm-intro">
      <h2 id="wharf-confirm-title">Confirm</h2>
      <p id="wharf-confirm-intro"></p>
      <ul class="items" id="wharf-confirm-items"></ul>
      <div class="actions">
        <button type="button" class="secondary" data-dialog-cancel autofocus>
          Cancel
        </button>
        <button type="button" class="danger" data-dialog-confirm>
          Confirm
        </button>
      </div>
    </dialog>
  );
}
