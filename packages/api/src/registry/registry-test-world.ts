/**
 * The API test world (test-support.ts) with a registry clock the test moves (for `older_than`)
 * and, optionally, a tag protection (for refusals).
 * @module
 */
import type { TagProtection } from '@wharf/core';
import { type World, world } from '../test-support.js';

/** A world whose registry clock is `clock.now` (move it by assigning `clock.now`). */
export interface RegistryWorld extends World {
  readonly clock: { now: Date };
}

/** {@link world} over a registry with a settable clock and, optionally, tag protection. */
export async function registryWorld(options: { tagProtection?: TagProtection } = {}): Promise<RegistryWorld> {
  const clock = { now: new Date('2026-01-01T00:00:00Z') };
  const base = await world({ now: () => clock.now, ...options });
  return { ...base, clock };
}
