/**
 * The workload of the GC-under-load tests, for any registry set-up: clients push, re-tag and
 * pull images over real sockets (layers shared between images and repositories, monolithic,
 * chunked and mounted uploads, multi-arch indexes whose children are pushed untagged first)
 * while collections (and, when given, cleanup policy runs) go on in a loop. A client does what
 * docker does when a push fails with MANIFEST_BLOB_UNKNOWN: it uploads what is missing and
 * puts the manifest again. With several servers, every request goes to one picked at random,
 * so an upload started on one continues on another and a manifest is put where its blobs were
 * not uploaded.
 *
 * Afterwards every tag pulls back digest-identical (manifest, index children, every blob), no
 * request got a 5xx, and once a last collection has run, no blob, layer link or manifest that
 * no tag reaches and that is older than the grace period is left in the storage, nor anything
 * of the collections themselves.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { summarizeReport, type GcReport, type StorageDriver } from '@wharf/core';
import { listFilesBelow } from '../../packages/core/src/gc/walk.js';

export const REPOS = ['load/app', 'load/base', 'load/tools'];
const TAGS_PER_CLIENT = 5;
const OCI = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const ACCEPT = `${OCI}, ${OCI_INDEX}`;
/** Tags the cleanup policy of {@link GcWorkloadOptions.cleanup} is meant for. */
export const SCRATCH_TAG_PATTERN = 'scratch-.*';

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

export interface GcWorkloadOptions {
  /** Base URLs of the registries serving the storage; each request picks one. */
  readonly servers: readonly string[];
  readonly seconds: number;
  readonly clients: number;
  /** The grace period the collections use. */
  readonly graceMs: number;
  /** One collection while the clients run. */
  readonly collect: () => Promise<GcReport>;
  /** A last collection after the load, with no settle time. */
  readonly finalCollect: () => Promise<GcReport>;
  /**
   * Runs the cleanup policies of project `load` once (deleting tags matching
   * {@link SCRATCH_TAG_PATTERN}); returns the tags it deleted. Clients then also push
   * scratch tags, and only those that survive must pull back.
   */
  readonly cleanup?: () => Promise<number>;
  /** The storage itself, to look for leftovers. */
  readonly storage: StorageDriver;
}

/** A manifest a client pushed: its bytes, and everything it references. */
interface Pushed {
  readonly repo: string;
  readonly digest: string;
  readonly body: Uint8Array;
  readonly mediaType: string;
  readonly blobs: readonly string[];
  readonly children: readonly Pushed[];
}

