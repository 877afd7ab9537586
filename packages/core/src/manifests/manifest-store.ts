/**
 * Manifests of repositories: store (after checking every reference), resolve tags and
 * digests, delete. A manifest lives in its repository's revision file (descriptor line + exact
 * bytes); tags and referrer entries point at it (see storage/paths.ts). Manifests are small,
 * so keeping them out of the shared blob store saves a file and its fsyncs on every push.
 * @module
 */
import { digestOf, parseDigest, tryParseDigest, type Digest } from '../digest.js';
import { RegistryError } from '../errors/registry-error.js';
import { ADMIT_ALL, type Admit } from '../blobs/admission.js';
import { NO_GC, touchExisting, type GcSignal } from '../blobs/gc-signal.js';
import { touchReferences } from './touch-references.js';
import type { RepositoryLinks } from '../blobs/repository-links.js';
import { FILE_ONLY, type StorageDriver } from '../storage/driver.js';
import { baseName, pathFor } from '../storage/paths.js';
import { exists, notFoundAs } from '../storage/not-found.js';
import { isValidTag } from '../names.js';
import { decodeLink, decodeRevision, encodeLink, encodeRevision, type ManifestLink } from './manifest-link.js';
import { ManifestCache } from './manifest-cache.js';
import { parseManifest } from './parse.js';
import type { ParsedManifest } from './parsed-manifest.js';
import { referrerDescriptor, type Referrers } from './referrers.js';
import { mapInBatches } from './event-loop.js';
import { byKind, findMissing, missingReferencesError, referencesOf, type ManifestReference } from './reference-check.js';

/** Tags looked at the same time when a manifest is deleted. */
const TAG_CONCURRENCY = 16;

/** A reference from a URL: a tag or a digest. */
export type Reference = { readonly tag: string } | { readonly digest: Digest };

export interface StoredManifest extends ManifestLink {
  readonly bytes: Uint8Array;
}

export interface PutManifestResult extends ManifestLink {
  /** Tags now pointing at the manifest. */
  readonly tags: readonly string[];
  readonly parsed: ParsedManifest;
}

export class ManifestStore {
  readonly #cache = new ManifestCache();
  readonly #now: () => Date;
  readonly #gc: GcSignal | undefined;

  /**
   * @param gc tells whether a garbage collection may be running (see gc/protocol.ts).
   * @param admit wraps storing a manifest new to the repository (the storage quota refuses it).
   */
  constructor(
    private readonly driver: StorageDriver,
    private readonly links: RepositoryLinks,
    private readonly referrers: Referrers,
    now: () => Date = () => new Date(),
    gc?: GcSignal,
    private readonly admit: Admit = ADMIT_ALL,
  ) {
    this.#now = now;
    this.#gc = gc;
  }

