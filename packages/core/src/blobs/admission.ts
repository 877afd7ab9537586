/**
 * The admission hook: what stores new content (an upload's blob, a mount's link, a manifest's
 * revision) asks before it publishes, so a storage quota can refuse it. Kept apart from the
 * quota so the blob and manifest stores depend on this shape only.
 * @module
 */
import type { Digest } from '../digest.js';

/** Content about to be published in a repository. */
export interface AdmissionRequest {
  readonly repository: string;
  readonly digest: Digest;
  /** Its size in bytes. */
  readonly size: number;
  /** What it is, for the refusal's message. */
  readonly kind: 'blob' | 'manifest';
}

/**
 * Run `publish` if the content may be stored, and return what it returns. It throws (before
 * calling `publish`) to refuse; what it holds for the admission lasts until `publish` settles.
 */
export type Admit = <T>(request: AdmissionRequest, publish: () => Promise<T>) => Promise<T>;

/** Admit everything (no quota). */
export const ADMIT_ALL: Admit = (_request, publish) => publish();
