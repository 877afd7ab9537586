/**
 * The GitLab Container Registry guide's "manifest blob unknown: blob unknown to registry": a
 * manifest list pushed to a repository that does not hold its child manifests is refused; in
 * the repository that does hold them it is accepted (the guide's workaround).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { imageLayout, prerequisites, run, skopeo } from './clients.js';
import { getManifest, MT, OciLayout, putManifest } from './oci.js';
import { logOnFailureAndStop, startRegistry, type Registry } from './server.js';

const pre = prerequisites('troubleshooting.test.ts', ['skopeo']);
const A = 'trouble/images';
const B = 'trouble/elsewhere';

describe.skipIf(pre.skip)('troubleshooting: manifest blob unknown', () => {
  let reg: Registry | undefined;
  let layout: OciLayout;

  const registry = (): Registry => {
    if (!reg) throw new Error('registry not started');
    return reg;
  };

  beforeAll(async () => {
    pre.assert();
    layout = new OciLayout(imageLayout());
    reg = await startRegistry();
    for (const arch of ['amd64', 'arm64']) {
      await skopeo(
        'copy',
        '--preserve-digests',
        `oci:${layout.dir}:${arch}`,
        `docker://${reg.host}/${A}:${arch}`,
        '--dest-tls-verify=false',
      );
    }
  });
  logOnFailureAndStop(() => reg);

  it('should refuse an index whose child manifests are in another repository', async () => {
    const index = layout.tagged('multi');
    const children = layout.index('multi').manifests.map((m) => m.digest);
    const res = await putManifest(registry(), B, 'multi', layout.blob(index.digest), MT.ociIndex);
    expect(res.status, res.text).toBe(400);
    const codes = res.errors.map((e) => e.code);
    expect(codes, res.text).toContain('MANIFEST_BLOB_UNKNOWN');
    const named = res.errors
      .filter((e) => e.code === 'MANIFEST_BLOB_UNKNOWN')
      .some((e) => children.some((d) => JSON.stringify(e.detail ?? e.message ?? '').includes(d)));
    expect(named, `an error should name a missing child digest (${children.join(', ')}): ${res.text}`).toBe(true);

    expect((await getManifest(registry(), B, 'multi')).status).toBe(404);
    expect((await getManifest(registry(), B, index.digest)).status).toBe(404);
  });

  it('should make skopeo copy of just the index fail with manifest blob unknown', async () => {
    const res = await run(
      'skopeo',
      [
        'copy',
        '--multi-arch',
        'index-only',
        `oci:${layout.dir}:multi`,
        `docker://${registry().host}/${B}:multi`,
        '--dest-tls-verify=false',
      ],
      { allowFailure: true },
    );
    expect(res.code, `skopeo should fail:\n${res.stderr}`).not.toBe(0);
    expect(res.stderr).toMatch(/manifest blob unknown/i);
    expect((await getManifest(registry(), B, 'multi')).status).toBe(404);
  });

  it('should accept the same index in the repository that holds its children', async () => {
    const index = layout.tagged('multi');
    const res = await putManifest(registry(), A, 'multi', layout.blob(index.digest), MT.ociIndex);
    expect(res.status, res.text).toBe(201);
    expect(res.digest).toBe(index.digest);

    await skopeo(
      'copy',
      '--multi-arch',
      'index-only',
      '--preserve-digests',
      `oci:${layout.dir}:multi`,
      `docker://${registry().host}/${A}:multi-skopeo`,
      '--dest-tls-verify=false',
    );
    const stored = await getManifest(registry(), A, 'multi-skopeo', [MT.ociIndex]);
    expect(stored.status).toBe(200);
    expect(stored.digest).toBe(index.digest);
  });
});
