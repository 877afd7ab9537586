/**
 * What the security suites share: credentials, digests, an administrator's admin-API client and
 * a one-layer OCI image pushed through the token flow, against a standalone server at `base`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SERVICE } from '@wharf/server';

export const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
export const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * A client of the admin API (`/api/v1`) with `user`'s Basic credentials.
 * @returns `call(method, path, body?)`: the parsed JSON answer (`{}` when empty); throws on a non-2xx.
 */
export function adminApi(base: () => string, user: string, password: string) {
  return async (method: string, path: string, body?: unknown): Promise<Record<string, string>> => {
    const res = await fetch(`${base()}/api/v1${path}`, {
      method,
      headers: { Authorization: basic(user, password), 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as Record<string, string>;
  };
}

/**
 * Push a one-layer OCI image (a random layer of `layerBytes`) to `repo` under each of `tags`,
 * with a registry token asked for with `basicAuth`.
 * @throws when a step is not answered 201
 */
export async function pushImage(base: string, basicAuth: string, repo: string, tags: readonly string[], layerBytes = 64): Promise<void> {
  const q = new URLSearchParams({ service: SERVICE, scope: `repository:${repo}:pull,push` });
  const tokenRes = await fetch(`${base}/auth/token?${q}`, { headers: { Authorization: basicAuth } });
  const { token } = (await tokenRes.json()) as { token: string };
  const auth = { Authorization: `Bearer ${token}` };
  const layer = new Uint8Array(randomBytes(layerBytes));
  const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux"}');
  for (const b of [layer, config]) {
    const res = await fetch(`${base}/v2/${repo}/blobs/uploads/?digest=${sha256(b)}`, { method: 'POST', body: b, headers: auth });
    if (res.status !== 201) throw new Error(`blob upload to ${repo}: ${res.status} ${await res.text()}`);
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
  });
  for (const tag of tags) {
    const res = await fetch(`${base}/v2/${repo}/manifests/${tag}`, { method: 'PUT', body: manifest, headers: { ...auth, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
    if (res.status !== 201) throw new Error(`manifest PUT ${repo}:${tag}: ${res.status} ${await res.text()}`);
  }
}