  /**
   * Validate and store a manifest, then point `tags` at it.
   * @param expectedDigest when PUT by digest: the body must have it.
   * @param beforeWrite called with the manifest's digest once the body is known valid, before
   *   anything is stored; what it throws refuses the push (tag protection, api/tag-protection.ts).
   * @throws RegistryError MANIFEST_INVALID, MANIFEST_UNVERIFIED, DIGEST_INVALID,
   *   MANIFEST_BLOB_UNKNOWN (one error per missing digest, at most 100, then one saying how
   *   many more), NAME_INVALID / TAG_INVALID for a schema 1 manifest whose embedded name or
   *   tag disagrees with the URL.
   */
  async put(
    name: string,
    body: Uint8Array,
    contentType: string | null,
    expectedDigest: Digest | null,
    tags: readonly string[],
    beforeWrite?: (digest: Digest) => Promise<void>,
  ): Promise<PutManifestResult> {
    const parsed = await parseManifest(body, contentType);
    const algorithm = expectedDigest?.algorithm ?? 'sha256';
    const digest = parseDigest(digestOf(parsed.canonical, algorithm));
    if (expectedDigest && expectedDigest.value !== digest.value) {
      throw new RegistryError('DIGEST_INVALID', `the manifest has digest ${digest.value}, not ${expectedDigest.value}`, {
        detail: { expected: expectedDigest.value, actual: digest.value },
      });
    }
    if (parsed.embedded) {
      if (parsed.embedded.name !== name) {
        throw new RegistryError('NAME_INVALID', `the schema 1 manifest names repository ${JSON.stringify(parsed.embedded.name.slice(0, 256))}, but it was pushed to ${JSON.stringify(name)}`);
      }
      const urlTag = tags[0];
      if (urlTag !== undefined && !expectedDigest && parsed.embedded.tag !== urlTag) {
        throw new RegistryError('TAG_INVALID', `the schema 1 manifest names tag ${JSON.stringify(parsed.embedded.tag.slice(0, 140))}, but it was pushed as ${JSON.stringify(urlTag)}`);
      }
    }
    await beforeWrite?.(digest);
    // While a garbage collection may run, what the manifest reuses is touched (gc/protocol.ts).
    const gc = this.#gc ? await this.#gc.observe() : NO_GC;
    await this.#checkReferences(name, parsed, gc.active ? gc.runs : null);

    const link: ManifestLink = {
      digest: digest.value,
      mediaType: parsed.mediaType,
      size: body.byteLength,
      ...(parsed.subject ? { subject: parsed.subject.digest } : {}),
    };
    const now = this.#now().toISOString();
    // The revision is durable before any tag can point at it; an identical re-push skips it.
    const revisionPath = pathFor({ kind: 'revision', name, digest });
    const writeRevision = () => this.driver.putContent(revisionPath, encodeRevision({ ...link, pushedAt: now }, body));
    if (!(gc.active ? await touchExisting(this.driver, revisionPath, gc.runs) : await this.has(name, digest))) {
      await this.admit({ repository: name, digest, size: body.byteLength, kind: 'manifest' }, writeRevision);
    }
    this.#cache.set(digest.value, body);
    const writes: Promise<void>[] = tags.map((tag) => this.#writeTag(name, tag, link, now));
    if (parsed.subject) {
      writes.push(this.referrers.add(name, parseDigest(parsed.subject.digest), digest, referrerDescriptor(link, parsed)));
    }
    await Promise.all(writes);
    if (this.#gc?.outlived(gc)) {
      // Slow: a collection may have marked meanwhile without seeing this manifest.
      const { runs } = await this.#gc.observe();
      if (!(await touchExisting(this.driver, revisionPath, runs))) await writeRevision();
      await this.#checkReferences(name, parsed, runs);
    }
    return { ...link, tags: [...tags], parsed };
  }

  /**
   * Point a tag at a manifest, keeping its creation time when it existed; a tag that already
   * points at this manifest is left as it is (its times included).
   */
  async #writeTag(name: string, tag: string, link: ManifestLink, now: string): Promise<void> {
    const path = pathFor({ kind: 'tag', name, tag });
    const previous = await this.driver.getContent(path).then(decodeLink, notFoundAs(null));
    if (previous?.digest === link.digest && previous.createdAt) return;
    const { pushedAt: _pushed, ...target } = link;
    await this.driver.putContent(path, encodeLink({ ...target, createdAt: previous?.createdAt ?? now, updatedAt: now }));
  }

