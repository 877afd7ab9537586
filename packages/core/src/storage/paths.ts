/**
 * The storage layout, version 1. Every path core reads or writes comes from {@link pathFor};
 * nothing else in core builds storage paths by hand.
 *
 * ```text
 * /wharf/v1
 * ├── blobs/<alg>/<hex[0:2]>/<hex>                 blob bytes, content addressed, shared by
 * │                                                every repository
 * └── repositories/<name…>/                        one directory per repository; <name> may
 *     │                                            span several components (group/project/image)
 *     ├── _layers/<alg>/<hex>                      link: the repository may serve this blob (a
 *     │                                            link is the access check: no link, 404)
 *     ├── _manifests/revisions/<alg>/<hex>         a manifest of this repository: one JSON line
 *     │                                            {digest, mediaType, size, subject?, pushedAt}, then the
 *     │                                            manifest's exact bytes
 *     ├── _manifests/tags/<tag>                    a tag: the same JSON as a revision's first line,
 *     │                                            with createdAt and updatedAt
 *     ├── _referrers/<alg>/<subject hex>/<alg>-<hex>
 *     │                                            a manifest whose `subject` is that digest:
 *     │                                            its descriptor for the referrers API
 *     └── _uploads/<id>.state, _uploads/<id>.data  a resumable upload session: JSON state and
 *                                                  the bytes (an uncommitted driver writer)
 * /wharf/v1/_lifecycle/cleanup/<project…>/         a cleanup policy of a project (a repository
 *     │                                            path prefix, e.g. team/app); a tree apart
 *     │                                            from repositories/, so a project that is
 *     │                                            also a repository never meets its files
 *     ├── _policy.json                             the policy (JSON) and when it was saved
 *     ├── _state.json                              next run time, resume cursor, last runs
 *     └── _lease.json                              which process runs it now, until when
 * /wharf/v1/_gc/                                   garbage collection (see gc/protocol.ts)
 *     ├── lock                                     which collection runs, until when (renewed)
 *     ├── running/<run>                            one per running collection: while any is
 *     │                                            present, writes that reuse stored content
 *     │                                            touch it
 *     ├── movers/<id>                              one per running operation that moves a
 *     │                                            repository's files (rename): a collection
 *     │                                            waits for them before it marks
 *     ├── trash/<run>/<path below /wharf/v1>       what a collection is deleting: moved here,
 *     │                                            checked once more, then deleted or put back
 *     └── touched/<run>/<sha256 of the path, hex>  empty: a registry touched that path while
 *                                                  the run went on (put back if trashed)
 * /wharf/v1/_events/<endpoint>/                    a webhook sink's durable queue (see
 *     │                                            events/webhook-sink.ts); file names carry
 *     │                                            the state, so every step is one move
 *     ├── queue/<id>.<attempts>.<notBefore>        events waiting, in id (ULID) order
 *     ├── sending/<id>.<attempts>.<owner>.<at>     claimed by a process while it posts them
 *     └── dead/<id>                                given up on after the last attempt
 * /wharf/v1/_quota/<sha256 of the namespace, hex>/<at>.<size>.<alg>-<hex>.<id>.<state>
 *                                                  a push admitted under a namespace's storage
 *                                                  quota, being published or lately done: the
 *                                                  name says it all, the content is the
 *                                                  repository (see quota/quota-reservations.ts)
 * ```
 *
 * Links and tags are files, not directories of files, and the directories that change on every
 * push are shared (`_layers/<alg>`, `revisions/<alg>`, `tags`, `_uploads`): a push creates few
 * directories, and a filesystem driver can share one directory fsync between concurrent writes.
 * Repository name components always start with a letter or digit, so they never collide with
 * the `_`-prefixed directories inside a repository (or the `_`-prefixed files of a project's
 * cleanup directory, where `team` and `team/app` may both have a policy).
 * @module
 */
import { createHash } from 'node:crypto';
import type { DigestAlgorithm } from '../digest.js';

