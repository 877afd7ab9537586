/**
 * The cleanup policy form's fields: the choices it offers (core's accepted values, with
 * GitLab's wording), the values to show for a stored policy, and reading a submitted form
 * into core's {@link CleanupPolicyInput}. Reading checks every field the way the server does —
 * the choices against core's lists, the patterns with core's {@link explainInvalidPattern}
 * (RE2) — so a mistake is explained next to its field before anything is saved.
 *
 * The choices come from core's constants, so a value core adds shows up here by itself; the
 * cadence wording is a table that fails to type-check when core gains a cadence it lacks.
 * @module
 */
import {
  CADENCES,
  type Cadence,
  type CleanupPolicy,
  type CleanupPolicyInput,
  explainInvalidPattern,
  KEEP_N_VALUES,
  type KeepN,
  MAX_PATTERN_LENGTH,
  OLDER_THAN_VALUES,
  type OlderThan,
} from '@wharf/core';

/** The form as typed: what is shown again when something in it is wrong. */
export interface CleanupFormValues {
  readonly enabled: boolean;
  readonly cadence: string;
  /** `''`: no such rule (only offered when a stored policy has none). */
  readonly keep_n: string;
  /** `''`: no such rule, as above. */
  readonly older_than: string;
  readonly name_regex_delete: string;
  readonly name_regex_keep: string;
}

export type CleanupField = Exclude<keyof CleanupFormValues, 'enabled'>;

/** Why a field is wrong, by field. */
export type CleanupFieldErrors = Partial<Record<CleanupField, string>>;

/** One option of a select: the value sent and its label. */
export type Choice = readonly [value: string, label: string];

const CADENCE_LABELS: Record<Cadence, string> = {
  '1d': 'Every day',
  '7d': 'Every week',
  '14d': 'Every two weeks',
  '1month': 'Every month',
  '3month': 'Every three months',
};

export const CADENCE_CHOICES: readonly Choice[] = CADENCES.map((c) => [c, CADENCE_LABELS[c]] as const);

export const KEEP_N_CHOICES: readonly Choice[] = KEEP_N_VALUES.map(
  (n) => [String(n), `${n} ${n === 1 ? 'tag' : 'tags'} per image name`] as const,
);

export const OLDER_THAN_CHOICES: readonly Choice[] = OLDER_THAN_VALUES.map((v) => [v, daysLabel(v)] as const);

/** The longest pattern the server accepts (for the inputs' `maxlength`). */
export const PATTERN_MAX_LENGTH = MAX_PATTERN_LENGTH;

/** `30d` → `30 days`; any other form is shown as it is. */
function daysLabel(value: string): string {
  const m = /^(\d+)d$/.exec(value);
  return m ? `${m[1]} ${m[1] === '1' ? 'day' : 'days'}` : value;
}

/** The values to show for a policy (stored, or core's defaults). */
export function formValuesOf(policy: CleanupPolicy): CleanupFormValues {
  return {
    enabled: policy.enabled,
    cadence: policy.cadence,
    keep_n: policy.keep_n === null ? '' : String(policy.keep_n),
    older_than: policy.older_than ?? '',
    name_regex_delete: policy.name_regex,
    name_regex_keep: policy.name_regex_keep ?? '',
  };
}

export interface ReadCleanupForm {
  /** What was typed, to show again. */
  readonly values: CleanupFormValues;
  /** The policy to save or preview; `null` when a field is wrong. */
  readonly input: CleanupPolicyInput | null;
  readonly errors: CleanupFieldErrors;
}

/**
 * Read a submitted cleanup form (`c.req.parseBody()`'s result).
 * A missing checkbox means off; a select value outside core's list (a crafted form) is an
 * error on that field, like a pattern RE2 refuses.
 */
export function readCleanupForm(form: Record<string, unknown>): ReadCleanupForm {
  const text = (key: string) => {
    const v = form[key];
    return typeof v === 'string' ? v : '';
  };
  const values: CleanupFormValues = {
    enabled: text('enabled') === 'true',
    cadence: text('cadence'),
    keep_n: text('keep_n'),
    older_than: text('older_than'),
    name_regex_delete: text('name_regex_delete'),
    name_regex_keep: text('name_regex_keep'),
  };
  const errors: CleanupFieldErrors = {};

  const cadence = CADENCES.find((c) => c === values.cadence);
  if (!cadence) errors.cadence = 'Choose how often the cleanup runs.';
  const keepN = values.keep_n === '' ? null : (KEEP_N_VALUES.find((n) => String(n) === values.keep_n) ?? undefined);
  if (keepN === undefined) errors.keep_n = 'Choose how many tags to keep.';
  const olderThan = values.older_than === '' ? null : (OLDER_THAN_VALUES.find((v) => v === values.older_than) ?? undefined);
  if (olderThan === undefined) errors.older_than = 'Choose an age.';
  const remove = values.name_regex_delete;
  if (remove === '') errors.name_regex_delete = 'This cannot be blank. To match every tag, use .*';
  else {
    const why = explainInvalidPattern(remove);
    if (why) errors.name_regex_delete = `Invalid pattern: ${why}.`;
  }
  if (values.name_regex_keep !== '') {
    const why = explainInvalidPattern(values.name_regex_keep);
    if (why) errors.name_regex_keep = `Invalid pattern: ${why}.`;
  }

  if (Object.keys(errors).length > 0 || !cadence || keepN === undefined || olderThan === undefined) return { values, input: null, errors };
  const input: CleanupPolicyInput = {
    enabled: values.enabled,
    cadence,
    keep_n: keepN satisfies KeepN | null,
    older_than: olderThan satisfies OlderThan | null,
    name_regex_delete: remove,
    name_regex_keep: values.name_regex_keep === '' ? null : values.name_regex_keep,
  };
  return { values, input, errors };
}

/**
 * The form field a core error names (`name_regex` and its alias are the "Remove tags
 * matching" field), or `null` for one the form does not have.
 */
export function formFieldOf(coreField: string): CleanupField | null {
  if (coreField === 'name_regex' || coreField === 'name_regex_delete') return 'name_regex_delete';
  if (coreField === 'name_regex_keep' || coreField === 'cadence' || coreField === 'keep_n' || coreField === 'older_than') return coreField;
  return null;
}
