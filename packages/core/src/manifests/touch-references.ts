/**
 * What a manifest PUT does to the content it references while a garbage collection may run
 * (gc/protocol.ts, step 2): touch every referenced blob and this repository's link to it, and
 * every child manifest's revision. A child found by digest may have been unreachable when the
 * collection marked (pushed untagged, or its index deleted), so its own blobs were not marked
 * either: the touch follows children down to their blobs.
 * @module
 */
import { parseDigest, type Digest } from '../digest.js';
import { decodeRevision } from './manifest-link.js';
import { parseManifest } from './parse.js';
import type { ParsedManifest } from './parsed-manifest.js';
import type { StorageDriver } from '../storage/driver.js';
import { pathFor } from '../storage/paths.js';
import { touchExisting } from '../blobs/gc-signal.js';

type References = Pick<ParsedManifest, 'blobs' | 'manifests'>;

/**
 * Touch what `references` names in repository `name`, transitively through child manifests,
 * recording each touch for the collections in `runs` (see {@link touchExisting}).
 * @returns the digests (among `references.blobs` and `references.manifests`) that are not in
 *   the repository: never pushed there, or just taken by the collection. A child whose own
 *   references are missing counts as missing.
 */
export async function touchReferences(driver: StorageDriver, name: string, references: References, runs: readonly string[]): Promise<string[]> {
  const visited = new Map<string, Promise<boolean>>();

  const touchManifest = (digest: Digest): Promise<boolean> => {
    let done = visited.get(digest.value);
    if (!done) {
      done = (async () => {
        const path = pathFor({ kind: 'revision', name, digest });
        if (!(await touchExisting(driver, path, runs))) return false;
        const revision = decodeRevision(await driver.getContent(path).catch(() => new Uint8Array()));
        // Unreadable: there is nothing below it to touch, and the PUT's own checks stand.
        if (!revision) return true;
        const child = await parseManifest(revision.body, revision.link.mediaType).catch(() => null);
        return child === null || (await missingOf(child)).length === 0;
      })();
      visited.set(digest.value, done);
    }
    return done;
  };

  const missingOf = async (refs: References): Promise<string[]> => {
    const missing: string[] = [];
    await Promise.all([
      ...[...new Set(refs.blobs)].map(async (value) => {
        const digest = parseDigest(value);
        if (await touchExisting(driver, pathFor({ kind: 'layerLink', name, digest }), runs)) {
          if (!(await touchExisting(driver, pathFor({ kind: 'blob', digest }), runs))) missing.push(value);
        } else if (!(await touchManifest(digest))) {
          // a manifest may be referenced as a blob (the PUT accepts either)
          missing.push(value);
        }
      }),
      ...[...new Set(refs.manifests)].map(async (value) => {
        if (!(await touchManifest(parseDigest(value)))) missing.push(value);
      }),
    ]);
    return missing;
  };

  return missingOf(references);
}
