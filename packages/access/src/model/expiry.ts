/**
 * Token expiry. As in GitLab, a date means "expires at 00:00 UTC on that date": a token with
 * `2027-01-01` works through the last second of 2026-12-31 (UTC). A full ISO timestamp (with
 * `Z` or an offset) is taken as the exact instant.
 *
 * Only those two shapes are accepted, and only up to the last day of year 9999: `Date` would
 * happily read `"1"` or `"10000-01-01"`, but the store keeps ISO timestamps with four-digit
 * years, and a value it cannot store must be refused as bad input, not fail the write.
 * @module
 */
import { AccessError } from './access-error.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;
/** The last instant an expiry can be: the end of year 9999 (UTC). */
export const MAX_EXPIRY_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function invalid(text: string): AccessError {
  const shown = JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
  return new AccessError('INVALID', `the expiry ${shown} is not a date (YYYY-MM-DD) or an ISO timestamp up to year 9999`);
}

/**
 * The first instant a token no longer works, as an ISO timestamp, or `null` for never.
 * @throws AccessError INVALID for unparsable input, a year past 9999, or an instant not after `now`
 */
export function parseExpiry(input: Date | string | null | undefined, now: Date): string | null {
  if (input === null || input === undefined || input === '') return null;
  let when: Date;
  let text: string;
  if (input instanceof Date) {
    when = new Date(input.getTime());
    text = Number.isNaN(when.getTime()) ? 'Invalid Date' : when.toISOString();
  } else {
    text = String(input);
    if (DATE_ONLY.test(text)) {
      when = new Date(`${text}T00:00:00.000Z`);
      // Date rolls 2026-02-30 over to March; a date that does not round-trip does not exist.
      if (Number.isNaN(when.getTime()) || when.toISOString().slice(0, 10) !== text) throw invalid(text);
    } else if (TIMESTAMP.test(text)) {
      when = new Date(text);
    } else {
      throw invalid(text);
    }
  }
  const ms = when.getTime();
  if (Number.isNaN(ms) || ms > MAX_EXPIRY_MS || ms < 0) throw invalid(text);
  if (ms <= now.getTime()) throw new AccessError('INVALID', `the expiry ${text} is not in the future`);
  return when.toISOString();
}

/** Whether a token with this expiry no longer works at `now`. */
export function isExpired(expiresAt: string | null, now: Date): boolean {
  return expiresAt !== null && Date.parse(expiresAt) <= now.getTime();
}
