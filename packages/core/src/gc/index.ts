/**
 * Online garbage collection: collect unreferenced manifests and blobs while registries keep
 * serving the same storage (see protocol.ts).
 * @module
 */
export { collectGarbage, GcAbortedError, type GcOptions } from './collector.js';
export { scheduleGarbageCollection, type GcSchedule, type GcScheduleOptions } from './scheduler.js';
export { GcLockedError, GcLockLostError, type GcLockRecord } from './lock.js';
export { summarizeReport, formatBytes, type GcReport, type GcAmount, type GcPhase, type GcProgress } from './report.js';
export { parseGcDuration, formatGcDuration } from './duration.js';
export { GcSignal, type GcObservation, type GcSignalOptions } from '../blobs/gc-signal.js';
export { asMover } from './movers.js';
export { DEFAULT_GRACE_MS, DEFAULT_SETTLE_MS, UPLOAD_MAX_AGE_MS } from './protocol.js';
