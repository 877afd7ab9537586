/**
 * Hooks a host plugs into the registry: one authorization hook that sees the access each
 * request needs, and event listeners called after content changes or is read.
 * @module
 */

/** An action on a resource, as in Docker's token scopes. */
export type Action = 'pull' | 'push' | 'delete' | '*';

/** Access to one resource, e.g. `repository:team/app:pull,push` or `registry:catalog:*`. */
export interface AccessRequest {
  readonly type: 'repository' | 'registry';
  /** Repository name, or `catalog` for `registry`. */
  readonly name: string;
  readonly actions: readonly Action[];
}

/** What {@link RegistryHooks.onAuthorize} is asked. */
export interface AuthorizationRequest {
  /** The incoming request (headers carry the credentials). */
  readonly request: Request;
  /** The route name from the route table, e.g. `blob-upload-start`. */
  readonly route: string;
  /** Access the request cannot proceed without. */
  readonly required: readonly AccessRequest[];
  /**
   * Access that changes how the request is served when granted, but is not needed:
   * pull on the `from` repository of a cross-repository mount.
   */
  readonly optional: readonly AccessRequest[];
}

/** What {@link RegistryHooks.onAuthorize} answers. */
export interface Authorization {
  /** Who is calling; passed to events. Anything the host likes. */
  readonly principal?: unknown;
  /** The access granted, among `required` and `optional`. */
  readonly granted: readonly AccessRequest[];
}

/** The HTTP request behind an event (Distribution's `request` record). */
export interface EventRequest {
  /** Made up by core for this request (a ULID), so a receiver can group a request's events. */
  readonly id: string;
  readonly method: string;
  /** The host (and port) the client addressed. */
  readonly host: string;
  /** The `User-Agent` header, or empty. */
  readonly useragent: string;
}

/** Payload shared by all events. */
export interface RegistryEventBase {
  readonly repository: string;
  readonly principal?: unknown;
  /** The request that caused it; absent when the host's own code called the API. */
  readonly request?: EventRequest;
  /** When it happened. */
  readonly timestamp: Date;
}

export interface ManifestEvent extends RegistryEventBase {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  /** Tags the request named (empty for by-digest requests). */
  readonly tags: readonly string[];
}

export interface BlobEvent extends RegistryEventBase {
  readonly digest: string;
  readonly size: number;
}

export type PushEvent = ({ readonly kind: 'manifest' } & ManifestEvent) | ({ readonly kind: 'blob' } & BlobEvent);
export type PullEvent = PushEvent;
export type DeleteEvent =
  | ({ readonly kind: 'manifest' } & RegistryEventBase & { readonly digest: string })
  | ({ readonly kind: 'tag' } & RegistryEventBase & { readonly tag: string })
  | ({ readonly kind: 'blob' } & RegistryEventBase & { readonly digest: string })
  /** A whole repository, once its tags and manifests are gone (each reported on its own before). */
  | ({ readonly kind: 'repository' } & RegistryEventBase);
export interface MountEvent extends BlobEvent {
  readonly from: string | null;
}
export interface RenameEvent extends RegistryEventBase {
  /** The new name; `repository` is the old one. */
  readonly to: string;
  /** Files moved (links, revisions, tags, …). */
  readonly files: number;
}

/** What a run deleted (a dry run: would delete); a count the run does not deal in is absent. */
export interface RunDeletions {
  readonly tags?: number;
  readonly manifests?: number;
  readonly blobs?: number;
  /** Bytes freed in the blob store. */
  readonly bytes?: number;
}

/**
 * What one run of garbage collection or of a cleanup policy did. Runs that did nothing because
 * another process held the lock, or that were not due, are not reported.
 */
export interface RunEvent {
  /** The run's id, as in the run's own records. */
  readonly runId: string;
  /** When the run began; `timestamp` is when it ended. */
  readonly startedAt: Date;
  readonly timestamp: Date;
  /** A dry run deletes nothing: `deleted` says what it would have deleted. */
  readonly dryRun: boolean;
  /** `unfinished`: stopped by its time budget, a later run continues; `failed`: stopped by an error. */
  readonly status: 'finished' | 'unfinished' | 'failed';
  readonly deleted: RunDeletions;
  /** Deletions that failed (the run went on). */
  readonly failed: number;
  /** Error messages, the first few: failed deletions, and what stopped a failed run. */
  readonly errors: readonly string[];
  /** Who started the run; absent for scheduled runs. */
  readonly principal?: unknown;
}

/** A cleanup policy ran over a project's repositories. */
export interface CleanupRunEvent extends RunEvent {
  /** The project (repository path prefix, e.g. `team/app`) whose policy ran. */
  readonly project: string;
}

/** A garbage collection ran over the whole store. */
export type GcRunEvent = RunEvent;

/**
 * Hooks. Every hook may be async.
 *
 * Event hooks (`onPush`, `onPull`, `onDelete`, `onMount`, `onRename`) run after the response's
 * work is durably done and before the response is sent; the run hooks (`onCleanupRun`,
 * `onGcRun`) after a run ends. What they return is ignored and what they throw is reported to
 * `onError` and otherwise ignored, so a broken listener never fails a push. Several listeners:
 * `combineHooks`. Events as Distribution-style webhooks: `createWebhookSink`.
 */
export interface RegistryHooks {
  /**
   * Runs before every request is served, after its route is known.
   * Return the access granted, or nothing to grant everything requested (an open registry).
   * Throw a `RegistryError` (e.g. `UNAUTHORIZED` with a `WWW-Authenticate` challenge) to refuse;
   * it is sent as is. When required access is missing from the grant, core answers 403 DENIED.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: hooks that grant everything simply return nothing
  onAuthorize?(request: AuthorizationRequest): Promise<Authorization | void> | Authorization | void;
  /** A manifest was stored (and tagged), or a blob upload completed. */
  onPush?(event: PushEvent): unknown;
  /** A manifest or blob body was served (GET, not HEAD). */
  onPull?(event: PullEvent): unknown;
  /**
   * A manifest, tag or blob was deleted; or a whole repository (`kind: 'repository'`), after
   * one event for each of its tags and manifests.
   */
  onDelete?(event: DeleteEvent): unknown;
  /** A blob was mounted from another repository (or found in the store when `from` is absent). */
  onMount?(event: MountEvent): unknown;
  /** A repository was renamed (moved) with its images. */
  onRename?(event: RenameEvent): unknown;
  /** A cleanup policy run ended (dry runs included). */
  onCleanupRun?(event: CleanupRunEvent): unknown;
  /** A garbage collection ended (dry runs included). */
  onGcRun?(event: GcRunEvent): unknown;
  /** An event hook threw, or the server hit an unexpected error it turned into a 500. */
  onError?(error: unknown, context: { readonly hook?: string; readonly request?: Request }): unknown;
}