  /**
   * The link a tag or digest resolves to.
   * @throws RegistryError MANIFEST_UNKNOWN, or NAME_UNKNOWN when the repository does not exist.
   */
  async resolve(name: string, reference: Reference): Promise<ManifestLink> {
    if ('digest' in reference) return (await this.#revision(name, reference)).link;
    const link = await this.driver.getContent(pathFor({ kind: 'tag', name, tag: reference.tag })).then(decodeLink, notFoundAs(null));
    if (!link) throw await this.#unknown(name, reference);
    return link;
  }

  /** Resolve and read the bytes. @throws like {@link resolve} */
  async get(name: string, reference: Reference): Promise<StoredManifest> {
    const link = await this.resolve(name, reference);
    const cached = this.#cache.get(link.digest);
    if (cached) return { ...link, bytes: cached };
    const revision = await this.#revision(name, { digest: parseDigest(link.digest) }).catch(async (error: unknown) => {
      // a tag whose manifest was deleted meanwhile
      if (error instanceof RegistryError && error.code === 'MANIFEST_UNKNOWN') throw await this.#unknown(name, reference);
      throw error;
    });
    return { ...revision.link, bytes: revision.body };
  }

  /** Read a revision file, caching its bytes. @throws RegistryError MANIFEST_UNKNOWN / NAME_UNKNOWN */
  async #revision(name: string, reference: { digest: Digest }): Promise<{ link: ManifestLink; body: Uint8Array }> {
    const revision = await this.driver.getContent(pathFor({ kind: 'revision', name, digest: reference.digest })).then(decodeRevision, notFoundAs(null));
    if (!revision) throw await this.#unknown(name, reference);
    this.#cache.set(revision.link.digest, revision.body);
    return revision;
  }

  /** Whether the repository has this manifest. */
  async has(name: string, digest: Digest): Promise<boolean> {
    return exists(this.driver, pathFor({ kind: 'revision', name, digest }), FILE_ONLY);
  }

  /**
   * Delete a manifest and every tag pointing at it.
   * @param beforeDelete called with the tags pointing at the manifest (in lexical order, when
   *   there are any) before anything is deleted; what it throws refuses the delete.
   * @returns the link that was deleted and the tags removed.
   * @throws RegistryError MANIFEST_UNKNOWN / NAME_UNKNOWN
   */
  async deleteManifest(
    name: string,
    digest: Digest,
    beforeDelete?: (tags: readonly string[]) => Promise<void>,
  ): Promise<{ link: ManifestLink; tags: string[] }> {
    const link = await this.resolve(name, { digest });
    const pointing: string[] = [];
    const tags = await this.tags(name).catch(() => [] as string[]);
    // A repository can have any number of tags: a bounded number of reads at a time.
    await mapInBatches(tags, TAG_CONCURRENCY, async (tag) => {
      const tagLink = await this.resolve(name, { tag }).catch(() => null);
      if (tagLink?.digest === digest.value) pointing.push(tag);
    });
    pointing.sort(lexical);
    if (beforeDelete && pointing.length > 0) await beforeDelete(pointing);
    const removed: string[] = [];
    await mapInBatches(pointing, TAG_CONCURRENCY, async (tag) => {
      await this.driver.delete(pathFor({ kind: 'tag', name, tag })).catch(notFoundAs(undefined));
      removed.push(tag);
    });
    const subject = link.subject ? tryParseDigest(link.subject) : null;
    if (subject) await this.referrers.remove(name, subject, digest);
    await this.driver.delete(pathFor({ kind: 'revision', name, digest })).catch(notFoundAs(undefined));
    return { link, tags: removed.sort() };
  }

  /** Delete one tag; the manifest stays. @throws RegistryError MANIFEST_UNKNOWN / NAME_UNKNOWN */
  async deleteTag(name: string, tag: string): Promise<ManifestLink> {
    const link = await this.resolve(name, { tag });
    await this.driver.delete(pathFor({ kind: 'tag', name, tag })).catch(notFoundAs(undefined));
    return link;
  }

  /**
   * All tags of a repository in lexical order.
   * @throws RegistryError NAME_UNKNOWN when the repository does not exist.
   */
  async tags(name: string): Promise<string[]> {
    const children = await this.driver.list(pathFor({ kind: 'tagsDir', name })).catch(notFoundAs(null));
    if (children) return children.map(baseName).filter(isValidTag).sort(lexical);
    if (await this.repositoryExists(name)) return [];
    throw nameUnknown(name);
  }

  /** Whether anything is stored for the repository. */
  async repositoryExists(name: string): Promise<boolean> {
    return exists(this.driver, pathFor({ kind: 'repository', name }));
  }

  /**
   * Check that what the manifest references is in the repository (see reference-check.ts for
   * the bounds on that work).
   * @param touch the runs of the collections that may be going on: touch what is referenced
   *   (and fail on what a collection took) instead of checking it; `null` when none is.
   * @throws RegistryError MANIFEST_BLOB_UNKNOWN listing what is missing.
   */
  async #checkReferences(name: string, parsed: ParsedManifest, touch: readonly string[] | null): Promise<void> {
    const found = await findMissing(referencesOf(parsed), (batch) =>
      touch ? touchReferences(this.driver, name, byKind(batch), touch) : this.#absent(name, batch),
    );
    if (found.listed.length > 0) throw missingReferencesError(name, found);
  }

  /** The digests of `batch` that are not in the repository (a blob may also be a manifest there). */
  async #absent(name: string, batch: readonly ManifestReference[]): Promise<string[]> {
    const present = await Promise.all(
      batch.map(async ({ digest: d, kind }) => {
        const digest = parseDigest(d);
        return (kind === 'blob' && (await this.links.has(name, digest))) || (await this.has(name, digest));
      }),
    );
    return batch.filter((_, i) => !present[i]).map((r) => r.digest);
  }

  async #unknown(name: string, reference: Reference): Promise<RegistryError> {
    if (!(await this.repositoryExists(name))) return nameUnknown(name);
    const what = 'tag' in reference ? `tag ${JSON.stringify(reference.tag)}` : `digest ${reference.digest.value}`;
    return new RegistryError('MANIFEST_UNKNOWN', `manifest unknown: ${what} is not in repository ${name}`, {
      detail: 'tag' in reference ? { tag: reference.tag } : { digest: reference.digest.value },
    });
  }
}

export function nameUnknown(name: string): RegistryError {
  return new RegistryError('NAME_UNKNOWN', `repository ${name} is not known to this registry`, { detail: { name } });
}

export function lexical(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
