/**
 * Images pushed in the past: a cleanup policy only removes tags older than its `older_than`
 * (7 days at least), so a preview that removes anything needs tags from weeks ago. They are
 * written through core's own API (`createRegistry` with a clock set back, over the FsStorage
 * the standalone server then opens), never by editing files.
 */
import { createHash } from 'node:crypto';
import { createRegistry, MEDIA_TYPES } from '@wharf/core';
import { FsStorage } from '@wharf/storage-fs';

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface AgedTag {
  readonly repository: string;
  readonly tag: string;
  /** How many days ago it was pushed. */
  readonly daysAgo: number;
}

/** Push each tag (its own one-layer image) into the data directory `root` at its time, in order. */
export async function seedAgedTags(root: string, tags: readonly AgedTag[]): Promise<void> {
  let now = Date.now();
  const registry = createRegistry({ storage: new FsStorage({ root }), now: () => new Date(now) });
  const blob = async (name: string, content: Uint8Array<ArrayBuffer>) => {
    const digest = sha256(content);
    const r = await registry.app.request(`/v2/${name}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: content });
    if (r.status !== 201) throw new Error(`seed blob ${name}: ${r.status} ${await r.text()}`);
    return { digest, size: content.byteLength };
  };
  for (const t of tags) {
    now = Date.now() - t.daysAgo * 24 * 3600 * 1000;
    const config = await blob(t.repository, new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', tag: t.tag })));
    const layer = await blob(t.repository, new TextEncoder().encode(`${t.repository}:${t.tag}:`.padEnd(700, '.')));
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    });
    const r = await registry.app.request(`/v2/${t.repository}/manifests/${t.tag}`, {
      method: 'PUT',
      body,
      headers: { 'Content-Type': MEDIA_TYPES.ociManifest },
    });
    if (r.status !== 201) throw new Error(`seed manifest ${t.repository}:${t.tag}: ${r.status} ${await r.text()}`);
  }
}
