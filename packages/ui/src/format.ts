/**
 * Formatting for the pages: sizes, times, digests and image paths. Pure functions, so the
 * pages stay markup and the rules are tested on their own.
 * @module
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** `1536` → `1.5 KiB`; `null` → `—`. Binary units, like `docker images`' neighbours in GitLab. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${UNITS[unit]}`;
}

/** An ISO time as `2026-02-01 14:05 UTC` (the same for every reader and every test); `null` → `—`. */
export function formatTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The first 12 hex digits of a digest, as `docker images` shows an ID. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return digest.slice(colon + 1, colon + 13);
}

/**
 * The registry host for image paths: `configured` (a host or a URL) when given, else the
 * request's host.
 */
export function registryHost(configured: string | undefined, requestUrl: string): string {
  if (configured) return configured.includes('://') ? new URL(configured).host : configured.replace(/\/+$/, '');
  return new URL(requestUrl).host;
}
