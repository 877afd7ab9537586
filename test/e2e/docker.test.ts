/**
 * The Docker Engine (a private dockerd, vfs storage) and the docker CLI against the registry:
 * push, pull, cross-repository mount, `docker build` output, and a two-architecture manifest
 * list made with `docker manifest`. Images come from the OCI test layout through
 * `skopeo copy … docker-archive:` and `docker load` (`docker run` does not work on this engine).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, imageLayout, prerequisites, run, skopeo } from './clients.js';
import { blobStatus, getManifest, MT, OciLayout, sha256, type ImageIndex, type ImageManifest } from './oci.js';
import { logOnFailureAndStop, startRegistry, type Registry } from './server.js';

const pre = prerequisites('docker.test.ts', ['docker', 'skopeo']);

describe.skipIf(pre.skip)('docker CLI and engine', () => {
  let reg: Registry | undefined;
  let layout: OciLayout;
  let work: string;

  const host = (): string => {
    if (!reg) throw new Error('registry not started');
    return reg.host;
  };
  const registry = (): Registry => {
    if (!reg) throw new Error('registry not started');
    return reg;
  };

  /** Puts the layout's image `tag` into the engine as `ref`. */
  async function load(tag: string, ref: string): Promise<void> {
    const archive = join(work, `${tag}-${Date.now()}.tar`);
    await skopeo('copy', '--quiet', `oci:${layout.dir}:${tag}`, `docker-archive:${archive}:${ref}`);
    await docker('load', '--input', archive);
    await rm(archive, { force: true });
  }

  /** `docker push`, returning the manifest digest it reports. */
  async function push(ref: string): Promise<{ digest: string; output: string }> {
    const out = await docker('push', ref);
    const m = /digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(out.stdout);
    if (!m?.[1]) throw new Error(`no digest in the output of docker push ${ref}:\n${out.stdout}`);
    return { digest: m[1], output: out.stdout };
  }

  const inspect = async (ref: string): Promise<{ Id: string; Architecture: string; RepoDigests: string[] }> =>
    JSON.parse((await docker('image', 'inspect', '--format', '{{json .}}', ref)).stdout) as {
      Id: string;
      Architecture: string;
      RepoDigests: string[];
    };

  const absent = async (ref: string): Promise<boolean> =>
    (await run('docker', ['image', 'inspect', ref], { allowFailure: true })).code !== 0;

  beforeAll(async () => {
    pre.assert();
    layout = new OciLayout(imageLayout());
    work = await mkdtemp(join(tmpdir(), 'wharf-e2e-docker-'));
    reg = await startRegistry();
  });
  logOnFailureAndStop(() => reg);

  afterAll(async () => {
    if (reg) {
      // every tag and digest reference this file left in the engine (pulls by digest leave <none> tags)
      const ls = await run('docker', ['image', 'ls', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}'], {
        allowFailure: true,
      });
      const refs = ls.stdout
        .split('\n')
        .map((line) => line.split(' '))
        .filter(([repo]) => repo?.startsWith(`${reg?.host}/`))
        .flatMap(([repo, tag, digest]) => [
          ...(tag && tag !== '<none>' ? [`${repo}:${tag}`] : []),
          ...(digest && digest !== '<none>' ? [`${repo}@${digest}`] : []),
        ]);
      if (refs.length > 0) await run('docker', ['image', 'rm', '--force', ...refs], { allowFailure: true });
      await run('docker', ['manifest', 'rm', `${reg.host}/docker/multi:list`], { allowFailure: true });
    }
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('should push an image, remove it locally and pull back the same image', async () => {
    const ref = `${host()}/docker/busybox:amd64`;
    await load('amd64', ref);
    const { digest } = await push(ref);

    const stored = await getManifest(registry(), 'docker/busybox', 'amd64', [MT.dockerManifest, MT.ociManifest]);
    expect(stored.status).toBe(200);
    expect(stored.contentType).toBe(MT.dockerManifest);
    expect(stored.digest).toBe(digest);
    expect(sha256(stored.body)).toBe(digest);
    expect(stored.json<ImageManifest>().config.digest).toBe(layout.configDigest('amd64'));

    await docker('image', 'rm', ref);
    expect(await absent(ref)).toBe(true);
    await docker('pull', ref);
    const pulled = await inspect(ref);
    expect(pulled.Id).toBe(layout.configDigest('amd64'));
    expect(pulled.RepoDigests).toContain(`${host()}/docker/busybox@${digest}`);

    await docker('image', 'rm', ref);
    await docker('pull', `${host()}/docker/busybox@${digest}`);
    expect((await inspect(`${host()}/docker/busybox@${digest}`)).Id).toBe(layout.configDigest('amd64'));
  });

  it('should mount the layers from another repository when pushing the same image there', async () => {
    const first = `${host()}/docker/mount-src:1`;
    const second = `${host()}/docker/mount-dst:1`;
    await load('amd64', first);
    const a = await push(first);
    await docker('tag', first, second);
    const b = await push(second);
    expect(b.digest).toBe(a.digest);
    expect(b.output).toMatch(/: Mounted from docker\/mount-src/);
    const stored = await getManifest(registry(), 'docker/mount-dst', '1');
    expect(stored.status).toBe(200);
    expect(stored.digest).toBe(a.digest);
  });

  it('should push and pull a 48 MiB layer made by docker build FROM scratch', async () => {
    const ctx = join(work, 'build');
    await mkdir(ctx, { recursive: true });
    // random bytes: gzip cannot shrink them, so the PATCH body really is ~48 MiB
    await writeFile(join(ctx, 'random.bin'), randomBytes(48 * 1024 * 1024));
    await writeFile(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY random.bin /random.bin\nLABEL org.example.wharf=e2e\n');
    const ref = `${host()}/docker/built:1`;
    await docker('build', '--tag', ref, ctx);
    const built = await inspect(ref);
    const { digest } = await push(ref);

    const manifest = (await getManifest(registry(), 'docker/built', digest)).json<ImageManifest>();
    const layer = manifest.layers[0];
    expect(layer?.size).toBeGreaterThan(48 * 1024 * 1024);
    expect(await blobStatus(registry(), 'docker/built', layer?.digest ?? '')).toBe(200);

    await docker('image', 'rm', ref);
    await docker('pull', ref);
    const pulled = await inspect(ref);
    expect(pulled.Id).toBe(built.Id);
    expect(pulled.RepoDigests).toContain(`${host()}/docker/built@${digest}`);
  });

  it('should pull the image for each platform from an OCI index pushed by skopeo', async () => {
    const repo = `${host()}/docker/oci-index`;
    await skopeo('copy', '--all', '--preserve-digests', `oci:${layout.dir}:multi`, `docker://${repo}:multi`, '--dest-tls-verify=false');
    for (const arch of ['arm64', 'amd64']) {
      await docker('pull', '--platform', `linux/${arch}`, `${repo}:multi`);
      const img = await inspect(`${repo}:multi`);
      expect(img.Architecture).toBe(arch);
      expect(img.Id).toBe(layout.configDigest(arch));
      expect(img.RepoDigests).toContain(`${repo}@${layout.tagged('multi').digest}`);
      await docker('image', 'rm', `${repo}:multi`);
    }
  });

  it('should push a two-architecture list with docker manifest and pull the arm64 image by platform', async () => {
    const repo = `${host()}/docker/multi`;
    const digests: Record<string, string> = {};
    for (const arch of ['amd64', 'arm64']) {
      await load(arch, `${repo}:${arch}`);
      digests[arch] = (await push(`${repo}:${arch}`)).digest;
    }
    await docker('manifest', 'create', '--insecure', `${repo}:list`, `${repo}:amd64`, `${repo}:arm64`);
    await docker('manifest', 'annotate', '--os', 'linux', '--arch', 'arm64', `${repo}:list`, `${repo}:arm64`);
    const pushed = await docker('manifest', 'push', '--insecure', '--purge', `${repo}:list`);
    const listDigest = pushed.stdout.trim().split('\n').pop() ?? '';
    expect(listDigest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const stored = await getManifest(registry(), 'docker/multi', 'list', [MT.dockerList, MT.ociIndex]);
    expect(stored.status).toBe(200);
    expect(stored.contentType).toBe(MT.dockerList);
    expect(stored.digest).toBe(listDigest);
    expect(sha256(stored.body)).toBe(listDigest);
    const list = stored.json<ImageIndex>();
    expect(list.mediaType).toBe(MT.dockerList);
    expect(list.manifests.map((m) => [m.platform?.os, m.platform?.architecture, m.digest]).sort()).toEqual([
      ['linux', 'amd64', digests.amd64],
      ['linux', 'arm64', digests.arm64],
    ]);
    for (const m of list.manifests) {
      const child = await getManifest(registry(), 'docker/multi', m.digest, [MT.dockerManifest], 'HEAD');
      expect(child.status, `HEAD child ${m.digest}`).toBe(200);
      expect(child.digest).toBe(m.digest);
    }

    await docker('image', 'rm', `${repo}:amd64`, `${repo}:arm64`);
    await docker('pull', '--platform', 'linux/arm64', `${repo}:list`);
    const arm = await inspect(`${repo}:list`);
    expect(arm.Architecture).toBe('arm64');
    expect(arm.Id).toBe(layout.configDigest('arm64'));
    expect(arm.RepoDigests).toContain(`${repo}@${listDigest}`);
  });
});
