/**
 * The time values of cleanup policies: cadences, retention periods, and the free-form
 * durations of GitLab's bulk-delete API (`1h`, `7d`, `1month`).
 *
 * A month is 30 days and a year 365, as in GitLab (ChronicDuration's defaults): `1month`
 * means 30 × 24 h, not "the same day next month", so schedules never depend on the calendar.
 * @module
 */
import { CleanupPolicyError } from './errors.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How often a policy runs. */
export const CADENCES = ['1d', '7d', '14d', '1month', '3month'] as const;
export type Cadence = (typeof CADENCES)[number];

/** How old a tag must be before a policy may delete it. */
export const OLDER_THAN_VALUES = ['7d', '14d', '30d', '60d', '90d'] as const;
export type OlderThan = (typeof OLDER_THAN_VALUES)[number];

/** How many of the newest matching tags a policy keeps in each repository. */
export const KEEP_N_VALUES = [1, 5, 10, 25, 50, 100] as const;
export type KeepN = (typeof KEEP_N_VALUES)[number];

const UNITS: Record<string, number> = {
  s: SECOND,
  sec: SECOND,
  secs: SECOND,
  second: SECOND,
  seconds: SECOND,
  m: MINUTE,
  min: MINUTE,
  mins: MINUTE,
  minute: MINUTE,
  minutes: MINUTE,
  h: HOUR,
  hr: HOUR,
  hrs: HOUR,
  hour: HOUR,
  hours: HOUR,
  d: DAY,
  day: DAY,
  days: DAY,
  w: 7 * DAY,
  week: 7 * DAY,
  weeks: 7 * DAY,
  mo: 30 * DAY,
  month: 30 * DAY,
  months: 30 * DAY,
  y: 365 * DAY,
  year: 365 * DAY,
  years: 365 * DAY,
};

const PART = /(\d{1,6})\s*([a-z]+)\s*/gy;

/**
 * Milliseconds in a duration such as `90d`, `1month`, `12h`, `1d 12h`.
 * @param field named in the error.
 * @throws CleanupPolicyError when the text is not a positive duration.
 * @example
 * parseDuration('1month', 'cadence'); // 2_592_000_000
 */
export function parseDuration(text: string, field: string): number {
  const trimmed = text.trim().toLowerCase();
  let total = 0;
  PART.lastIndex = 0;
  let end = 0;
  for (let m = PART.exec(trimmed); m; m = PART.exec(trimmed)) {
    const unit = UNITS[m[2] as string];
    if (unit === undefined) break;
    total += Number(m[1]) * unit;
    end = PART.lastIndex;
  }
  if (trimmed.length === 0 || end !== trimmed.length || total <= 0) {
    throw new CleanupPolicyError([{ field, message: `${JSON.stringify(text.slice(0, 40))} is not a duration such as 1h, 7d or 1month` }]);
  }
  return total;
}

/** Milliseconds between two runs of a policy. */
export function cadenceMs(cadence: Cadence): number {
  return parseDuration(cadence, 'cadence');
}
