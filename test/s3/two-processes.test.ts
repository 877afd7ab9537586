/**
 * Two standalone servers (`wharf serve`, separate processes, separate data directories) on one
 * S3 bucket prefix, nothing else shared: an upload started on one continues on the other with
 * PATCHes alternating between them, and concurrent writes of one tag from both never leave a
 * broken tag; the last acknowledged write wins.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { s3Env } from '../../packages/storage-s3/src/test-support.js';
import { useTwoServers } from './server-env.js';
import { target, targetMissing, type Registry } from '../e2e/server.js';

const env = s3Env();
const missing = target() === 'wharf' ? targetMissing() : 'WHARF_E2E_TARGET is not wharf';
if (env && missing) console.warn(`skipping two processes on S3: ${missing}`);
const digestOf = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const OCI = 'application/vnd.oci.image.manifest.v1+json';

describe.skipIf(!env || missing)('two processes on one bucket', () => {
  const servers = useTwoServers(env!, 'two');

  /** The same path and query on the other server. */
  const on = (server: Registry, location: string) => {
    const url = new URL(location, server.url);
    return `${server.url}${url.pathname}${url.search}`;
  };

  async function pushBlobTo(server: Registry, name: string, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
    const digest = digestOf(bytes);
    const res = await fetch(`${server.url}/v2/${name}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes });
    expect(res.status, await res.clone().text()).toBe(201);
    return digest;
  }

  it('should complete and verify a chunked upload whose PATCHes alternate between the two processes', async () => {
    const both = [servers.a(), servers.b()];
    const bytes = new Uint8Array(randomBytes(13 * 1024 * 1024 + 5));
    const chunk = 5 * 1024 * 1024 + 3;
    const start = await fetch(`${servers.a().url}/v2/team/app/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    let location = start.headers.get('location') as string;
    let i = 1;
    for (let at = 0; at < bytes.length; at += chunk, i++) {
      const part = bytes.slice(at, at + chunk);
      const server = both[i % 2] as Registry;
      const res = await fetch(on(server, location), {
        method: 'PATCH',
        body: part,
        headers: { 'content-type': 'application/octet-stream', 'content-range': `${at}-${at + part.length - 1}` },
      });
      expect(res.status, await res.clone().text()).toBe(202);
      expect(res.headers.get('range')).toBe(`0-${at + part.length - 1}`);
      location = res.headers.get('location') as string;
    }
    const closing = both[i % 2] as Registry;
    const url = new URL(on(closing, location));
    url.searchParams.set('digest', digestOf(bytes));
    const done = await fetch(url, { method: 'PUT' });
    expect(done.status, await done.clone().text()).toBe(201);
    for (const server of both) {
      const got = await fetch(`${server.url}/v2/team/app/blobs/${digestOf(bytes)}`);
      expect(got.status).toBe(200);
      expect(digestOf(new Uint8Array(await got.arrayBuffer()))).toBe(digestOf(bytes));
    }
  });

  it('should never leave a broken tag when both processes write it at once, and keep the last acknowledged write', async () => {
    const manifests: { body: string; digest: string }[] = [];
    for (const n of [1, 2]) {
      const config = new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', n }));
      const digest = await pushBlobTo(servers.a(), 'team/tags', config);
      const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: config.length }, layers: [] });
      manifests.push({ body, digest: digestOf(new TextEncoder().encode(body)) });
    }
    const put = (server: Registry, m: { body: string }) =>
      fetch(`${server.url}/v2/team/tags/manifests/latest`, { method: 'PUT', body: m.body, headers: { 'Content-Type': OCI } });
    for (let round = 0; round < 10; round++) {
      const [ra, rb] = await Promise.all([put(servers.a(), manifests[0]!), put(servers.b(), manifests[1]!)]);
      expect([ra.status, rb.status]).toEqual([201, 201]);
      for (const server of [servers.a(), servers.b()]) {
        const got = await fetch(`${server.url}/v2/team/tags/manifests/latest`, { headers: { Accept: OCI } });
        expect(got.status).toBe(200);
        const body = new Uint8Array(await got.arrayBuffer());
        // Whole and consistent: the bytes hash to the digest the server names, one of the two.
        expect(digestOf(body)).toBe(got.headers.get('docker-content-digest'));
        expect(manifests.map((m) => m.digest)).toContain(digestOf(body));
      }
    }
    // Sequential writes: the later acknowledged one wins, seen from both processes.
    expect((await put(servers.a(), manifests[0]!)).status).toBe(201);
    expect((await put(servers.b(), manifests[1]!)).status).toBe(201);
    for (const server of [servers.a(), servers.b()]) {
      const got = await fetch(`${server.url}/v2/team/tags/manifests/latest`, { method: 'HEAD', headers: { Accept: OCI } });
      expect(got.headers.get('docker-content-digest')).toBe(manifests[1]!.digest);
    }
  });
});
