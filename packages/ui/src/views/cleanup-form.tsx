/** @jsxImportSource hono/jsx */
/**
 * The "Cleanup policies" section of the settings: GitLab's form (enabled, how often, how many
 * to keep, how old, which tags to remove and which to keep), a preview of what the form's
 * policy would remove right now, when it runs next, and its last runs.
 *
 * A field with a mistake carries `aria-invalid` and names its explanation with
 * `aria-describedby`; a summary above the form says nothing was saved. The form posts
 * without JavaScript; "Save changes" comes first, so Enter in a text field saves.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import {
  CADENCE_CHOICES,
  type CleanupField,
  type CleanupFieldErrors,
  type CleanupFormValues,
  type Choice,
  KEEP_N_CHOICES,
  OLDER_THAN_CHOICES,
  PATTERN_MAX_LENGTH,
} from '../cleanup-fields.js';
import { formatTime } from '../format.js';

/** A run as the table shows it. */
export interface CleanupRunRow {
  readonly startedAt: string;
  readonly status: 'finished' | 'unfinished' | 'failed';
  readonly deletedCount: number;
  readonly failedCount: number;
  /** The first errors (the run's own, then failed tags). */
  readonly errors: readonly string[];
}

/** What a dry run of the form's policy would remove. */
export interface CleanupPreview {
  /** `repository:tag`, in run order. */
  readonly tags: readonly string[];
  /** Tags it would remove beyond those listed (the list is capped). */
  readonly more: number;
  /** Tags it would remove in repositories the user cannot see (not named). */
  readonly hidden: number;
}

export interface CleanupSectionProps {
  /** The form's target. */
  readonly action: string;
  readonly csrf: string | undefined;
  readonly values: CleanupFormValues;
  readonly errors: CleanupFieldErrors;
  /** Whether a policy is stored (else the form shows the defaults). */
  readonly saved: boolean;
  /** When the stored policy runs next; `null` when off or not saved. */
  readonly nextRunAt: string | null;
  readonly runs: readonly CleanupRunRow[];
  readonly preview: CleanupPreview | null;
}

const STATUS_LABELS: Record<CleanupRunRow['status'], string> = {
  finished: 'Finished',
  unfinished: 'Unfinished (continues at the next run)',
  failed: 'Failed',
};

export function CleanupSection(props: CleanupSectionProps): JSX.Element {
  const invalid = Object.keys(props.errors).length > 0;
  return (
    <section class="settings-section" aria-labelledby="cleanup-title">
      <h2 id="cleanup-title">Cleanup policies</h2>
      <p class="muted">
        A cleanup policy removes old tags on a schedule, in each repository under this path. The tag <code>latest</code> is always kept, and
        the images themselves stay until garbage collection.
      </p>
      {invalid && (
        <p role="alert" class="form-error">
          The policy was not saved: correct the fields marked below.
        </p>
      )}
      <p class="muted">{scheduleLine(props)}</p>
      <form method="post" action={props.action} class="settings-form">
        {props.csrf && <input type="hidden" name="_csrf" value={props.csrf} />}
        <div class="field field-check">
          <input type="checkbox" id="cleanup-enabled" name="enabled" value="true" checked={props.values.enabled} />
          <label for="cleanup-enabled">Enable cleanup policy</label>
        </div>
        <Select field="cadence" label="Run cleanup" choices={CADENCE_CHOICES} values={props.values} errors={props.errors} />
        <Select
          field="keep_n"
          label="Keep the most recent"
          choices={KEEP_N_CHOICES}
          none="No limit"
          values={props.values}
          errors={props.errors}
        />
        <Select
          field="older_than"
          label="Remove tags older than"
          choices={OLDER_THAN_CHOICES}
          none="Any age"
          values={props.values}
          errors={props.errors}
        />
        <Pattern
          field="name_regex_delete"
          label="Remove tags matching"
          hint="A regular expression in RE2 syntax, matched against the whole tag name. To match every tag, use .*"
          values={props.values}
          errors={props.errors}
        />
        <Pattern
          field="name_regex_keep"
          label="Keep tags matching"
          hint="Tags matching this are kept even when they match the one above. Leave empty to keep none but latest."
          values={props.values}
          errors={props.errors}
        />
        <div class="actions">
          <button type="submit" name="action" value="save">
            Save changes
          </button>
          <button type="submit" name="action" value="preview" class="secondary">
            Preview cleanup
          </button>
        </div>
      </form>
      {props.preview && <PreviewList preview={props.preview} />}
      <RunsTable runs={props.runs} />
    </section>
  );
}

