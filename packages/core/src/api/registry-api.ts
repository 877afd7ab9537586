/**
 * The programmatic registry API: everything the HTTP routes do, callable from the host's own
 * code (a web page, a job, a test). The routes are a thin layer over this class, so both
 * paths share validation, storage and events.
 * @module
 */
import { BlobStore, type BlobInfo } from '../blobs/blob-store.js';
import { ADMIT_ALL, type Admit } from '../blobs/admission.js';
import { GcSignal } from '../blobs/gc-signal.js';
import { RepositoryLinks } from '../blobs/repository-links.js';
import { Uploads, type ChunkRange } from '../blobs/uploads.js';
import type { UploadState } from '../blobs/upload-state.js';
import type { Digest, DigestAlgorithm } from '../digest.js';
import { RegistryError } from '../errors/registry-error.js';
import type { EventRequest, RegistryHooks } from '../hooks.js';
import { ManifestStore, type PutManifestResult, type Reference, type StoredManifest } from '../manifests/manifest-store.js';
import { Referrers, type ReferrerDescriptor } from '../manifests/referrers.js';
import { assertValidName, assertValidTag } from '../names.js';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { listRepositories, page } from './catalog.js';
import { ChangeFeed } from './change-feed.js';
import { NamespaceQuota, type QuotaOptions } from '../quota/namespace-quota.js';
import { emit } from '../events/emit.js';
import { currentDigests, deleteStates, pushStates, type TagProtection } from './tag-protection.js';

/** Who is acting, and the HTTP request when there is one; passed through to events. */
export interface CallContext {
  readonly principal?: unknown;
  readonly request?: EventRequest;
}

export interface RegistryApiOptions {
  readonly storage: StorageDriver;
  readonly hooks?: RegistryHooks;
  readonly deletes?: boolean;
  /** The clock for tag and manifest times (default: the system clock); tests set it. */
  readonly now?: () => Date;
  /** Per-namespace storage quotas (see quota/namespace-quota.ts). */
  readonly quota?: QuotaOptions;
  /** Protected and immutable tags (see api/tag-protection.ts). */
  readonly tagProtection?: TagProtection;
}

export class RegistryApi {
  readonly blobs: BlobStore;
  readonly links: RepositoryLinks;
  readonly uploads: Uploads;
  readonly manifests: ManifestStore;
  readonly referrersIndex: Referrers;
  /** Whether a garbage collection may be running; reusing writes touch what they reuse then. */
  readonly gcSignal: GcSignal;
  readonly hooks: RegistryHooks;
  readonly deletesEnabled: boolean;
  /** Tags or manifests of a repository changed (in this process). */
  readonly changes = new ChangeFeed();
  /** The storage quota, when configured. */
  readonly quota: NamespaceQuota | undefined;
  /** The host's tag protection, when configured: asked before tags are pushed or deleted. */
  readonly tagProtection: TagProtection | undefined;

  constructor(readonly options: RegistryApiOptions) {
    const driver = options.storage;
    this.hooks = options.hooks ?? {};
    this.deletesEnabled = options.deletes ?? true;
    this.tagProtection = options.tagProtection;
    this.gcSignal = new GcSignal(driver);
    this.blobs = new BlobStore(driver, this.gcSignal);
    this.links = new RepositoryLinks(driver);
    const quota = options.quota ? new NamespaceQuota(driver, this.blobs, options.quota) : undefined;
    this.quota = quota;
    const admit: Admit = quota ? (request, publish) => quota.admit(request, publish) : ADMIT_ALL;
    this.uploads = new Uploads(driver, this.blobs, this.links, admit);
    this.referrersIndex = new Referrers(driver);
    this.manifests = new ManifestStore(driver, this.links, this.referrersIndex, options.now, this.gcSignal, admit);
  }

  // ---- blobs ----

  /** A blob of a repository. @throws RegistryError BLOB_UNKNOWN */
  async statBlob(name: string, digest: Digest): Promise<BlobInfo> {
    assertValidName(name);
    const info = (await this.links.has(name, digest)) ? await this.blobs.stat(digest) : null;
    if (!info) throw blobUnknown(name, digest);
    return info;
  }

  /**
   * {@link statBlob} for a GET that goes on to stream the blob: the link is checked as always,
   * but a size this process has seen before stands in for the blob's stat (a digest's size
   * never changes), since the read that follows fails on its own when the blob is gone (see
   * {@link openBlob}). On remote storage that is one request less per pull. Not for HEAD: a
   * pushing client skips an upload on a HEAD's answer, so that must come from the store.
   * @throws RegistryError BLOB_UNKNOWN
   */
  async statBlobForRead(name: string, digest: Digest): Promise<BlobInfo> {
    assertValidName(name);
    if (!(await this.links.has(name, digest))) throw blobUnknown(name, digest);
    const info = this.blobs.seen(digest) ?? (await this.blobs.stat(digest));
    if (!info) throw blobUnknown(name, digest);
    return info;
  }

