/**
 * Daemonless podman against the registry: OCI pushes (podman's default for an OCI image),
 * Docker schema 2 pushes (`--format v2s2`), pulls, and a manifest list made with
 * `podman manifest` and pushed with `--all`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageLayout, podman, prerequisites, run, skopeo } from './clients.js';
import { getManifest, MT, OciLayout, sha256, type ImageIndex, type ImageManifest } from './oci.js';
import { logOnFailureAndStop, startRegistry, type Registry } from './server.js';

const pre = prerequisites('podman.test.ts', ['podman', 'skopeo']);
const TLS = '--tls-verify=false';

describe.skipIf(pre.skip)('podman', () => {
  let reg: Registry | undefined;
  let layout: OciLayout;

  const registry = (): Registry => {
    if (!reg) throw new Error('registry not started');
    return reg;
  };

  const imageId = async (ref: string): Promise<string> => (await podman('image', 'inspect', '--format', '{{.Id}}', ref)).stdout.trim();

  /**
   * Puts the layout's image `tag` into podman's store as `ref` (with skopeo: `podman pull oci:…`
   * would also name it after the layout's path); returns the image ID.
   */
  async function load(tag: string, ref: string): Promise<string> {
    await skopeo('copy', '--quiet', `oci:${layout.dir}:${tag}`, `containers-storage:${ref}`);
    return imageId(ref);
  }

  async function removeAndPull(ref: string): Promise<string> {
    await podman('image', 'rm', ref);
    const gone = await run('podman', ['image', 'exists', ref], { allowFailure: true });
    expect(gone.code, `${ref} should be gone locally`).toBe(1);
    await podman('pull', TLS, ref);
    return imageId(ref);
  }

  beforeAll(async () => {
    pre.assert();
    layout = new OciLayout(imageLayout());
    reg = await startRegistry();
  });
  logOnFailureAndStop(() => reg);

  afterAll(async () => {
    if (!reg) return;
    await run('podman', ['manifest', 'rm', `${reg.host}/podman/multi:list`], { allowFailure: true });
    const images = await run('podman', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], {
      allowFailure: true,
    });
    const ours = images.stdout.split('\n').filter((r) => r.startsWith(`${reg?.host}/`));
    if (ours.length > 0) await run('podman', ['image', 'rm', '--force', ...ours], { allowFailure: true });
  });

  it('should push an OCI manifest by default and pull the same image back', async () => {
    const ref = `${registry().host}/podman/busybox:oci`;
    const id = await load('amd64', ref);
    expect(`sha256:${id}`).toBe(layout.configDigest('amd64'));
    await podman('push', TLS, ref);

    const stored = await getManifest(registry(), 'podman/busybox', 'oci', [MT.ociManifest, MT.dockerManifest]);
    expect(stored.status).toBe(200);
    expect(stored.contentType).toBe(MT.ociManifest);
    expect(sha256(stored.body)).toBe(stored.digest);
    const manifest = stored.json<ImageManifest>();
    expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(manifest.config.digest).toBe(layout.configDigest('amd64'));

    expect(await removeAndPull(ref)).toBe(id);
  });

  it('should push Docker schema 2 with --format v2s2 and serve it with that media type', async () => {
    const ref = `${registry().host}/podman/busybox:v2s2`;
    const id = await load('amd64', ref);
    await podman('push', TLS, '--format', 'v2s2', ref);

    const stored = await getManifest(registry(), 'podman/busybox', 'v2s2', [MT.dockerManifest, MT.ociManifest]);
    expect(stored.status).toBe(200);
    expect(stored.contentType).toBe(MT.dockerManifest);
    expect(sha256(stored.body)).toBe(stored.digest);
    const manifest = stored.json<ImageManifest>();
    expect(manifest.mediaType).toBe(MT.dockerManifest);
    expect(manifest.config.mediaType).toBe('application/vnd.docker.container.image.v1+json');
    expect(manifest.config.digest).toBe(layout.configDigest('amd64'));

    const head = await getManifest(registry(), 'podman/busybox', stored.digest, [MT.dockerManifest], 'HEAD');
    expect(head.status).toBe(200);
    expect(head.contentType).toBe(MT.dockerManifest);

    expect(await removeAndPull(ref)).toBe(id);
  });

  it('should push a two-image manifest list with podman manifest push --all', async () => {
    const repo = `${registry().host}/podman/multi`;
    const ids: Record<string, string> = {};
    for (const arch of ['amd64', 'arm64']) ids[arch] = await load(arch, `${repo}:${arch}`);
    await podman('manifest', 'create', `${repo}:list`);
    for (const arch of ['amd64', 'arm64']) {
      await podman('manifest', 'add', `${repo}:list`, `containers-storage:${repo}:${arch}`);
    }
    await podman('manifest', 'push', TLS, '--all', `${repo}:list`, `docker://${repo}:list`);

    const raw = (await skopeo('inspect', TLS, '--raw', `docker://${repo}:list`)).stdout;
    const stored = await getManifest(registry(), 'podman/multi', 'list', [MT.ociIndex, MT.dockerList]);
    expect(stored.status).toBe(200);
    expect(stored.body.toString('utf8')).toBe(raw);
    expect(sha256(stored.body)).toBe(stored.digest);
    const index = stored.json<ImageIndex>();
    expect([MT.ociIndex, MT.dockerList]).toContain(stored.contentType);
    expect(index.mediaType).toBe(stored.contentType);
    expect(index.manifests.map((m) => m.platform?.architecture).sort()).toEqual(['amd64', 'arm64']);

    for (const m of index.manifests) {
      const arch = m.platform?.architecture ?? '';
      const child = await getManifest(registry(), 'podman/multi', m.digest);
      expect(child.status, `child ${arch} ${m.digest}`).toBe(200);
      expect(child.contentType).toBe(m.mediaType);
      expect(sha256(child.body)).toBe(m.digest);
      expect(child.json<ImageManifest>().config.digest).toBe(`sha256:${ids[arch]}`);
    }

    const arm = JSON.parse((await skopeo('inspect', TLS, '--override-arch', 'arm64', `docker://${repo}:list`)).stdout) as {
      Architecture: string;
      Digest: string;
    };
    expect(arm.Architecture).toBe('arm64');

    await podman('image', 'rm', `${repo}:arm64`);
    await podman('pull', TLS, '--arch', 'arm64', `${repo}:list`);
    expect(await imageId(`${repo}:list`)).toBe(ids.arm64);
  });
});