function scheduleLine(props: CleanupSectionProps): string {
  if (!props.saved) return 'No cleanup policy is saved for this path yet; the form shows the defaults.';
  if (props.nextRunAt === null) return 'The saved policy is turned off: it does not run.';
  return `The saved policy runs next at ${formatTime(props.nextRunAt)}.`;
}

const idOf = (field: CleanupField) => `cleanup-${field}`;

/** `aria-describedby` of a field: its error first, then its hint. */
function describedBy(field: CleanupField, error: string | undefined, hint: boolean): string | undefined {
  const ids = [...(error ? [`${idOf(field)}-error`] : []), ...(hint ? [`${idOf(field)}-hint`] : [])];
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function FieldError(props: { field: CleanupField; error: string | undefined }): JSX.Element | null {
  if (!props.error) return null;
  return (
    <p id={`${idOf(props.field)}-error`} class="field-error">
      {props.error}
    </p>
  );
}

function Select(
  props: { field: 'cadence' | 'keep_n' | 'older_than'; label: string; choices: readonly Choice[]; none?: string } & Pick<
    CleanupSectionProps,
    'values' | 'errors'
  >,
): JSX.Element {
  const value = props.values[props.field];
  const error = props.errors[props.field];
  // "No limit" only for a policy that has none (set through the API): GitLab's form offers no such choice.
  const none = props.none !== undefined && value === '';
  return (
    <div class="field">
      <label for={idOf(props.field)}>{props.label}</label>
      <select
        id={idOf(props.field)}
        name={props.field}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(props.field, error, false)}
      >
        {none && (
          <option value="" selected>
            {props.none}
          </option>
        )}
        {props.choices.map(([v, label]) => (
          <option value={v} selected={v === value}>
            {label}
          </option>
        ))}
      </select>
      <FieldError field={props.field} error={error} />
    </div>
  );
}

function Pattern(
  props: { field: 'name_regex_delete' | 'name_regex_keep'; label: string; hint: string } & Pick<CleanupSectionProps, 'values' | 'errors'>,
): JSX.Element {
  const error = props.errors[props.field];
  return (
    <div class="field">
      <label for={idOf(props.field)}>{props.label}</label>
      <input
        type="text"
        id={idOf(props.field)}
        name={props.field}
        value={props.values[props.field]}
        maxlength={PATTERN_MAX_LENGTH}
        spellcheck={false}
        autocomplete="off"
        class="pattern"
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(props.field, error, true)}
      />
      <FieldError field={props.field} error={error} />
      <p id={`${idOf(props.field)}-hint`} class="hint">
        {props.hint}
      </p>
    </div>
  );
}

function PreviewList(props: { preview: CleanupPreview }): JSX.Element {
  const { tags, more, hidden } = props.preview;
  return (
    <section class="cleanup-preview" aria-labelledby="preview-title">
      <h3 id="preview-title">Tags the policy would remove now</h3>
      <p class="muted">A preview of the form as it is, unsaved: nothing was removed.</p>
      {tags.length === 0 && hidden === 0 ? (
        <p role="status">Nothing would be removed.</p>
      ) : (
        <>
          <p role="status">{`${tags.length + more + hidden} ${tags.length + more + hidden === 1 ? 'tag' : 'tags'} would be removed.`}</p>
          <ul class="preview-tags">
            {tags.map((t) => (
              <li>
                <code>{t}</code>
              </li>
            ))}
          </ul>
          {more > 0 && <p class="muted">{`And ${more} more.`}</p>}
          {hidden > 0 && <p class="muted">{`And ${hidden} in repositories you cannot see.`}</p>}
        </>
      )}
    </section>
  );
}

function RunsTable(props: { runs: readonly CleanupRunRow[] }): JSX.Element {
  return (
    <section aria-labelledby="runs-title">
      <h3 id="runs-title">Last runs</h3>
      {props.runs.length === 0 ? (
        <p class="muted">The policy has not run yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>Runs of the cleanup policy, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Result</th>
                <th scope="col" class="num">
                  Tags deleted
                </th>
                <th scope="col">Errors</th>
              </tr>
            </thead>
            <tbody>
              {props.runs.map((r) => (
                <tr>
                  <td>
                    <time datetime={r.startedAt}>{formatTime(r.startedAt)}</time>
                  </td>
                  <td>{STATUS_LABELS[r.status]}</td>
                  <td class="num">{String(r.deletedCount)}</td>
                  <td>
                    {r.failedCount === 0 && r.errors.length === 0 ? (
                      'None'
                    ) : (
                      <>
                        {r.failedCount > 0 && `${r.failedCount} failed`}
                        {r.errors.length > 0 && (
                          <ul class="run-errors">
                            {r.errors.map((e) => (
                              <li>{e}</li>
                            ))}
                          </ul>
                        )}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
