/**
 * skopeo against the registry: a multi-architecture OCI index copied in and out with every
 * digest kept, inspect (parsed and raw), list-tags, and delete.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageLayout, prerequisites, skopeo } from './clients.js';
import { blobStatus, getManifest, MT, OciLayout, sha256, type ImageIndex, type ImageManifest } from './oci.js';
import { logOnFailureAndStop, startRegistry, type Registry } from './server.js';

const pre = prerequisites('skopeo.test.ts', ['skopeo']);
const TLS = '--tls-verify=false';
const NAME = 'x/y';

describe.skipIf(pre.skip)('skopeo', () => {
  let reg: Registry | undefined;
  let layout: OciLayout;
  let work = '';

  const registry = (): Registry => {
    if (!reg) throw new Error('registry not started');
    return reg;
  };
  const remote = (tag: string): string => `docker://${registry().host}/${NAME}:${tag}`;

  beforeAll(async () => {
    pre.assert();
    layout = new OciLayout(imageLayout());
    work = await mkdtemp(join(tmpdir(), 'wharf-e2e-skopeo-'));
    reg = await startRegistry();
    // --preserve-digests: no recompression, and no substitution of an "equivalent" blob that
    // skopeo's blob-info cache remembers from earlier pushes
    await skopeo('copy', '--all', '--preserve-digests', `oci:${layout.dir}:multi`, remote('multi'), '--dest-tls-verify=false');
  });
  logOnFailureAndStop(() => reg);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('should store the index, both images and all their blobs with the source digests', async () => {
    const source = layout.tagged('multi');
    const stored = await getManifest(registry(), NAME, 'multi', [MT.ociIndex, MT.dockerList]);
    expect(stored.status).toBe(200);
    expect(stored.contentType).toBe(MT.ociIndex);
    expect(stored.digest).toBe(source.digest);
    expect(stored.body.equals(layout.blob(source.digest))).toBe(true);

    for (const child of layout.index('multi').manifests) {
      const got = await getManifest(registry(), NAME, child.digest, [MT.ociManifest]);
      expect(got.status, `child ${child.digest}`).toBe(200);
      expect(got.contentType).toBe(MT.ociManifest);
      expect(got.body.equals(layout.blob(child.digest))).toBe(true);
      const m = got.json<ImageManifest>();
      for (const blob of [m.config, ...m.layers]) {
        expect(await blobStatus(registry(), NAME, blob.digest), `blob ${blob.digest}`).toBe(200);
      }
    }
  });

  it('should copy the index back to an OCI layout with the same digests', async () => {
    const dir = join(work, 'back');
    await skopeo('copy', '--all', '--preserve-digests', '--src-tls-verify=false', remote('multi'), `oci:${dir}:multi`);
    const back = new OciLayout(dir);
    expect(back.tagged('multi').digest).toBe(layout.tagged('multi').digest);
    for (const child of layout.index('multi').manifests) {
      expect(back.blob(child.digest).equals(layout.blob(child.digest))).toBe(true);
      const m = layout.json<ImageManifest>(child.digest);
      for (const blob of [m.config, ...m.layers]) {
        expect(sha256(back.blob(blob.digest))).toBe(blob.digest);
      }
    }
  });

  it('should inspect the image for a platform and return the raw index', async () => {
    const raw = await skopeo('inspect', TLS, '--raw', remote('multi'));
    expect(Buffer.from(raw.stdout).equals(layout.blob(layout.tagged('multi').digest))).toBe(true);
    expect((JSON.parse(raw.stdout) as ImageIndex).manifests).toHaveLength(2);

    for (const arch of ['amd64', 'arm64']) {
      const out = await skopeo('inspect', TLS, '--override-os', 'linux', '--override-arch', arch, remote('multi'));
      const info = JSON.parse(out.stdout) as { Architecture: string; Os: string; Layers: string[]; RepoTags: string[] };
      expect(info.Architecture).toBe(arch);
      expect(info.Os).toBe('linux');
      expect(info.Layers).toEqual(layout.manifest(arch).layers.map((l) => l.digest));
      expect(info.RepoTags).toContain('multi');
    }

    const config = await skopeo('inspect', TLS, '--override-arch', 'arm64', '--config', '--raw', remote('multi'));
    expect(sha256(Buffer.from(config.stdout))).toBe(layout.configDigest('arm64'));
  });

  it('should list every tag of the repository', async () => {
    for (const tag of ['amd64', 'arm64']) {
      await skopeo('copy', '--preserve-digests', `oci:${layout.dir}:${tag}`, remote(tag), '--dest-tls-verify=false');
    }
    const out = await skopeo('list-tags', TLS, `docker://${registry().host}/${NAME}`);
    const tags = JSON.parse(out.stdout) as { Repository: string; Tags: string[] };
    expect(tags.Repository).toBe(`${registry().host}/${NAME}`);
    expect([...tags.Tags].sort()).toEqual(['amd64', 'arm64', 'multi']);
  });

  it('should delete the index so that its tag answers 404 while the images stay', async () => {
    await skopeo('delete', TLS, remote('multi'));
    const gone = await getManifest(registry(), NAME, 'multi', [MT.ociIndex]);
    expect(gone.status).toBe(404);
    expect(gone.json<{ errors: { code: string }[] }>().errors[0]?.code).toBe('MANIFEST_UNKNOWN');
    const byDigest = await getManifest(registry(), NAME, layout.tagged('multi').digest, [MT.ociIndex]);
    expect(byDigest.status).toBe(404);

    const tags = JSON.parse((await skopeo('list-tags', TLS, `docker://${registry().host}/${NAME}`)).stdout) as {
      Tags: string[];
    };
    expect([...tags.Tags].sort()).toEqual(['amd64', 'arm64']);
    for (const arch of ['amd64', 'arm64']) {
      expect((await getManifest(registry(), NAME, arch, [MT.ociManifest], 'HEAD')).status).toBe(200);
    }
  });
});
