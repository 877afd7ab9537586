/**
 * Token expiry. As in GitLab, a date means "expires at 00:00 UTC on that date": a token with
 * `2027-01-01` works through the last second of 2026-12-31 (UTC). A full ISO timestamp is
 * taken as the exact instant.
 * @module
 */
import { AccessError } from './access-error.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The first instant a token no longer works, as an ISO timestamp, or `null` for never.
 * @throws AccessError INVALID for unparsable input or an instant not after `now`
 */
export function parseExpiry(input: Date | string | null | undefined, now: Date): string | null {
  if (input === null || input === undefined || input === '') return null;
  const text = input instanceof Date ? input.toISOString() : input;
  const when = DATE_ONLY.test(text) ? new Date(`${text}T00:00:00.000Z`) : new Date(text);
  if (Number.isNaN(when.getTime()) || (DATE_ONLY.test(text) && when.toISOString().slice(0, 10) !== text)) {
    throw new AccessError('INVALID', `the expiry ${JSON.stringify(text)} is not a date (YYYY-MM-DD) or an ISO timestamp`);
  }
  if (when.getTime() <= now.getTime()) throw new AccessError('INVALID', `the expiry ${text} is not in the future`);
  return when.toISOString();
}

/** Whether a token with this expiry no longer works at `now`. */
export function isExpired(expiresAt: string | null, now: Date): boolean {
  return expiresAt !== null && Date.parse(expiresAt) <= now.getTime();
}