/** Root of layout version 1. */
export const LAYOUT_ROOT = '/wharf/v1';
export const REPOSITORIES_ROOT = `${LAYOUT_ROOT}/repositories`;
export const BLOBS_ROOT = `${LAYOUT_ROOT}/blobs`;
export const CLEANUP_ROOT = `${LAYOUT_ROOT}/_lifecycle/cleanup`;
export const GC_ROOT = `${LAYOUT_ROOT}/_gc`;
export const EVENTS_ROOT = `${LAYOUT_ROOT}/_events`;
export const QUOTA_ROOT = `${LAYOUT_ROOT}/_quota`;

interface DigestRef {
  readonly algorithm: DigestAlgorithm;
  readonly hex: string;
}

/** Every kind of path in the layout. */
export type PathSpec =
  | { readonly kind: 'blobsRoot' }
  | { readonly kind: 'blob'; readonly digest: DigestRef }
  | { readonly kind: 'repositoriesRoot' }
  | { readonly kind: 'repository'; readonly name: string }
  | { readonly kind: 'layersDir'; readonly name: string }
  | { readonly kind: 'layerLink'; readonly name: string; readonly digest: DigestRef }
  | { readonly kind: 'revisionsDir'; readonly name: string }
  | { readonly kind: 'revision'; readonly name: string; readonly digest: DigestRef }
  | { readonly kind: 'tagsDir'; readonly name: string }
  | { readonly kind: 'tag'; readonly name: string; readonly tag: string }
  | { readonly kind: 'referrersDir'; readonly name: string; readonly subject: DigestRef }
  | { readonly kind: 'referrer'; readonly name: string; readonly subject: DigestRef; readonly digest: DigestRef }
  | { readonly kind: 'uploadsDir'; readonly name: string }
  | { readonly kind: 'uploadState'; readonly name: string; readonly id: string }
  | { readonly kind: 'uploadData'; readonly name: string; readonly id: string }
  | { readonly kind: 'cleanupRoot' }
  | { readonly kind: 'cleanupPolicy'; readonly project: string }
  | { readonly kind: 'cleanupState'; readonly project: string }
  | { readonly kind: 'cleanupLease'; readonly project: string }
  | { readonly kind: 'gcLock' }
  | { readonly kind: 'gcRunningDir' }
  | { readonly kind: 'gcRunning'; readonly run: string }
  | { readonly kind: 'gcMoversDir' }
  | { readonly kind: 'gcMover'; readonly id: string }
  | { readonly kind: 'gcTrashDir' }
  | { readonly kind: 'gcTrashRun'; readonly run: string }
  /** `path` is a layout path (below {@link LAYOUT_ROOT}) that a collection is deleting. */
  | { readonly kind: 'gcTrash'; readonly run: string; readonly path: string }
  | { readonly kind: 'gcTouchedDir' }
  | { readonly kind: 'gcTouchedRun'; readonly run: string }
  /** A record that a registry touched layout path `path` while run `run` was going on. */
  | { readonly kind: 'gcTouched'; readonly run: string; readonly path: string }
  | { readonly kind: 'eventsRoot' }
  | { readonly kind: 'eventQueueDir'; readonly endpoint: string }
  | { readonly kind: 'eventQueued'; readonly endpoint: string; readonly file: string }
  | { readonly kind: 'eventSendingDir'; readonly endpoint: string }
  | { readonly kind: 'eventSending'; readonly endpoint: string; readonly file: string }
  | { readonly kind: 'eventDeadDir'; readonly endpoint: string }
  | { readonly kind: 'eventDead'; readonly endpoint: string; readonly file: string }
  /** `namespace` is any string (hashed into the path). */
  | { readonly kind: 'quotaReservationsDir'; readonly namespace: string }
  | { readonly kind: 'quotaReservation'; readonly namespace: string; readonly file: string };

