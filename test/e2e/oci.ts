/**
 * Reading the test image's OCI layout, and talking to the registry over plain HTTP to check
 * what the clients stored there.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from './server.js';

export const MT = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

/** Every manifest type a client may ask for. */
export const ALL_MANIFEST_TYPES = [MT.ociIndex, MT.ociManifest, MT.dockerList, MT.dockerManifest];

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
}

export const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A read-only view of an OCI image layout on disk. */
export class OciLayout {
  constructor(readonly dir: string) {}

  /** The descriptor that index.json tags with `tag`. */
  tagged(tag: string): Descriptor {
    const top = JSON.parse(readFileSync(join(this.dir, 'index.json'), 'utf8')) as ImageIndex;
    const d = top.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
    if (!d) throw new Error(`no tag ${tag} in ${this.dir}/index.json`);
    return d;
  }

  blob(digest: string): Buffer {
    const [alg, hex] = digest.split(':');
    return readFileSync(join(this.dir, 'blobs', alg ?? '', hex ?? ''));
  }

  json<T>(digest: string): T {
    return JSON.parse(this.blob(digest).toString('utf8')) as T;
  }

  manifest(tag: string): ImageManifest {
    return this.json<ImageManifest>(this.tagged(tag).digest);
  }

  index(tag: string): ImageIndex {
    return this.json<ImageIndex>(this.tagged(tag).digest);
  }

  /** The config digest of a tagged image: Docker's and podman's image ID. */
  configDigest(tag: string): string {
    return this.manifest(tag).config.digest;
  }
}

export interface FetchedManifest {
  readonly status: number;
  readonly contentType: string;
  /** Docker-Content-Digest, or '' */
  readonly digest: string;
  readonly body: Buffer;
  json<T>(): T;
}

/** GET (or HEAD) /v2/NAME/manifests/REF with the given Accept types. */
export async function getManifest(
  reg: Registry,
  name: string,
  ref: string,
  accept: readonly string[] = ALL_MANIFEST_TYPES,
  method: 'GET' | 'HEAD' = 'GET',
): Promise<FetchedManifest> {
  const headers = new Headers();
  for (const a of accept) headers.append('Accept', a);
  const res = await fetch(`${reg.url}/v2/${name}/manifests/${ref}`, { method, headers });
  const body = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    contentType: (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '',
    digest: res.headers.get('docker-content-digest') ?? '',
    body,
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
  };
}

/** HEAD /v2/NAME/blobs/DIGEST → status. */
export async function blobStatus(reg: Registry, name: string, digest: string): Promise<number> {
  const res = await fetch(`${reg.url}/v2/${name}/blobs/${digest}`, { method: 'HEAD' });
  await res.arrayBuffer();
  return res.status;
}

export interface RegistryError {
  code: string;
  message?: string;
  detail?: unknown;
}

/** PUT a manifest's exact bytes; returns the status, headers and parsed error list (if any). */
export async function putManifest(
  reg: Registry,
  name: string,
  ref: string,
  body: Buffer,
  contentType: string,
): Promise<{ status: number; digest: string; location: string; errors: RegistryError[]; text: string }> {
  const res = await fetch(`${reg.url}/v2/${name}/manifests/${ref}`, {
    method: 'PUT',
    headers: { 'Content-Type': contentType },
    body: new Uint8Array(body),
  });
  const text = await res.text();
  let errors: RegistryError[] = [];
  try {
    errors = (JSON.parse(text) as { errors?: RegistryError[] }).errors ?? [];
  } catch {
    // not JSON: keep the text for the failure message
  }
  return {
    status: res.status,
    digest: res.headers.get('docker-content-digest') ?? '',
    location: res.headers.get('location') ?? '',
    errors,
    text,
  };
}
