/**
 * The mark phase, one repository at a time: which manifests stay, which blobs they reach, and
 * what of the repository's own files is garbage (a plan the sweep carries out).
 *
 * Roots are the tags, and every manifest unless untagged ones are to be deleted; even then a
 * manifest whose revision is younger than the cutoff is a root (a multi-arch push stores its
 * children before the index that tags them). From the roots the mark follows index children,
 * blobs a manifest names, and referrers (a manifest whose subject stays, stays). Everything
 * about a repository is in its own directory, so repositories are independent; only the set
 * of marked blobs is shared.
 *
 * A layer link younger than the cutoff marks its blob even when no manifest uses it: an upload
 * rewrites the link, and this is how an upload of a blob that already existed, made outside a
 * collection (which does not touch the blob), is protected for the grace period.
 *
 * Whatever the mark cannot read it keeps, and says so: a tag it cannot decode makes the
 * repository keep its untagged manifests; a manifest it cannot parse makes the repository keep
 * its manifests and links, and the run skip the blob sweep (what it references is unknown).
 * @module
 */
import { tryParseDigest } from '../digest.js';
import { decodeLink, decodeRevision } from '../manifests/manifest-link.js';
import { parseManifest } from '../manifests/parse.js';
import type { ParsedManifest } from '../manifests/parsed-manifest.js';
import type { StorageDriver } from '../storage/driver.js';
import { listOrEmpty, notFoundAs } from '../storage/not-found.js';
import { baseName, pathFor } from '../storage/paths.js';
import { fromUtf8 } from '../streams.js';
import type { TrashItem } from './trash.js';
import { listDigestFiles, mapLimit } from './walk.js';

type References = Pick<ParsedManifest, 'blobs' | 'manifests'>;

/** Parsed references by manifest digest (content addressed, so never stale), bounded. */
export class ReferenceCache {
  readonly #entries = new Map<string, References>();

  constructor(private readonly capacity = 50_000) {}

