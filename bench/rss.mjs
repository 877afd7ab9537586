/**
 * Peak resident-set-size of a server process, by PID, from /proc.
 *
 * Two sources, and the larger wins:
 *  - VmHWM (the kernel's high-water mark), reset at the start of a window by writing "5" to
 *    /proc/<pid>/clear_refs (Linux >= 4.0; needs permission on the process, which we have
 *    because we started it);
 *  - VmRSS sampled every 50 ms, in case the reset is refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Reads one "VmXXX:   1234 kB" field of /proc/<pid>/status, in bytes (NaN if gone). */
export function readStatusField(pid, field) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = status.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

export const currentRss = (pid) => readStatusField(pid, 'VmRSS');

/** Tries to reset the peak-RSS counter; returns whether it worked. */
export function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts measuring the peak RSS of `pid`. Call `stop()` to get
 * `{ peakBytes, sampledPeakBytes, hwmBytes, hwmReset, samples }`.
 */
export function startRssWindow(pid, intervalMs = 50) {
  const hwmReset = resetPeak(pid);
  let sampledPeak = currentRss(pid);
  let samples = 1;
  const timer = setInterval(() => {
    const rss = currentRss(pid);
    samples += 1;
    if (!(rss <= sampledPeak)) sampledPeak = Number.isNaN(sampledPeak) ? rss : Math.max(sampledPeak, rss);
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const last = currentRss(pid);
      if (last > sampledPeak) sampledPeak = last;
      const hwm = hwmReset ? readStatusField(pid, 'VmHWM') : NaN;
      const candidates = [sampledPeak, hwm].filter((n) => !Number.isNaN(n));
      return {
        peakBytes: candidates.length ? Math.max(...candidates) : NaN,
        sampledPeakBytes: sampledPeak,
        hwmBytes: hwm,
        hwmReset,
        samples,
      };
    },
  };
}
