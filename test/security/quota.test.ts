/**
 * Storage quotas of the standalone server (`WHARF_QUOTAS`) cannot be exceeded, over real
 * sockets: manifests count, blobs of repositories without a manifest count in every process,
 * two servers on one data directory share one quota, and concurrent pushes cannot race past it.
 *
 * Two servers (A and B) run on the same data directory, each with its own process-level state,
 * as two replicas behind a load balancer would. B is started before anything is pushed, so it
 * plays the process whose usage cache is missing or expired: the old 30 s cache window needs no
 * sleeping to be reproduced.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type NodeRegistryServer } from '@wharf/adapter-node';
import { createStandaloneApp, type StandaloneApp } from '@wharf/server';
import { parseQuotas } from '../../packages/server/src/quota-config.js';

const KiB = 1024;
const QUOTA = 100 * KiB;
const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const random = (n: number) => new Uint8Array(randomBytes(n));
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

interface ErrorBody {
  errors: { code: string; message: string; detail?: Record<string, unknown> }[];
}

describe('storage quotas of the standalone server', () => {
  let dir: string;
  const running: Array<{ server: NodeRegistryServer; standalone: StandaloneApp }> = [];
  let a: string;
  let b: string;

  const start = async () => {
    const standalone = await createStandaloneApp({ dataDir: dir, auth: 'none', quotas: parseQuotas('*=100KiB') });
    const server = await serve(standalone.app, { port: 0 });
    running.push({ server, standalone });
    return server.url;
  };
  const pushBlob = async (base: string, repo: string, bytes: Uint8Array<ArrayBuffer>) => {
    const res = await fetch(`${base}/v2/${repo}/blobs/uploads/?digest=${sha256(bytes)}`, { method: 'POST', body: bytes });
    return { status: res.status, body: res.status === 201 ? null : ((await res.json()) as ErrorBody) };
  };
  const putManifest = async (base: string, repo: string, reference: string, manifest: string) => {
    const res = await fetch(`${base}/v2/${repo}/manifests/${reference}`, { method: 'PUT', body: manifest, headers: { 'Content-Type': OCI_MANIFEST } });
    return { status: res.status, body: res.status === 201 ? null : ((await res.json()) as ErrorBody) };
  };
  /** An image manifest of about `padding` bytes (an annotation), naming `config`. */
  const bigManifest = (config: Uint8Array, padding: number, n: number) =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [],
      annotations: { 'org.example.n': String(n), 'org.example.padding': 'x'.repeat(padding) },
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-quota-'));
    a = await start();
    b = await start();
  });
  afterAll(async () => {
    for (const { server, standalone } of running) {
      await server.close();
      await standalone.close();
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('should count manifests and refuse the one that takes the namespace over its quota with 403 DENIED', async () => {
    const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux"}');
    expect((await pushBlob(a, 'manifests/app', config)).status).toBe(201);
    const manifests = [1, 2, 3, 4, 5].map((n) => bigManifest(config, 40 * KiB, n));
    expect((await putManifest(a, 'manifests/app', 'v1', manifests[0] as string)).status).toBe(201);
    expect((await putManifest(b, 'manifests/app', 'v2', manifests[1] as string)).status).toBe(201);
    for (const [i, manifest] of manifests.slice(2).entries()) {
      const refused = await putManifest(i % 2 === 0 ? a : b, 'manifests/app', `v${i + 3}`, manifest);
      expect(refused.status).toBe(403);
      expect(refused.body?.errors[0]?.code).toBe('DENIED');
      expect(refused.body?.errors[0]?.message).toMatch(/^namespace manifests is over its storage quota: \d+ of 102400 bytes used, and this manifest needs \d+ more$/);
    }
    // Manifests count like blobs do: a blob that no longer fits is refused too.
    expect((await pushBlob(b, 'manifests/app', random(30 * KiB))).status).toBe(403);
  });

  it('should not refuse re-tagging a manifest the namespace holds already, even in another repository', async () => {
    const config = new TextEncoder().encode('{"architecture":"arm64","os":"linux"}');
    expect((await pushBlob(a, 'retag/app', config)).status).toBe(201);
    const manifest = bigManifest(config, 60 * KiB, 1);
    expect((await putManifest(a, 'retag/app', 'v1', manifest)).status).toBe(201);
    expect((await putManifest(b, 'retag/app', 'v1-again', manifest)).status).toBe(201);
    expect((await putManifest(a, 'retag/app', 'latest', manifest)).status).toBe(201);
    const mount = await fetch(`${b}/v2/retag/copy/blobs/uploads/?mount=${sha256(config)}&from=retag/app`, { method: 'POST' });
    expect(mount.status).toBe(201);
    expect((await putManifest(b, 'retag/copy', 'v1', manifest)).status).toBe(201);
    // A different manifest of the same size does not fit beside it.
    expect((await putManifest(a, 'retag/app', 'v2', bigManifest(config, 60 * KiB, 2))).status).toBe(403);
  });

  it('should count a blob of a repository without a manifest in every server, so a second one over the quota is refused', async () => {
    expect((await pushBlob(a, 'nomanifest/one', random(90 * KiB))).status).toBe(201);
    // B never counted this namespace before: what it sees must come from storage.
    const second = await pushBlob(b, 'nomanifest/two', random(90 * KiB));
    expect(second.status).toBe(403);
    expect(second.body?.errors[0]?.detail).toMatchObject({ quota: QUOTA, used: 90 * KiB, needed: 90 * KiB });
    expect((await pushBlob(a, 'nomanifest/two', random(90 * KiB))).status).toBe(403);
    // A server started now (nothing cached at all) agrees.
    expect((await pushBlob(await start(), 'nomanifest/three', random(20 * KiB))).status).toBe(403);
  });

  it('should not let two servers on one data directory together exceed the quota, one push after the other', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await pushBlob(i % 2 === 0 ? a : b, `shared/r${i}`, random(30 * KiB))).status);
    expect(statuses).toEqual([201, 201, 201, 403, 403, 403]);
  });

  it('should not let two servers on one data directory together exceed the quota with concurrent pushes', async () => {
    for (let round = 0; round < 4; round++) {
      const results = await Promise.all([
        pushBlob(a, `race${round}/a`, random(60 * KiB)),
        pushBlob(b, `race${round}/b`, random(60 * KiB)),
      ]);
      for (const r of results) expect([201, 403]).toContain(r.status);
      expect(results.filter((r) => r.status === 201).length).toBeLessThanOrEqual(1);
    }
  });

  it('should not let concurrent pushes to one server race past the quota', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => pushBlob(a, `burst/r${i}`, random(60 * KiB))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 403, 403, 403, 403]);
    const config = new TextEncoder().encode('{"architecture":"s390x","os":"linux"}');
    expect((await pushBlob(a, 'burstm/app', config)).status).toBe(201);
    const manifests = await Promise.all([1, 2, 3].map((n) => putManifest(a, 'burstm/app', `v${n}`, bigManifest(config, 45 * KiB, n))));
    expect(manifests.map((r) => r.status).sort()).toEqual([201, 201, 403]);
  });

  it('should leave no reservation of a refused push, and none still publishing once pushes are done', async () => {
    expect((await pushBlob(a, 'leftover/app', random(60 * KiB))).status).toBe(201);
    expect((await pushBlob(b, 'leftover/app', random(60 * KiB))).status).toBe(403);
    const namespaceDir = join(dir, 'wharf', 'v1', '_quota', createHash('sha256').update('leftover').digest('hex'));
    expect((await readdir(namespaceDir)).map((f) => f.replace(/^\d+\./, ''))).toEqual([expect.stringMatching(new RegExp(`^${60 * KiB}\\.sha256-[0-9a-f]{64}\\.[0-9a-f-]+\\.published$`))]);
    const all = await readdir(join(dir, 'wharf', 'v1', '_quota'), { recursive: true, withFileTypes: true });
    expect(all.filter((f) => f.isFile() && f.name.endsWith('.publishing'))).toEqual([]);
  });
}, 60_000);
