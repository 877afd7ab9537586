/**
 * Checking what a manifest references, with work bounded by its size and nothing long on the
 * event loop.
 *
 * A manifest of the 4 MiB limit can name some 30,000 blobs or child manifests. They are checked
 * in manifest order, a batch of {@link REFERENCE_CHECK}.concurrency at a time (so one push
 * cannot flood the storage or the thread pool), yielding to the event loop whenever a stretch of
 * checks has run for a few milliseconds without doing so: with a driver that answers without
 * real I/O (memory, or FsStorage's synchronous reads) a chain of awaits would otherwise never
 * let another request in. Checking stops once `maxListed` references are known to be missing:
 * the push fails anyway, and a hostile manifest naming thousands of absent digests then costs
 * a few hundred lookups, not tens of thousands. The error lists those found, in manifest order,
 * and ends with one entry saying how many more were not listed.
 * @module
 */
import { RegistryError } from '../errors/registry-error.js';
import type { ParsedManifest } from './parsed-manifest.js';
import { SLICE_MS, Slicer } from './event-loop.js';

/** Limits of the reference check. */
export const REFERENCE_CHECK = {
  /** References looked up at the same time. */
  concurrency: 16,
  /** Missing references listed in the error; checking stops once this many are found. */
  maxListed: 100,
  /** Longest stretch of checks between two yields to the event loop, in milliseconds. */
  sliceMs: SLICE_MS,
} as const;

/** One reference of a manifest. */
export interface ManifestReference {
  readonly digest: string;
  readonly kind: 'blob' | 'manifest';
}

/** What {@link findMissing} found. */
export interface MissingReferences {
  /** The missing references found, in manifest order, at most `maxListed`. */
  readonly listed: readonly ManifestReference[];
  /** Missing references found beyond those listed. */
  readonly moreMissing: number;
  /** References left unchecked because enough were missing already. */
  readonly unchecked: number;
}

/** The distinct references of a manifest in manifest order: blobs, then child manifests. */
export function referencesOf(parsed: Pick<ParsedManifest, 'blobs' | 'manifests'>): ManifestReference[] {
  const seen = new Set<string>();
  const out: ManifestReference[] = [];
  const add = (digest: string, kind: ManifestReference['kind']) => {
    if (seen.has(digest)) return;
    seen.add(digest);
    out.push({ digest, kind });
  };
  for (const d of parsed.blobs) add(d, 'blob');
  for (const d of parsed.manifests) add(d, 'manifest');
  return out;
}

/** A batch split the way a manifest lists them. */
export function byKind(batch: readonly ManifestReference[]): Pick<ParsedManifest, 'blobs' | 'manifests'> {
  return {
    blobs: batch.filter((r) => r.kind === 'blob').map((r) => r.digest),
    manifests: batch.filter((r) => r.kind === 'manifest').map((r) => r.digest),
  };
}

/**
 * Find the references that are missing.
 * @param missingOf looks up one batch (at most `concurrency` references) and returns the
 *   digests among them that are missing.
 * @param limits default {@link REFERENCE_CHECK}.
 */
export async function findMissing(
  references: readonly ManifestReference[],
  missingOf: (batch: readonly ManifestReference[]) => Promise<Iterable<string>>,
  limits: { readonly concurrency: number; readonly maxListed: number; readonly sliceMs: number } = REFERENCE_CHECK,
): Promise<MissingReferences> {
  const missing: ManifestReference[] = [];
  let checked = 0;
  const slicer = new Slicer(limits.sliceMs);
  while (checked < references.length && missing.length < limits.maxListed) {
    const batch = references.slice(checked, checked + Math.max(1, limits.concurrency));
    const absent = new Set(await missingOf(batch));
    if (absent.size > 0) missing.push(...batch.filter((r) => absent.has(r.digest)));
    checked += batch.length;
    await slicer.maybeYield();
  }
  return {
    listed: missing.slice(0, limits.maxListed),
    moreMissing: Math.max(0, missing.length - limits.maxListed),
    unchecked: references.length - checked,
  };
}

/**
 * The MANIFEST_BLOB_UNKNOWN error for what {@link findMissing} found: one entry per listed
 * reference (each with `detail.digest`), then, when something was not listed, one entry saying
 * how many (`detail`: `listed`, `unlisted`, `unchecked`).
 */
export function missingReferencesError(name: string, found: MissingReferences, maxListed: number = REFERENCE_CHECK.maxListed): RegistryError {
  const errors: Array<{ code: 'MANIFEST_BLOB_UNKNOWN'; message: string; detail: unknown }> = found.listed.map((r) => ({
    code: 'MANIFEST_BLOB_UNKNOWN',
    message: `the manifest references ${r.kind} ${r.digest}, which is not in repository ${name}: push it to this repository first`,
    detail: { digest: r.digest },
  }));
  const unlisted = found.moreMissing + found.unchecked;
  if (unlisted > 0) {
    const why =
      found.unchecked > 0
        ? `${count(found.unchecked)} of them were not checked: checking stops after ${count(maxListed)} missing ones`
        : `only the first ${count(maxListed)} missing ones are listed`;
    errors.push({
      code: 'MANIFEST_BLOB_UNKNOWN',
      message: `and ${count(unlisted)} more references not listed (${why})`,
      detail: { listed: found.listed.length, unlisted, unchecked: found.unchecked },
    });
  }
  const [first, ...rest] = errors;
  return new RegistryError('MANIFEST_BLOB_UNKNOWN', first?.message, { detail: first?.detail, additional: rest });
}

const count = (n: number) => n.toLocaleString('en-US');
