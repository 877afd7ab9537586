/**
 * The storage layout, version 1. Every path core reads or writes comes from {@link pathFor};
 * nothing else in core builds storage paths by hand.
 *
 * ```text
 * /wharf/v1
 * ├── blobs/<alg>/<hex[0:2]>/<hex>/data            blob bytes, content addressed, shared by all
 * │                                                repositories (manifests are stored here too)
 * └── repositories/<name…>/                        one directory per repository; <name> may
 *     │                                            span several components (group/project/image)
 *     ├── _layers/<alg>/<hex>/link                 the repository may serve this blob
 *     │                                            (a link is the access check: no link, 404)
 *     ├── _manifests/revisions/<alg>/<hex>/link    a manifest of this repository: JSON {digest,
 *     │                                            mediaType, size, …} (see ManifestLink)
 *     ├── _manifests/tags/<tag>/current/link       the tag's manifest: same JSON as a revision link
 *     ├── _referrers/<alg>/<subject hex>/<alg>-<hex>/link
 *     │                                            a manifest whose `subject` is that digest:
 *     │                                            its descriptor for the referrers API
 *     └── _uploads/<id>/                           a resumable upload session
 *         ├── state                                JSON {id, repository, algorithm, startedAt}
 *         └── data                                 the bytes (an uncommitted driver writer)
 * ```
 *
 * Repository name components always start with a letter or digit, so they never collide with
 * the `_`-prefixed directories inside a repository.
 * @module
 */
import type { DigestAlgorithm } from '../digest.js';

/** Root of layout version 1. */
export const LAYOUT_ROOT = '/wharf/v1';
export const REPOSITORIES_ROOT = `${LAYOUT_ROOT}/repositories`;
export const BLOBS_ROOT = `${LAYOUT_ROOT}/blobs`;

interface DigestRef {
  readonly algorithm: DigestAlgorithm;
  readonly hex: string;
}

/** Every kind of path in the layout. */
export type PathSpec =
  | { readonly kind: 'blobsRoot' }
  | { readonly kind: 'blobData'; readonly digest: DigestRef }
  | { readonly kind: 'blobDir'; readonly digest: DigestRef }
  | { readonly kind: 'repositoriesRoot' }
  | { readonly kind: 'repository'; readonly name: string }
  | { readonly kind: 'layerDir'; readonly name: string; readonly digest: DigestRef }
  | { readonly kind: 'layerLink'; readonly name: string; readonly digest: DigestRef }
  | { readonly kind: 'layersDir'; readonly name: string }
  | { readonly kind: 'revisionDir'; readonly name: string; readonly digest: DigestRef }
  | { readonly kind: 'revisionLink'; readonly name: string; readonly digest: DigestRef }
  | { readonly kind: 'revisionsDir'; readonly name: string }
  | { readonly kind: 'tagsDir'; readonly name: string }
  | { readonly kind: 'tagDir'; readonly name: string; readonly tag: string }
  | { readonly kind: 'tagLink'; readonly name: string; readonly tag: string }
  | { readonly kind: 'referrersDir'; readonly name: string; readonly subject: DigestRef }
  | { readonly kind: 'referrerDir'; readonly name: string; readonly subject: DigestRef; readonly digest: DigestRef }
  | { readonly kind: 'referrerLink'; readonly name: string; readonly subject: DigestRef; readonly digest: DigestRef }
  | { readonly kind: 'uploadsDir'; readonly name: string }
  | { readonly kind: 'uploadDir'; readonly name: string; readonly id: string }
  | { readonly kind: 'uploadState'; readonly name: string; readonly id: string }
  | { readonly kind: 'uploadData'; readonly name: string; readonly id: string };

/** The storage path for a spec. Names, tags and ids must already be validated. */
export function pathFor(spec: PathSpec): string {
  switch (spec.kind) {
    case 'blobsRoot':
      return BLOBS_ROOT;
    case 'blobDir':
      return `${BLOBS_ROOT}/${spec.digest.algorithm}/${spec.digest.hex.slice(0, 2)}/${spec.digest.hex}`;
    case 'blobData':
      return `${pathFor({ kind: 'blobDir', digest: spec.digest })}/data`;
    case 'repositoriesRoot':
      return REPOSITORIES_ROOT;
    case 'repository':
      return `${REPOSITORIES_ROOT}/${spec.name}`;
    case 'layersDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_layers`;
    case 'layerDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_layers/${spec.digest.algorithm}/${spec.digest.hex}`;
    case 'layerLink':
      return `${pathFor({ ...spec, kind: 'layerDir' })}/link`;
    case 'revisionsDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_manifests/revisions`;
    case 'revisionDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_manifests/revisions/${spec.digest.algorithm}/${spec.digest.hex}`;
    case 'revisionLink':
      return `${pathFor({ ...spec, kind: 'revisionDir' })}/link`;
    case 'tagsDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_manifests/tags`;
    case 'tagDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_manifests/tags/${spec.tag}`;
    case 'tagLink':
      return `${REPOSITORIES_ROOT}/${spec.name}/_manifests/tags/${spec.tag}/current/link`;
    case 'referrersDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_referrers/${spec.subject.algorithm}/${spec.subject.hex}`;
    case 'referrerDir':
      return `${pathFor({ kind: 'referrersDir', name: spec.name, subject: spec.subject })}/${spec.digest.algorithm}-${spec.digest.hex}`;
    case 'referrerLink':
      return `${pathFor({ ...spec, kind: 'referrerDir' })}/link`;
    case 'uploadsDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_uploads`;
    case 'uploadDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_uploads/${spec.id}`;
    case 'uploadState':
      return `${REPOSITORIES_ROOT}/${spec.name}/_uploads/${spec.id}/state`;
    case 'uploadData':
      return `${REPOSITORIES_ROOT}/${spec.name}/_uploads/${spec.id}/data`;
    default: {
      const never: never = spec;
      throw new Error(`unknown path spec ${JSON.stringify(never)}`);
    }
  }
}

/** The last component of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
