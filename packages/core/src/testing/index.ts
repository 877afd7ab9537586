/**
 * Testing helpers for storage driver authors: the driver conformance suite, built on vitest.
 *
 * ```ts
 * import { describeDriverConformance } from '@wharf/core/testing';
 * describeDriverConformance({ name: 'memory', create: () => new MemoryStorage() });
 * ```
 *
 * @module
 */
export { CONFORMANCE_CASES, describeDriverConformance, type DriverConformanceOptions } from './conformance.js';
