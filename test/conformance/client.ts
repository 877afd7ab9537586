/**
 * Small HTTP client for the conformance suite: random content, digests, blob uploads and
 * manifest pushes over a real socket, so each test stays short and builds its own content.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
export const OCTET = { 'content-type': 'application/octet-stream' } as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string };
}

export interface ErrorBody {
  errors: { code: string; message?: string; detail?: unknown }[];
}

/** Bytes backed by a plain ArrayBuffer (what fetch accepts as a body). */
export type Bytes = Uint8Array<ArrayBuffer>;

export const random = (size = 64): Bytes => new Uint8Array(randomBytes(size));
export const randomHex = (bytes = 6): string => randomBytes(bytes).toString('hex');
export const sha256 = (data: Uint8Array | string): string =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;
export const sha512 = (data: Uint8Array | string): string =>
  `sha512:${createHash('sha512').update(data).digest('hex')}`;
/** A repository name unique to one test. */
export const repoName = (label: string): string => `conformance/${label}-${randomHex()}`;
/** A well-formed sha256 digest of content nobody pushed. */
export const unknownDigest = (): string => sha256(random(32));

export interface Pushed {
  digest: string;
  body: string;
  size: number;
  mediaType: string;
  response: Response;
}

export class Client {
  constructor(public base: string) {}

  url(path: string): string {
    return new URL(path, this.base).toString();
  }

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(this.url(path), { redirect: 'manual', ...init });
  }

  /** Starts an upload session; returns the absolute upload URL. */
  async startUpload(repo: string, query = ''): Promise<string> {
    const res = await this.fetch(`/v2/${repo}/blobs/uploads/${query}`, {
      method: 'POST',
      headers: { 'content-length': '0' },
    });
    await res.arrayBuffer();
    const location = res.headers.get('location');
    if (res.status !== 202 || !location) throw new Error(`POST upload: ${res.status}, Location ${location}`);
    return this.url(location);
  }

  /** Monolithic POST-then-PUT upload; returns the digest. */
  async uploadBlob(repo: string, data: Bytes, digest = sha256(data)): Promise<string> {
    const put = withDigest(await this.startUpload(repo), digest);
    const res = await fetch(put, {
      method: 'PUT',
      body: data,
      headers: OCTET,
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`PUT upload ${digest}: ${res.status}`);
    return digest;
  }

  /** Uploads the data as a blob and returns its descriptor. */
  async blob(repo: string, mediaType: string, data: Bytes | string = random()): Promise<Descriptor> {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    return { mediaType, digest: await this.uploadBlob(repo, bytes), size: bytes.byteLength };
  }

  /** PATCHes one chunk with its Content-Range. */
  patch(location: string, chunk: Bytes, start: number): Promise<Response> {
    const range = `${start}-${start + chunk.byteLength - 1}`;
    return fetch(location, { method: 'PATCH', body: chunk, headers: { ...OCTET, 'content-range': range } });
  }

  /** Closes an upload session with PUT ?digest=, optionally carrying a final chunk. */
  closeUpload(location: string, digest: string, chunk?: Bytes, range?: string): Promise<Response> {
    const headers: Record<string, string> = chunk ? { ...OCTET, ...(range ? { 'content-range': range } : {}) } : {};
    return fetch(withDigest(location, digest), { method: 'PUT', headers, ...(chunk ? { body: chunk } : {}) });
  }

  /** GETs a blob: its status and bytes. */
  async getBlob(repo: string, digest: string): Promise<{ status: number; bytes: Buffer }> {
    const res = await this.fetch(`/v2/${repo}/blobs/${digest}`);
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  putManifest(repo: string, reference: string, body: string, mediaType: string, query = ''): Promise<Response> {
    return this.fetch(`/v2/${repo}/manifests/${reference}${query}`, {
      method: 'PUT',
      body,
      headers: { 'content-type': mediaType },
    });
  }

  /** Pushes a manifest body (tag or digest reference), failing unless 201. */
  async push(repo: string, reference: string | undefined, manifest: object, mediaType?: string): Promise<Pushed> {
    const body = JSON.stringify(manifest);
    const type = mediaType ?? (manifest as { mediaType?: string }).mediaType ?? OCI_MANIFEST;
    const digest = sha256(body);
    const response = await this.putManifest(repo, reference ?? digest, body, type);
    const text = await response.text();
    if (response.status !== 201) throw new Error(`PUT manifest ${repo}:${reference}: ${response.status} ${text}`);
    return { digest, body, size: Buffer.byteLength(body), mediaType: type, response };
  }

  /** Builds and pushes an OCI image (random config and layer); returns the manifest. */
  async pushImage(repo: string, tag?: string, extra: Record<string, unknown> = {}): Promise<Pushed> {
    const config = await this.blob(repo, OCI_CONFIG, JSON.stringify({ architecture: 'amd64', os: 'linux', id: randomHex() }));
    const layer = await this.blob(repo, OCI_LAYER);
    return this.push(repo, tag, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer], ...extra });
  }
}

/** Appends `digest=` to an upload location, keeping its own query parameters. */
export function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.toString();
}

export const descriptorOf = (p: Pushed): Descriptor => ({ mediaType: p.mediaType, digest: p.digest, size: p.size });

/** Reads a JSON error body, checking its shape and Content-Type. */
export async function errorBody(res: Response): Promise<ErrorBody> {
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (!type.startsWith('application/json')) throw new Error(`error Content-Type is "${type}": ${text}`);
  const body = JSON.parse(text) as ErrorBody;
  if (!Array.isArray(body.errors) || body.errors.length === 0) throw new Error(`no errors array: ${text}`);
  return body;
}

export async function errorCodes(res: Response): Promise<string[]> {
  return (await errorBody(res)).errors.map((e) => e.code);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * node:http request with full control: repeated headers (array values go out as separate header
 * lines) and a body written chunk by chunk, without Content-Length (chunked transfer coding).
 */
export function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string | string[]> = {},
  chunks: Uint8Array[] = [],
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/**
 * Sends a HEAD over a bare TCP socket and returns every byte after the header block, so a body
 * wrongly sent with a HEAD response is seen (HTTP clients discard it).
 */
export function headBytesAfterHeaders(url: string, headers: Record<string, string> = {}): Promise<{ status: number; extra: Buffer }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port || 80), u.hostname);
    const parts: Buffer[] = [];
    const lines = [`HEAD ${u.pathname}${u.search} HTTP/1.1`, `Host: ${u.host}`, 'Connection: close'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    socket.on('connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    socket.on('data', (c: Buffer) => parts.push(c));
    socket.on('error', reject);
    // Wait for close (Connection: close), or give up on a server that keeps the socket open.
    const timer = setTimeout(() => socket.destroy(), 1500);
    socket.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(parts);
      const end = all.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(all.toString('latin1'))?.[1] ?? 0);
      resolve({ status, extra: end < 0 ? Buffer.alloc(0) : all.subarray(end + 4) });
    });
  });
}

/** Parses `Link: <url>; rel="next"`, returning the URL or null. */
export function nextLink(res: Response): string | null {
  const link = res.headers.get('link');
  if (!link) return null;
  const m = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(link);
  return m?.[1] ?? null;
}