/** The storage path for a spec. Names, tags and ids must already be validated. */
export function pathFor(spec: PathSpec): string {
  switch (spec.kind) {
    case 'blobsRoot':
      return BLOBS_ROOT;
    case 'blob':
      return `${BLOBS_ROOT}/${spec.digest.algorithm}/${spec.digest.hex.slice(0, 2)}/${spec.digest.hex}`;
    case 'repositoriesRoot':
      return REPOSITORIES_ROOT;
    case 'repository':
      return `${REPOSITORIES_ROOT}/${spec.name}`;
    case 'layersDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_layers`;
    case 'layerLink':
      return `${REPOSITORIES_ROOT}/${spec.name}/_layers/${spec.digest.algorithm}/${spec.digest.hex}`;
    case 'revisionsDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_manifests/revisions`;
    case 'revision':
      return `${REPOSITORIES_ROOT}/${spec.name}/_manifests/revisions/${spec.digest.algorithm}/${spec.digest.hex}`;
    case 'tagsDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_manifests/tags`;
    case 'tag':
      return `${REPOSITORIES_ROOT}/${spec.name}/_manifests/tags/${spec.tag}`;
    case 'referrersDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_referrers/${spec.subject.algorithm}/${spec.subject.hex}`;
    case 'referrer':
      return `${pathFor({ kind: 'referrersDir', name: spec.name, subject: spec.subject })}/${spec.digest.algorithm}-${spec.digest.hex}`;
    case 'uploadsDir':
      return `${REPOSITORIES_ROOT}/${spec.name}/_uploads`;
    case 'uploadState':
      return `${REPOSITORIES_ROOT}/${spec.name}/_uploads/${spec.id}.state`;
    case 'uploadData':
      return `${REPOSITORIES_ROOT}/${spec.name}/_uploads/${spec.id}.data`;
    case 'cleanupRoot':
      return CLEANUP_ROOT;
    case 'cleanupPolicy':
      return `${CLEANUP_ROOT}/${spec.project}/_policy.json`;
    case 'cleanupState':
      return `${CLEANUP_ROOT}/${spec.project}/_state.json`;
    case 'cleanupLease':
      return `${CLEANUP_ROOT}/${spec.project}/_lease.json`;
    case 'gcLock':
      return `${GC_ROOT}/lock`;
    case 'gcRunningDir':
      return `${GC_ROOT}/running`;
    case 'gcRunning':
      return `${GC_ROOT}/running/${spec.run}`;
    case 'gcMoversDir':
      return `${GC_ROOT}/movers`;
    case 'gcMover':
      return `${GC_ROOT}/movers/${spec.id}`;
    case 'gcTrashDir':
      return `${GC_ROOT}/trash`;
    case 'gcTrashRun':
      return `${GC_ROOT}/trash/${spec.run}`;
    case 'gcTrash':
      if (!spec.path.startsWith(`${LAYOUT_ROOT}/`)) throw new Error(`not a layout path: ${spec.path}`);
      return `${GC_ROOT}/trash/${spec.run}${spec.path.slice(LAYOUT_ROOT.length)}`;
    case 'gcTouchedDir':
      return `${GC_ROOT}/touched`;
    case 'gcTouchedRun':
      return `${GC_ROOT}/touched/${spec.run}`;
    case 'gcTouched':
      return `${GC_ROOT}/touched/${spec.run}/${touchedName(spec.path)}`;
    case 'eventsRoot':
      return EVENTS_ROOT;
    case 'eventQueueDir':
      return `${EVENTS_ROOT}/${spec.endpoint}/queue`;
    case 'eventQueued':
      return `${EVENTS_ROOT}/${spec.endpoint}/queue/${spec.file}`;
    case 'eventSendingDir':
      return `${EVENTS_ROOT}/${spec.endpoint}/sending`;
    case 'eventSending':
      return `${EVENTS_ROOT}/${spec.endpoint}/sending/${spec.file}`;
    case 'eventDeadDir':
      return `${EVENTS_ROOT}/${spec.endpoint}/dead`;
    case 'eventDead':
      return `${EVENTS_ROOT}/${spec.endpoint}/dead/${spec.file}`;
    case 'quotaReservationsDir':
      return `${QUOTA_ROOT}/${createHash('sha256').update(spec.namespace).digest('hex')}`;
    case 'quotaReservation':
      return `${pathFor({ kind: 'quotaReservationsDir', namespace: spec.namespace })}/${spec.file}`;
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

/**
 * The name of a touch record of `path` (flat, fixed length: one directory listing per run
 * finds them all, and no path is too long for a filesystem's name limit).
 */
export function touchedName(path: string): string {
  return createHash('sha256').update(path).digest('hex');
}