/** Runs the workload and checks its outcome with vitest's `expect`; returns the summary it printed. */
export async function runGcWorkload(options: GcWorkloadOptions): Promise<Record<string, unknown>> {
  const { servers, graceMs } = options;
  const stats = {
    manifestPuts: 0,
    indexPuts: 0,
    retags: 0,
    scratchPuts: 0,
    blobUploads: 0,
    blobsSkipped: 0,
    mounts: 0,
    pulls: 0,
    transientPullMisses: 0,
    retries: new Map<string, number>(),
    /** Blobs a PUT found missing although this client had uploaded (or mounted) them within the grace period. */
    recentUploadsLost: [] as string[],
    fiveHundreds: [] as string[],
  };
  /** Every blob any client made, to upload it again when a collection took it. */
  const contents = new Map<string, Uint8Array>();
  const baseLayers = Array.from({ length: 6 }, () => new Uint8Array(randomBytes(16 * 1024)));

  const request = async (path: string, init?: RequestInit): Promise<Response> => {
    // A Location may name the server that issued it; any of them will do.
    const relative = path.startsWith('http') ? path.slice(new URL(path).origin.length) : path;
    const res = await fetch(`${pick(servers)}${relative}`, init);
    if (res.status >= 500) stats.fiveHundreds.push(`${init?.method ?? 'GET'} ${relative}: ${res.status} ${await res.clone().text()}`);
    return res;
  };
  const retried = (why: string) => stats.retries.set(why, (stats.retries.get(why) ?? 0) + 1);
  /** When a client last got 201 for a blob in a repository (its clock; same machine as the storage). */
  const uploadedAt = new Map<string, number>();
  const withDigest = (location: string, digest: string) => `${location}${location.includes('?') ? '&' : '?'}digest=${digest}`;

  async function upload(repo: string, digest: string): Promise<void> {
    const bytes = contents.get(digest) as Uint8Array<ArrayBuffer>;
    const how = Math.random();
    if (how < 0.15) {
      const from = pick(REPOS.filter((r) => r !== repo));
      const res = await request(`/v2/${repo}/blobs/uploads/?mount=${digest}&from=${from}`, { method: 'POST' });
      if (res.status === 201) {
        stats.mounts++;
        uploadedAt.set(`${repo} ${digest}`, Date.now());
        return;
      }
      expect(res.status).toBe(202);
      const done = await request(withDigest(res.headers.get('Location') as string, digest), { method: 'PUT', body: bytes });
      expect(done.status, await done.clone().text()).toBe(201);
    } else if (how < 0.35) {
      const started = await request(`/v2/${repo}/blobs/uploads/`, { method: 'POST' });
      expect(started.status).toBe(202);
      const patched = await request(started.headers.get('Location') as string, {
        method: 'PATCH',
        body: bytes,
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      expect(patched.status, await patched.clone().text()).toBe(202);
      const done = await request(withDigest(patched.headers.get('Location') as string, digest), { method: 'PUT' });
      expect(done.status, await done.clone().text()).toBe(201);
    } else {
      const res = await request(`/v2/${repo}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    stats.blobUploads++;
    uploadedAt.set(`${repo} ${digest}`, Date.now());
  }

  /** What docker does before a manifest: HEAD each blob, upload what is missing. */
  async function ensureBlobs(repo: string, digests: readonly string[]): Promise<void> {
    for (const digest of digests) {
      const head = await request(`/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
      if (head.status === 200) stats.blobsSkipped++;
      else await upload(repo, digest);
    }
  }

  /** PUT a manifest; on MANIFEST_BLOB_UNKNOWN push what is missing (blobs, children) and retry. */
  async function putManifest(m: Pushed, reference: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const putAt = Date.now();
      const res = await request(`/v2/${m.repo}/manifests/${reference}`, {
        method: 'PUT',
        body: m.body as Uint8Array<ArrayBuffer>,
        headers: { 'Content-Type': m.mediaType },
      });
      if (res.status === 201) {
        expect(res.headers.get('Docker-Content-Digest')).toBe(m.digest);
        return;
      }
      const body = (await res.json()) as { errors: Array<{ code: string; detail?: { digest?: string } }> };
      const code = body.errors[0]?.code ?? `HTTP ${res.status}`;
      expect(code, JSON.stringify(body)).toBe('MANIFEST_BLOB_UNKNOWN');
      expect(attempt, 'retries of one manifest').toBeLessThan(10);
      retried(code);
      for (const error of body.errors) {
        const missing = error.detail?.digest as string;
        // Uploaded within the grace period before this PUT began: no collection may have taken it.
        const uploaded = uploadedAt.get(`${m.repo} ${missing}`);
        if (uploaded !== undefined && putAt - uploaded < graceMs - 200) stats.recentUploadsLost.push(`${m.repo} ${missing} (${putAt - uploaded} ms)`);
        const child = m.children.find((c) => c.digest === missing);
        if (child) await pushManifest(child, child.digest);
        else await upload(m.repo, missing);
      }
    }
  }

  async function pushManifest(m: Pushed, reference: string): Promise<void> {
    await ensureBlobs(m.repo, m.blobs);
    for (const child of m.children) await pushManifest(child, child.digest);
    await putManifest(m, reference);
  }

  function newImage(repo: string, client: number): Pushed {
    const config = new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', client, nonce: randomBytes(8).toString('hex') }));
    const own = new Uint8Array(randomBytes(4096 + Math.floor(Math.random() * 12_288)));
    const layers = [pick(baseLayers), pick(baseLayers), own];
    for (const b of [config, ...layers]) contents.set(sha256(b), b);
    const body = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
        layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(l), size: l.length })),
      }),
    );
    return { repo, digest: sha256(body), body, mediaType: OCI, blobs: [...new Set([sha256(config), ...layers.map(sha256)])], children: [] };
  }

  function newIndex(repo: string, client: number): Pushed {
    const children = [newImage(repo, client), newImage(repo, client)];
    const body = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: children.map((c, i) => ({
          mediaType: OCI,
          digest: c.digest,
          size: c.body.length,
          platform: { architecture: i ? 'arm64' : 'amd64', os: 'linux' },
        })),
      }),
    );
    return { repo, digest: sha256(body), body, mediaType: OCI_INDEX, blobs: [], children };
  }

  /** Pull a tag and check every digest; a miss is retried once after the trash's recheck window. */
  async function pull(tag: string, m: Pushed, allowMiss: boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const missing = await pullOnce(tag, m);
      if (!missing) return;
      expect(allowMiss && attempt === 0, `${m.repo}:${tag} pulls: ${missing}`).toBe(true);
      stats.transientPullMisses++;
      await sleep(1_000);
    }
  }

  async function pullOnce(reference: string, m: Pushed): Promise<string | null> {
    const res = await request(`/v2/${m.repo}/manifests/${reference}`, { headers: { Accept: ACCEPT } });
    if (res.status === 404) return `manifest ${reference}: 404`;
    expect(res.status).toBe(200);
    expect(res.headers.get('Docker-Content-Digest')).toBe(m.digest);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(m.digest);
    for (const child of m.children) {
      const missing = await pullOnce(child.digest, child);
      if (missing) return missing;
    }
    for (const digest of m.blobs) {
      const blob = await request(`/v2/${m.repo}/blobs/${digest}`);
      if (blob.status === 404) return `blob ${digest}: 404`;
      expect(blob.status).toBe(200);
      expect(sha256(new Uint8Array(await blob.arrayBuffer()))).toBe(digest);
    }
    stats.pulls++;
    return null;
  }

  const deadline = Date.now() + options.seconds * 1_000;
  /** What each tag must pull back: `${repo} ${tag}` → manifest. Each client owns its tags. */
  const tagged = new Map<string, Pushed>();
  /** Scratch tags (one push each), which cleanup may delete at any time. */
  const scratch = new Map<string, Pushed>();
  const pushedBy: Pushed[][] = Array.from({ length: options.clients }, () => []);

  const client = async (c: number) => {
    const tags = Array.from({ length: TAGS_PER_CLIENT }, (_, k) => `c${c}-t${k}`);
    while (Date.now() < deadline) {
      const roll = Math.random();
      const tag = pick(tags);
      if (roll < 0.15 && tagged.size > 0) {
        const mine = [...tagged].filter(([key]) => key.includes(` c${c}-`));
        if (mine.length === 0) continue;
        const [key, m] = pick(mine);
        await pull(key.split(' ')[1] as string, m, true);
        continue;
      }
      if (options.cleanup && roll > 0.9) {
        const m = newImage(pick(REPOS), c);
        const name = `scratch-c${c}-${stats.scratchPuts++}`;
        await pushManifest(m, name);
        scratch.set(`${m.repo} ${name}`, m);
        continue;
      }
      let m: Pushed;
      if (roll < 0.4 && pushedBy[c]!.length > 0) {
        // Re-tag: an image this client pushed earlier (maybe untagged and collected since).
        m = pick(pushedBy[c]!);
        stats.retags++;
      } else if (roll < 0.5) {
        m = newIndex(pick(REPOS), c);
        stats.indexPuts++;
      } else {
        m = newImage(pick(REPOS), c);
      }
      await pushManifest(m, tag);
      stats.manifestPuts++;
      tagged.set(`${m.repo} ${tag}`, m);
      pushedBy[c]!.push(m);
    }
  };

  const reports: GcReport[] = [];
  let cleanedUp = 0;
  let stopGc = false;
  const gcLoop = (async () => {
    while (!stopGc) {
      if (options.cleanup) cleanedUp += await options.cleanup();
      reports.push(await options.collect());
      await sleep(100);
    }
  })();

  const started = performance.now();
  const clients = Promise.all(Array.from({ length: options.clients }, (_, c) => client(c)));
  // A failing collection ends the test at once rather than after the load.
  await Promise.race([clients, gcLoop.then(() => clients)]);
  const loadSeconds = (performance.now() - started) / 1_000;
  stopGc = true;
  await gcLoop;

  // Scratch tags that survived cleanup must pull back too (and keep what they reference).
  for (const repo of REPOS) {
    const res = await request(`/v2/${repo}/tags/list`);
    const tags = res.status === 200 ? (((await res.json()) as { tags: string[] | null }).tags ?? []) : [];
    for (const tag of tags.filter((t) => t.startsWith('scratch-'))) {
      const m = scratch.get(`${repo} ${tag}`);
      expect(m, `${repo}:${tag} was pushed by a client`).toBeDefined();
      tagged.set(`${repo} ${tag}`, m!);
    }
  }

  // Everything tagged pulls back digest-identical, right after the load.
  for (const [key, m] of tagged) await pull(key.split(' ')[1] as string, m, false);

  // A last collection once the grace period has passed; then nothing unreferenced and old is left.
  await sleep(graceMs + 100);
  const last = await options.finalCollect();
  for (const [key, m] of tagged) await pull(key.split(' ')[1] as string, m, false);
  const cutoff = Date.parse(last.cutoff);
  const reachable = new Set<string>();
  const manifestsByRepo = new Map<string, Set<string>>();
  const blobsByRepo = new Map<string, Set<string>>();
  const reach = (m: Pushed) => {
    if (!manifestsByRepo.has(m.repo)) manifestsByRepo.set(m.repo, new Set());
    if (!blobsByRepo.has(m.repo)) blobsByRepo.set(m.repo, new Set());
    manifestsByRepo.get(m.repo)?.add(m.digest);
    for (const b of m.blobs) {
      reachable.add(b);
      blobsByRepo.get(m.repo)?.add(b);
    }
    m.children.forEach(reach);
  };
  for (const m of tagged.values()) reach(m);

  const leftovers: string[] = [];
  const stored = (dir: string) => filesWithTimes(options.storage, `/wharf/v1/${dir}`);
  for (const file of await stored('blobs')) {
    const digest = `sha256:${file.path.split('/').at(-1)}`;
    if (!reachable.has(digest) && file.modTime < cutoff) leftovers.push(`blob ${digest}`);
  }
  for (const repo of REPOS) {
    for (const file of await stored(`repositories/${repo}/_layers`)) {
      const digest = `sha256:${file.path.split('/').at(-1)}`;
      if (!blobsByRepo.get(repo)?.has(digest) && file.modTime < cutoff) leftovers.push(`layer link ${repo} ${digest}`);
    }
    for (const file of await stored(`repositories/${repo}/_manifests/revisions`)) {
      const digest = `sha256:${file.path.split('/').at(-1)}`;
      if (!manifestsByRepo.get(repo)?.has(digest) && file.modTime < cutoff) leftovers.push(`manifest ${repo} ${digest}`);
    }
  }
  const gcFiles = (await stored('_gc')).map((f) => f.path);

  const total = (f: (r: GcReport) => number) => reports.reduce((sum, r) => sum + f(r), 0);
  const durations = reports.map((r) => r.durationMs).sort((a, b) => a - b);
  const summary = {
    seconds: Number(loadSeconds.toFixed(1)),
    servers: servers.length,
    clients: options.clients,
    manifestPuts: stats.manifestPuts,
    manifestPutsPerSecond: Number((stats.manifestPuts / loadSeconds).toFixed(1)),
    indexes: stats.indexPuts,
    retags: stats.retags,
    scratchPuts: stats.scratchPuts,
    tagsDeletedByCleanup: cleanedUp,
    blobUploads: stats.blobUploads,
    blobsAlreadyThere: stats.blobsSkipped,
    mounts: stats.mounts,
    pullsVerified: stats.pulls,
    transientPullMisses: stats.transientPullMisses,
    clientRetries: Object.fromEntries(stats.retries),
    recentUploadsLost: stats.recentUploadsLost.length,
    tagsAtEnd: tagged.size,
    gcRuns: reports.length,
    gcRunMs: { min: durations[0], median: durations[Math.floor(durations.length / 2)], max: durations.at(-1) },
    gcDeleted: {
      blobs: total((r) => r.deleted.blobs.count),
      blobBytes: total((r) => r.deleted.blobs.bytes),
      manifests: total((r) => r.deleted.manifests.count),
      layerLinks: total((r) => r.deleted.layerLinks.count),
    },
    gcRestored: total((r) => r.restored),
    lastRun: summarizeReport(last),
  };
  console.log(`gc under load: ${JSON.stringify(summary, null, 1)}`);

  expect(stats.fiveHundreds).toEqual([]);
  expect(stats.recentUploadsLost).toEqual([]);
  expect(leftovers).toEqual([]);
  expect(gcFiles).toEqual([]);
  expect(reports.length).toBeGreaterThanOrEqual(Math.min(3, Math.floor(options.seconds / 10)));
  expect(total((r) => r.deleted.blobs.count)).toBeGreaterThan(0);
  expect(stats.manifestPuts).toBeGreaterThan(options.clients);
  if (options.cleanup) expect(cleanedUp).toBeGreaterThan(0);
  return summary;
}

/** Files below a storage directory, at any depth, with their modTimes (none when it does not exist). */
async function filesWithTimes(driver: StorageDriver, dir: string): Promise<Array<{ path: string; modTime: number }>> {
  const out: Array<{ path: string; modTime: number }> = [];
  for (const path of await listFilesBelow(driver, dir)) {
    const info = await driver.stat(path).catch(() => null);
    if (info) out.push({ path, modTime: info.modTime.getTime() });
  }
  return out;
}
