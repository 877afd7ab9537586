/**
 * Durations for garbage collection settings (`--grace 1h`, `WHARF_GC_INTERVAL=24h`): a number
 * with a unit, or several (`1h30m`). Unlike cleanup policies' durations, zero is allowed (a
 * grace period of `0s` collects everything unreferenced at once) and so are milliseconds.
 * @module
 */

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  sec: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/y;

/**
 * Milliseconds in a duration such as `1h`, `90s`, `500ms`, `1h30m`, `7d`; a bare `0` is zero.
 * @returns the milliseconds, or `null` when the text is not a duration.
 * @example parseGcDuration('1h30m') // 5_400_000
 */
export function parseGcDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '0') return 0;
  let total = 0;
  let end = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(trimmed); m; m = PART.exec(trimmed)) {
    const unit = UNITS[m[2] as string];
    if (unit === undefined) return null;
    total += Number(m[1]) * unit;
    end = PART.lastIndex;
  }
  if (trimmed === '' || end !== trimmed.length || !Number.isFinite(total)) return null;
  return Math.round(total);
}

/** A duration for people: `1h 30m`, `45s`, `250ms`. */
export function formatGcDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))}s`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1_000);
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join(' ');
}
