/**
 * A small `/v2` client for the load tests: push an image (a random layer and a config) and pull
 * it back checking every digest, while recording any 5xx answer (a load test's first failure).
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const OCI = 'application/vnd.oci.image.manifest.v1+json';

/** What a pull must find: the manifest's digest and its blobs. */
export interface PushedImage {
  readonly digest: string;
  readonly blobs: readonly string[];
}

export class LoadClient {
  /** Every request answered with a 5xx, as `METHOD path: status`. */
  readonly fiveHundreds: string[] = [];

  /** @param headers sent with every request (an `Authorization` for a server with token auth) */
  constructor(
    readonly base: () => string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  async request(path: string, init?: RequestInit): Promise<Response> {
    const res = await fetch(`${this.base()}${path}`, { ...init, headers: { ...this.headers, ...(init?.headers as Record<string, string> | undefined) } });
    if (res.status >= 500) this.fiveHundreds.push(`${init?.method ?? 'GET'} ${path}: ${res.status}`);
    return res;
  }

  async pushImage(repo: string, tag: string, layerBytes = 32 * 1024): Promise<PushedImage> {
    const layer = new Uint8Array(randomBytes(layerBytes));
    const config = new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', tag }));
    for (const b of [layer, config]) {
      const res = await this.request(`/v2/${repo}/blobs/uploads/?digest=${sha256(b)}`, { method: 'POST', body: b });
      expect(res.status).toBe(201);
    }
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
    });
    const res = await this.request(`/v2/${repo}/manifests/${tag}`, { method: 'PUT', body, headers: { 'Content-Type': OCI } });
    expect(res.status).toBe(201);
    return { digest: sha256(new TextEncoder().encode(body)), blobs: [sha256(layer), sha256(config)] };
  }

  /** Pull a tag: manifest and every blob, checking digests; `false` on a 404 (not there). */
  async pull(repo: string, tag: string, expected: PushedImage): Promise<boolean> {
    const res = await this.request(`/v2/${repo}/manifests/${tag}`, { headers: { Accept: OCI } });
    if (res.status === 404) return false;
    expect(res.status).toBe(200);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(expected.digest);
    for (const blob of expected.blobs) {
      const b = await this.request(`/v2/${repo}/blobs/${blob}`);
      if (b.status === 404) return false;
      expect(sha256(new Uint8Array(await b.arrayBuffer()))).toBe(blob);
    }
    return true;
  }
}
