/** Helpers for core's unit tests: push blobs and manifests through `app.request`. */
import { createHash, randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { MEDIA_TYPES } from '../manifests/media-types.js';

export const sha256 = (b: Uint8Array | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
export const bytes = (n = 64) => new Uint8Array(randomBytes(n));

export async function pushBlob(app: Hono, name: string, content: Uint8Array<ArrayBuffer> = bytes()): Promise<{ digest: string; size: number }> {
  const digest = sha256(content);
  const r = await app.request(`/v2/${name}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: content });
  if (r.status !== 201) throw new Error(`push blob: ${r.status} ${await r.text()}`);
  return { digest, size: content.byteLength };
}

/** Push a config and a layer, then an OCI manifest over them. */
export async function pushImage(
  app: Hono,
  name: string,
  reference: string,
  extra: Record<string, unknown> = {},
): Promise<{ digest: string; body: string; response: Response }> {
  const config = await pushBlob(app, name, new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', n: Math.random() })));
  const layer = await pushBlob(app, name);
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    ...extra,
  });
  const response = await app.request(`/v2/${name}/manifests/${reference}`, {
    method: 'PUT',
    body,
    headers: { 'Content-Type': MEDIA_TYPES.ociManifest },
  });
  if (response.status !== 201) throw new Error(`push manifest: ${response.status} ${await response.text()}`);
  return { digest: sha256(body), body, response };
}

export async function errorCode(r: Response): Promise<string> {
  const body = (await r.json()) as { errors: Array<{ code: string }> };
  return body.errors[0]?.code ?? '';
}