  /**
   * Stream a blob (or an inclusive byte range).
   * @param checked what {@link statBlob} or {@link statBlobForRead} returned for this request:
   *   the checks are not repeated (on remote storage each is a request).
   * @throws RegistryError BLOB_UNKNOWN
   */
  async openBlob(
    name: string,
    digest: Digest,
    range?: { start: number; end: number },
    ctx: CallContext = {},
    checked?: BlobInfo,
  ): Promise<ReadableStream<Uint8Array>> {
    const info = checked ?? (await this.statBlob(name, digest));
    let stream: ReadableStream<Uint8Array>;
    try {
      stream = await this.blobs.open(digest, range);
    } catch (error) {
      if (!(error instanceof PathNotFoundError)) throw error;
      this.blobs.forget(digest);
      throw blobUnknown(name, digest);
    }
    if (!range || range.start === 0) {
      await emit(this.hooks, 'onPull', { kind: 'blob', repository: name, digest: digest.value, size: info.size, principal: ctx.principal, request: ctx.request, timestamp: new Date() });
    }
    return stream;
  }

  /** Upload a whole blob in one call. @throws RegistryError DIGEST_INVALID */
  async putBlob(name: string, digest: Digest, body: ReadableStream<Uint8Array> | null, ctx: CallContext = {}): Promise<BlobInfo> {
    assertValidName(name);
    const info = await this.uploads.putMonolithic(name, digest, body);
    await this.#pushedBlob(name, info, ctx);
    return info;
  }

  /**
   * Link a blob from another repository (or, with `from` null, from the store).
   * @returns the blob, or `null` when it cannot be mounted (the caller starts an upload instead).
   */
  async mountBlob(name: string, digest: Digest, from: string | null, ctx: CallContext = {}): Promise<BlobInfo | null> {
    assertValidName(name);
    if (from !== null && !(await this.links.has(from, digest))) return null;
    const info = await this.blobs.stat(digest);
    if (!info) return null;
    const reuse = () => this.blobs.reuse(digest, () => this.links.link(name, digest));
    const linked = this.quota && !(await this.links.has(name, digest)) ? await this.quota.admit({ repository: name, digest, size: info.size, kind: 'blob' }, reuse) : await reuse();
    if (!linked) return null;
    await emit(this.hooks, 'onMount', { repository: name, from, digest: digest.value, size: info.size, principal: ctx.principal, request: ctx.request, timestamp: new Date() });
    return info;
  }

  /** Remove a blob from a repository (the bytes stay until garbage collection). */
  async deleteBlob(name: string, digest: Digest, ctx: CallContext = {}): Promise<void> {
    assertValidName(name);
    this.#assertDeletes();
    if (!(await this.links.unlink(name, digest))) throw blobUnknown(name, digest);
    await emit(this.hooks, 'onDelete', { kind: 'blob', repository: name, digest: digest.value, principal: ctx.principal, request: ctx.request, timestamp: new Date() });
  }

  // ---- uploads ----

  startUpload(name: string, algorithm?: DigestAlgorithm): Promise<UploadState> {
    assertValidName(name);
    return this.uploads.start(name, algorithm);
  }

  uploadOffset(name: string, id: string): Promise<number> {
    return this.uploads.offset(name, id);
  }

  appendUpload(name: string, id: string, body: ReadableStream<Uint8Array> | null, range?: ChunkRange): Promise<number> {
    return this.uploads.append(name, id, body, range);
  }

  async completeUpload(
    name: string,
    id: string,
    digest: Digest,
    body: ReadableStream<Uint8Array> | null,
    range?: ChunkRange,
    ctx: CallContext = {},
  ): Promise<BlobInfo> {
    const info = await this.uploads.complete(name, id, digest, body, range);
    await this.#pushedBlob(name, info, ctx);
    return info;
  }

  cancelUpload(name: string, id: string): Promise<void> {
    return this.uploads.cancel(name, id);
  }

  // ---- manifests ----

  /**
   * Store a manifest under a tag or digest, plus any extra tags. With tag protection, the
   * tags' change is checked once the manifest's digest is known and before anything is stored.
   * @throws RegistryError MANIFEST_INVALID, MANIFEST_BLOB_UNKNOWN, DIGEST_INVALID, DENIED
   *   (tag protection), …
   */
  async putManifest(
    name: string,
    reference: Reference,
    body: Uint8Array,
    contentType: string | null,
    extraTags: readonly string[] = [],
    ctx: CallContext = {},
  ): Promise<PutManifestResult> {
    assertValidName(name);
    const tags = [...new Set(['tag' in reference ? reference.tag : null, ...extraTags].filter((t): t is string => t !== null))];
    tags.forEach(assertValidTag);
    const protection = this.tagProtection;
    const beforeWrite =
      protection && tags.length > 0
        ? async (digest: Digest) => {
            const states = pushStates(digest, await currentDigests(this.manifests, name, tags));
            await protection.checkTagChange({ repository: name, action: 'push', origin: 'tag', tags: states, principal: ctx.principal });
          }
        : undefined;
    const result = await this.manifests.put(name, body, contentType, 'digest' in reference ? reference.digest : null, tags, beforeWrite);
    this.changes.notify(name);
    await emit(this.hooks, 'onPush', {
      kind: 'manifest', repository: name, digest: result.digest, mediaType: result.mediaType, size: result.size, tags: result.tags, principal: ctx.principal, request: ctx.request, timestamp: new Date(),
    });
    return result;
  }

