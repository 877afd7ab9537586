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

/** Payload shared by all events. */
export interface RegistryEventBase {
  readonly repository: string;
  readonly principal?: unknown;
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
  | ({ readonly kind: 'blob' } & RegistryEventBase & { readonly digest: string });
export interface MountEvent extends BlobEvent {
  readonly from: string | null;
}
export interface RenameEvent extends RegistryEventBase {
  /** The new name; `repository` is the old one. */
  readonly to: string;
  /** Files moved (links, revisions, tags, …). */
  readonly files: number;
}

/**
 * Hooks. Every hook may be async.
 *
 * Event hooks (`onPush`, `onPull`, `onDelete`, `onMount`) run after the response's work is
 * durably done and before the response is sent; what they return is ignored and what they
 * throw is reported to `onError` and otherwise ignored, so a broken listener never fails a push.
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
  /** A manifest, tag or blob was deleted. */
  onDelete?(event: DeleteEvent): unknown;
  /** A blob was mounted from another repository (or found in the store when `from` is absent). */
  onMount?(event: MountEvent): unknown;
  /** A repository was renamed (moved) with its images. */
  onRename?(event: RenameEvent): unknown;
  /** An event hook threw, or the server hit an unexpected error it turned into a 500. */
  onError?(error: unknown, context: { readonly hook?: string; readonly request?: Request }): unknown;
}
