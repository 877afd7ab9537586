// Content management: end-9 (manifests and tags) and end-10 (blobs), enabled and disabled.
import { describe, expect, it } from 'vitest';
import { OCI_INDEX, OCI_MANIFEST, descriptorOf, errorCodes, random, repoName, unknownDigest } from './client.js';
import { legacy, noDeleteAvailable, useRegistry } from './harness.js';

const client = useRegistry();
const del = (path: string) => client.fetch(path, { method: 'DELETE' });

describe('deletes enabled', () => {
  it.skipIf(legacy('Distribution 2.8 cannot delete tags: 400, which the spec allows when tag deletion is disabled'))(
    'should delete a tag with 202, after which the tag is 404, unlisted, and not deletable again',
    async () => {
      const repo = repoName('delete');
      const image = await client.pushImage(repo, 'gone');
      await client.putManifest(repo, 'kept', image.body, OCI_MANIFEST);
      const res = await del(`/v2/${repo}/manifests/gone`);
      expect(res.status).toBe(202);
      await res.arrayBuffer();
      const get = await client.fetch(`/v2/${repo}/manifests/gone`);
      expect(get.status).toBe(404);
      expect(await errorCodes(get)).toContain('MANIFEST_UNKNOWN');
      const tags = (await (await client.fetch(`/v2/${repo}/tags/list`)).json()) as { tags: string[] };
      expect(tags.tags).toEqual(['kept']);
      const unknown = await del(`/v2/${repo}/manifests/gone`);
      expect(unknown.status).toBe(404);
      expect(await errorCodes(unknown)).toContain('MANIFEST_UNKNOWN');
    },
  );

  it('should delete a manifest by digest with 202, after which it and its tags are 404', async () => {
    const repo = repoName('delete');
    const image = await client.pushImage(repo, 'one');
    await client.putManifest(repo, 'two', image.body, OCI_MANIFEST);
    const other = await client.pushImage(repo, 'other');
    const res = await del(`/v2/${repo}/manifests/${image.digest}`);
    expect(res.status).toBe(202);
    await res.arrayBuffer();
    for (const ref of [image.digest, 'one', 'two']) {
      const get = await client.fetch(`/v2/${repo}/manifests/${ref}`, { headers: { accept: OCI_MANIFEST } });
      expect(get.status, ref).toBe(404);
      await get.arrayBuffer();
      const head = await client.fetch(`/v2/${repo}/manifests/${ref}`, { method: 'HEAD', headers: { accept: OCI_MANIFEST } });
      expect(head.status, ref).toBe(404);
    }
    const kept = await client.fetch(`/v2/${repo}/manifests/other`, { headers: { accept: OCI_MANIFEST } });
    expect(kept.status).toBe(200);
    expect(await kept.text()).toBe(other.body);
    const tags = (await (await client.fetch(`/v2/${repo}/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['other']);
  });

  it('should answer 404 MANIFEST_UNKNOWN to deleting an unknown manifest, and 404 in an unknown repository', async () => {
    const repo = repoName('delete');
    await client.pushImage(repo, 'v1');
    const res = await del(`/v2/${repo}/manifests/${unknownDigest()}`);
    expect(res.status).toBe(404);
    expect(await errorCodes(res)).toContain('MANIFEST_UNKNOWN');
    const absent = await del(`/v2/${repoName('absent')}/manifests/${unknownDigest()}`);
    expect(absent.status).toBe(404);
    await absent.arrayBuffer();
  });

  it('should answer 404 to deleting a manifest twice', async () => {
    const repo = repoName('delete');
    const image = await client.pushImage(repo, 'v1');
    expect((await del(`/v2/${repo}/manifests/${image.digest}`)).status).toBe(202);
    const again = await del(`/v2/${repo}/manifests/${image.digest}`);
    expect(again.status).toBe(404);
    expect(await errorCodes(again)).toContain('MANIFEST_UNKNOWN');
  });

  it('should delete a blob with 202, after which it is 404 BLOB_UNKNOWN', async () => {
    const repo = repoName('delete');
    const digest = await client.uploadBlob(repo, random(256));
    const res = await del(`/v2/${repo}/blobs/${digest}`);
    expect(res.status).toBe(202);
    await res.arrayBuffer();
    const get = await client.fetch(`/v2/${repo}/blobs/${digest}`);
    expect(get.status).toBe(404);
    expect(await errorCodes(get)).toContain('BLOB_UNKNOWN');
    expect((await client.fetch(`/v2/${repo}/blobs/${digest}`, { method: 'HEAD' })).status).toBe(404);
  });

  it('should answer 404 BLOB_UNKNOWN to deleting an unknown blob', async () => {
    const repo = repoName('delete');
    await client.uploadBlob(repo, random());
    const res = await del(`/v2/${repo}/blobs/${unknownDigest()}`);
    expect(res.status).toBe(404);
    expect(await errorCodes(res)).toContain('BLOB_UNKNOWN');
  });

  it('should keep a blob deleted in one repository available in another', async () => {
    const a = repoName('delete');
    const b = repoName('delete');
    const data = random(99);
    const digest = await client.uploadBlob(a, data);
    await client.uploadBlob(b, data);
    expect((await del(`/v2/${a}/blobs/${digest}`)).status).toBe(202);
    const res = await client.fetch(`/v2/${b}/blobs/${digest}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(data))).toBe(true);
  });

  it.skipIf(legacy('Distribution 2.8 has no referrers API'))('should drop a deleted manifest from the referrers list', async () => {
    const repo = repoName('delete');
    const subject = descriptorOf(await client.pushImage(repo, 'app'));
    const a = await client.pushImage(repo, undefined, { artifactType: 'application/vnd.example.a', subject });
    const b = await client.pushImage(repo, undefined, { artifactType: 'application/vnd.example.b', subject });
    expect((await del(`/v2/${repo}/manifests/${a.digest}`)).status).toBe(202);
    const res = await client.fetch(`/v2/${repo}/referrers/${subject.digest}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(OCI_INDEX);
    const index = (await res.json()) as { manifests: { digest: string }[] };
    expect(index.manifests.map((d) => d.digest)).toEqual([b.digest]);
  });
});

describe.skipIf(!noDeleteAvailable)('deletes disabled', () => {
  const locked = useRegistry({ deletes: false });

  async function expectUnsupported(res: Response): Promise<void> {
    expect(res.status).toBe(405);
    expect(await errorCodes(res)).toContain('UNSUPPORTED');
  }

  it('should refuse to delete a manifest by digest or by tag with 405 UNSUPPORTED, keeping it', async () => {
    const repo = repoName('locked');
    const image = await locked.pushImage(repo, 'v1');
    await expectUnsupported(await locked.fetch(`/v2/${repo}/manifests/${image.digest}`, { method: 'DELETE' }));
    await expectUnsupported(await locked.fetch(`/v2/${repo}/manifests/v1`, { method: 'DELETE' }));
    const get = await locked.fetch(`/v2/${repo}/manifests/v1`, { headers: { accept: OCI_MANIFEST } });
    expect(get.status).toBe(200);
    expect(await get.text()).toBe(image.body);
  });

  it('should refuse to delete a blob with 405 UNSUPPORTED, keeping it', async () => {
    const repo = repoName('locked');
    const digest = await locked.uploadBlob(repo, random());
    await expectUnsupported(await locked.fetch(`/v2/${repo}/blobs/${digest}`, { method: 'DELETE' }));
    const head = await locked.fetch(`/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });
});

if (!noDeleteAvailable) {
  console.warn('[conformance] skipped "deletes disabled": set WHARF_CONFORMANCE_NODELETE_URL to a registry with deletes off');
}