  /** Resolve a manifest without reading it (HEAD). */
  headManifest(name: string, reference: Reference) {
    assertValidName(name);
    return this.manifests.resolve(name, reference);
  }

  async getManifest(name: string, reference: Reference, ctx: CallContext = {}): Promise<StoredManifest> {
    assertValidName(name);
    const m = await this.manifests.get(name, reference);
    await emit(this.hooks, 'onPull', {
      kind: 'manifest', repository: name, digest: m.digest, mediaType: m.mediaType, size: m.size, tags: 'tag' in reference ? [reference.tag] : [], principal: ctx.principal, request: ctx.request, timestamp: new Date(),
    });
    return m;
  }

  /**
   * Delete a manifest by digest (its tags go with it) or just a tag. With tag protection, the
   * tag, or every tag pointing at the manifest, is checked first.
   * @param origin what the delete is part of, for tag protection's messages (default: the tag
   *   or manifest itself; a repository deletion passes `repository`).
   * @throws RegistryError MANIFEST_UNKNOWN, NAME_UNKNOWN, UNSUPPORTED, DENIED (tag protection)
   */
  async deleteManifest(name: string, reference: Reference, ctx: CallContext = {}, origin?: 'repository'): Promise<void> {
    assertValidName(name);
    this.#assertDeletes();
    const timestamp = new Date();
    const protection = this.tagProtection;
    if ('tag' in reference) {
      if (protection) {
        const { digest } = await this.manifests.resolve(name, reference);
        const tags = deleteStates([{ tag: reference.tag, digest }]);
        await protection.checkTagChange({ repository: name, action: 'delete', origin: origin ?? 'tag', tags, principal: ctx.principal });
      }
      await this.manifests.deleteTag(name, reference.tag);
      this.changes.notify(name);
      await emit(this.hooks, 'onDelete', { kind: 'tag', repository: name, tag: reference.tag, principal: ctx.principal, request: ctx.request, timestamp });
      return;
    }
    const digest = reference.digest.value;
    const beforeDelete = protection
      ? (tags: readonly string[]) =>
          Promise.resolve(
            protection.checkTagChange({
              repository: name,
              action: 'delete',
              origin: origin ?? 'manifest',
              tags: deleteStates(tags.map((tag) => ({ tag, digest }))),
              principal: ctx.principal,
            }),
          )
      : undefined;
    await this.manifests.deleteManifest(name, reference.digest, beforeDelete);
    this.changes.notify(name);
    await emit(this.hooks, 'onDelete', { kind: 'manifest', repository: name, digest: reference.digest.value, principal: ctx.principal, request: ctx.request, timestamp });
  }

  // ---- discovery ----

  /** A page of tags. @throws RegistryError NAME_UNKNOWN */
  async listTags(name: string, n?: number, last?: string): Promise<{ tags: string[]; more: boolean }> {
    assertValidName(name);
    const { items, more } = page(await this.manifests.tags(name), n, last);
    return { tags: items, more };
  }

  /** A page of repository names. */
  async catalog(n?: number, last?: string): Promise<{ repositories: string[]; more: boolean }> {
    const { items, more } = page(await listRepositories(this.options.storage), n, last);
    return { repositories: items, more };
  }

  /** Manifests whose subject is `digest`. Never fails for an unknown subject or repository. */
  async referrers(name: string, digest: Digest, artifactType?: string): Promise<ReferrerDescriptor[]> {
    assertValidName(name);
    return this.referrersIndex.list(name, digest, artifactType);
  }

  #assertDeletes(): void {
    if (!this.deletesEnabled) throw new RegistryError('UNSUPPORTED', 'deletes are disabled on this registry');
  }

  async #pushedBlob(name: string, info: BlobInfo, ctx: CallContext): Promise<void> {
    await emit(this.hooks, 'onPush', { kind: 'blob', repository: name, digest: info.digest, size: info.size, principal: ctx.principal, request: ctx.request, timestamp: new Date() });
  }
}

function blobUnknown(name: string, digest: Digest): RegistryError {
  return new RegistryError('BLOB_UNKNOWN', `blob ${digest.value} is not in repository ${name}`, { detail: { digest: digest.value } });
}
