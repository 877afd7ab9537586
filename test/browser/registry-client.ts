/**
 * The registry as a client sees it, to check what the page did: the token flow a `docker
 * login` and `docker push` go through (the realm and service read from the `/v2/` challenge),
 * a small image pushed over HTTP, tag lists, and the standalone server's GitLab REST API
 * (`/api/v4`) with Basic credentials.
 */
import { createHash, randomBytes } from 'node:crypto';

export const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** The Bearer challenge of `GET /v2/`: where tokens come from. */
export async function challenge(base: string): Promise<{ realm: string; service: string }> {
  const res = await fetch(`${base}/v2/`);
  await res.arrayBuffer();
  const header = res.headers.get('www-authenticate') ?? '';
  const realm = /realm="([^"]+)"/.exec(header)?.[1];
  const service = /service="([^"]+)"/.exec(header)?.[1];
  if (res.status !== 401 || !realm || !service) throw new Error(`GET /v2/ answered ${res.status} with challenge "${header}"`);
  return { realm, service };
}

/**
 * A registry token as `docker login` (no scope) or a push or pull (with `scopes`) asks for it.
 * @returns the HTTP status and the token (empty unless 200)
 */
export async function requestToken(base: string, who: Credentials, scopes: readonly string[] = []): Promise<{ status: number; token: string }> {
  const { realm, service } = await challenge(base);
  const q = new URLSearchParams({ account: who.user, client_id: 'docker', offline_token: 'true', service });
  for (const s of scopes) q.append('scope', s);
  const res = await fetch(`${realm}?${q}`, { headers: { Authorization: basic(who.user, who.password) } });
  const body = (await res.json().catch(() => ({}))) as { token?: string };
  return { status: res.status, token: res.ok ? (body.token ?? '') : '' };
}

async function bearer(base: string, who: Credentials, scopes: readonly string[]): Promise<Record<string, string>> {
  const { status, token } = await requestToken(base, who, scopes);
  if (status !== 200) throw new Error(`token for ${scopes.join(' ')} as ${who.user}: ${status}`);
  return { Authorization: `Bearer ${token}` };
}

/** Why a push failed: the step, its status and the registry's error body. */
export class PushRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    step: string,
  ) {
    super(`${step}: ${status} ${body}`);
  }
}

/**
 * Push a one-layer OCI image to `repo` under each of `tags` through the token flow.
 * @throws PushRefused when a step is not answered 201
 */
export async function pushImage(base: string, who: Credentials, repo: string, tags: readonly string[], layerBytes = 512): Promise<void> {
  const auth = await bearer(base, who, [`repository:${repo}:pull,push`]);
  const layer = new Uint8Array(randomBytes(layerBytes));
  const config = new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', repo }));
  for (const b of [layer, config]) {
    const res = await fetch(`${base}/v2/${repo}/blobs/uploads/?digest=${sha256(b)}`, { method: 'POST', body: b, headers: auth });
    if (res.status !== 201) throw new PushRefused(res.status, await res.text(), `blob upload to ${repo}`);
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
  });
  for (const tag of tags) {
    const res = await fetch(`${base}/v2/${repo}/manifests/${tag}`, {
      method: 'PUT',
      body: manifest,
      headers: { ...auth, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    if (res.status !== 201) throw new PushRefused(res.status, await res.text(), `manifest PUT ${repo}:${tag}`);
  }
}

/**
 * `GET /v2/<repo>/tags/list` with a pull token of `who`.
 * @returns the status and the sorted tags (empty unless 200)
 */
export async function listTags(base: string, who: Credentials, repo: string): Promise<{ status: number; tags: string[] }> {
  const auth = await bearer(base, who, [`repository:${repo}:pull`]);
  const res = await fetch(`${base}/v2/${repo}/tags/list`, { headers: auth });
  const body = (await res.json().catch(() => ({}))) as { tags?: string[] | null };
  return { status: res.status, tags: res.ok ? [...(body.tags ?? [])].sort() : [] };
}

/**
 * A JSON client of the standalone server's GitLab REST API (`/api/v4`) with `who`'s Basic
 * credentials.
 * @returns `call(method, path, body?)`: status and parsed body (`null` when empty)
 */
export function apiClient(base: () => string, who: Credentials) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${base()}/api/v4${path}`, {
      method,
      headers: { Authorization: basic(who.user, who.password), 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}
