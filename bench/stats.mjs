/**
 * Small statistics helpers for the benchmark: percentiles, throughput, formatting.
 * MB is 10^6 bytes throughout; MiB is 2^20 bytes.
 */

export const MiB = 1024 * 1024;

/** Nearest-rank percentile of a list of numbers (p in 0..100). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Median of a list of numbers. */
export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Latency summary in milliseconds. */
export function latencySummary(latenciesMs) {
  return {
    count: latenciesMs.length,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    maxMs: latenciesMs.length ? Math.max(...latenciesMs) : NaN,
  };
}

/** Throughput in MB/s (10^6 bytes per second). */
export function mbPerSec(bytes, ms) {
  return bytes / 1e6 / (ms / 1000);
}

/** Operations per second. */
export function opsPerSec(count, ms) {
  return count / (ms / 1000);
}

/** High-resolution clock in milliseconds. */
export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Formats a number for the table: a few significant digits, '-' for missing. */
export function fmt(value, digits) {
  if (value === undefined || value === null || Number.isNaN(value)) return '-';
  if (digits !== undefined) return value.toFixed(digits);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Bytes as MB (10^6) with no decimals, for RSS. */
export function fmtMB(bytes) {
  if (bytes === undefined || bytes === null || Number.isNaN(bytes)) return '-';
  return (bytes / 1e6).toFixed(0);
}