  async of(digest: string, body: Uint8Array, mediaType: string): Promise<References> {
    const cached = this.#entries.get(digest);
    if (cached) return cached;
    const parsed = await parseManifest(body, mediaType);
    const refs: References = { blobs: parsed.blobs, manifests: parsed.manifests };
    if (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(digest, refs);
    return refs;
  }
}

export interface MarkContext {
  readonly driver: StorageDriver;
  readonly deleteUntagged: boolean;
  /** Unreferenced content modified before this (storage clock, ms) is garbage. */
  readonly cutoffMs: number;
  /** Upload sessions started before this (ms) are stale. */
  readonly uploadCutoffMs: number;
  readonly concurrency: number;
  /** Blob digests marked so far, shared by every repository of the run. */
  readonly marks: Set<string>;
  readonly references: ReferenceCache;
}

/** A file of the repository that the sweep should delete, named by a digest. */
export interface DigestItem extends TrashItem {
  readonly digest: string;
}

/** A referrers-index entry (`_referrers/<subject>/<referrer>`). */
export interface ReferrerEntry {
  readonly path: string;
  /** The revision of the referrer it lists. */
  readonly revision: string;
}

export interface UploadCandidate {
  readonly id: string;
  readonly statePath: string;
  readonly dataPath: string;
}

/** What the mark found in one repository, and what the sweep should delete there. */
export interface RepositoryPlan {
  readonly name: string;
  readonly kept: number;
  /** Untagged manifests kept only because they are younger than the cutoff. */
  readonly recentManifests: number;
  /** Links no kept manifest uses, kept because they are younger than the cutoff. */
  readonly recentLinks: number;
  /** Unreachable manifests older than the cutoff (only when deleting untagged ones). */
  readonly revisions: DigestItem[];
  /** The referrer entries listing each of `revisions`, by revision path. */
  readonly referrersOf: ReadonlyMap<string, ReferrerEntry[]>;
  /** Referrer entries whose manifest no longer exists, older than the cutoff. */
  readonly orphanReferrers: ReferrerEntry[];
  /** Layer links no kept manifest uses, older than the cutoff. */
  readonly links: DigestItem[];
  readonly uploads: UploadCandidate[];
  readonly warnings: string[];
  /** Something could not be judged: the blob sweep must not run. */
  readonly unsafe: boolean;
}

/** Mark one repository: add the blobs it keeps to `ctx.marks`, and plan its sweep. */
export async function markRepository(ctx: MarkContext, name: string): Promise<RepositoryPlan> {
  const { driver } = ctx;
  const warnings: string[] = [];
  let unsafe = false;
  const [tagFiles, revisionFiles, linkFiles, referrerEntries, uploadFiles] = await Promise.all([
    listOrEmpty(driver, pathFor({ kind: 'tagsDir', name })),
    listDigestFiles(driver, pathFor({ kind: 'revisionsDir', name })),
    listDigestFiles(driver, pathFor({ kind: 'layersDir', name })),
    listReferrerEntries(driver, name),
    listOrEmpty(driver, pathFor({ kind: 'uploadsDir', name })),
  ]);
  const revisionDigests = new Set(revisionFiles.map((f) => f.digest.value));

  // Roots: tags, then (unless deleting untagged manifests) every manifest, else the young ones.
  let deleteUntagged = ctx.deleteUntagged;
  const tagged = await mapLimit(tagFiles, ctx.concurrency, async (path) => {
    const link = await driver.getContent(path).then(decodeLink, notFoundAs(undefined)); // undefined: deleted meanwhile
    if (link === null) {
      warnings.push(`${name}: tag ${baseName(path)} is unreadable; untagged manifests of this repository are kept`);
      deleteUntagged = false;
    }
    return link?.digest;
  });
  const revisionTimes = new Map<string, { modTime: number; size: number }>();
  if (deleteUntagged) {
    await mapLimit(revisionFiles, ctx.concurrency, async (file) => {
      const info = await driver.stat(file.path).catch(notFoundAs(null));
      if (info) revisionTimes.set(file.digest.value, { modTime: info.modTime.getTime(), size: info.size });
    });
  }

  const referrersBySubject = new Map<string, string[]>();
  for (const entry of referrerEntries) {
    const list = referrersBySubject.get(entry.subject) ?? [];
    list.push(entry.digest);
    referrersBySubject.set(entry.subject, list);
  }
  const kept = new Set<string>();
  const linkKeep = new Set<string>();
  const reach = async (roots: Iterable<string | undefined>): Promise<void> => {
    let frontier = [...new Set(roots)].filter((d): d is string => d !== undefined && !kept.has(d));
    while (frontier.length > 0) {
      const next: string[] = [];
      await mapLimit(frontier, ctx.concurrency, async (value) => {
        const digest = tryParseDigest(value);
        if (!digest) return;
        const path = pathFor({ kind: 'revision', name, digest });
        const bytes = await driver.getContent(path).catch(notFoundAs(null));
        if (!bytes) return; // a tag whose manifest is gone, or deleted meanwhile
        kept.add(value);
        const revision = decodeRevision(bytes);
        const refs = revision ? await ctx.references.of(value, revision.body, revision.link.mediaType).catch(() => null) : null;
        if (!refs) {
          warnings.push(`${name}: manifest ${value} is unreadable; its blobs are unknown, so no blob is deleted in this run`);
          unsafe = true;
          return;
        }
        for (const blob of refs.blobs) {
          ctx.marks.add(blob);
          linkKeep.add(blob);
          if (revisionDigests.has(blob)) next.push(blob); // a manifest referenced as a blob
        }
        next.push(...refs.manifests, ...(referrersBySubject.get(value) ?? []));
      });
      frontier = [...new Set(next)].filter((d) => !kept.has(d));
    }
  };
  await reach(tagged);
  const keptByTags = kept.size;
  if (deleteUntagged) await reach([...revisionTimes].filter(([, t]) => t.modTime >= ctx.cutoffMs).map(([d]) => d));
  else await reach(revisionDigests);

  const revisions: DigestItem[] = [];
  const referrersOf = new Map<string, ReferrerEntry[]>();
  if (deleteUntagged) {
    for (const file of revisionFiles) {
      const times = revisionTimes.get(file.digest.value);
      if (kept.has(file.digest.value) || !times || times.modTime >= ctx.cutoffMs) continue;
      revisions.push({ path: file.path, digest: file.digest.value, ...times });
      referrersOf.set(file.path, []);
    }
  }
  const orphanReferrers: ReferrerEntry[] = [];
  await mapLimit(referrerEntries, ctx.concurrency, async (entry) => {
    const revision = pathFor({ kind: 'revision', name, digest: entry.referrer });
    const own = referrersOf.get(revision);
    if (own) own.push({ path: entry.path, revision });
    else if (!kept.has(entry.digest) && !revisionDigests.has(entry.digest)) {
      const info = await driver.stat(entry.path).catch(notFoundAs(null));
      if (info && info.modTime.getTime() < ctx.cutoffMs) orphanReferrers.push({ path: entry.path, revision });
    }
  });

  const links: DigestItem[] = [];
  let recentLinks = 0;
  await mapLimit(
    linkFiles.filter((f) => !linkKeep.has(f.digest.value)),
    ctx.concurrency,
    async (file) => {
      const info = await driver.stat(file.path).catch(notFoundAs(null));
      if (!info) return;
      if (info.modTime.getTime() >= ctx.cutoffMs) {
        ctx.marks.add(file.digest.value);
        recentLinks++;
      } else {
        links.push({ path: file.path, digest: file.digest.value, modTime: info.modTime.getTime(), size: info.size });
      }
    },
  );

  // An unreadable manifest's children and blobs are unknown: nothing of the repository they
  // could be goes (its upload sessions still may).
  return {
    name,
    kept: kept.size,
    recentManifests: deleteUntagged ? kept.size - keptByTags : 0,
    recentLinks,
    revisions: unsafe ? [] : revisions,
    referrersOf,
    orphanReferrers: unsafe ? [] : orphanReferrers,
    links: unsafe ? [] : links,
    uploads: await staleUploads(ctx, name, uploadFiles),
    warnings,
    unsafe,
  };
}

interface ListedReferrer {
  readonly path: string;
  readonly subject: string;
  readonly digest: string;
  readonly referrer: NonNullable<ReturnType<typeof tryParseDigest>>;
}

/** Entries of `_referrers/<alg>/<subject hex>/<alg>-<hex>`. */
async function listReferrerEntries(driver: StorageDriver, name: string): Promise<ListedReferrer[]> {
  const root = `${pathFor({ kind: 'repository', name })}/_referrers`;
  const out: ListedReferrer[] = [];
  for (const algDir of await listOrEmpty(driver, root)) {
    for (const subjectDir of await listOrEmpty(driver, algDir)) {
      const subject = `${baseName(algDir)}:${baseName(subjectDir)}`;
      for (const path of await listOrEmpty(driver, subjectDir)) {
        const referrer = tryParseDigest(baseName(path).replace('-', ':'));
        if (referrer) out.push({ path, subject, digest: referrer.value, referrer });
      }
    }
  }
  return out;
}

/** Sessions started before the upload cutoff, and committed data whose state is gone. */
async function staleUploads(ctx: MarkContext, name: string, files: readonly string[]): Promise<UploadCandidate[]> {
  const names = new Set(files.map(baseName));
  const ids = new Set([...names].map((n) => n.replace(/\.(state|data)$/, '')).filter((id) => names.has(`${id}.state`) || names.has(`${id}.data`)));
  const stale: UploadCandidate[] = [];
  await mapLimit([...ids], ctx.concurrency, async (id) => {
    const statePath = pathFor({ kind: 'uploadState', name, id });
    const dataPath = pathFor({ kind: 'uploadData', name, id });
    let startedAt = Number.NaN;
    if (names.has(`${id}.state`)) {
      const bytes = await ctx.driver.getContent(statePath).catch(notFoundAs(null));
      if (!bytes) return; // finished meanwhile
      try {
        startedAt = Date.parse((JSON.parse(fromUtf8(bytes)) as { startedAt?: string }).startedAt ?? '');
      } catch {
        // judged by the file's time below
      }
    }
    if (!Number.isFinite(startedAt)) {
      const info = await ctx.driver.stat(names.has(`${id}.state`) ? statePath : dataPath).catch(notFoundAs(null));
      if (!info) return;
      startedAt = info.modTime.getTime();
    }
    if (startedAt < ctx.uploadCutoffMs) stale.push({ id, statePath, dataPath });
  });
  return stale;
}
