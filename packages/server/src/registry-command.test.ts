import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '@wharf/core';
import { FsStorage } from '@wharf/storage-fs';
import { runRegistryCommand } from './registry-command.js';
import type { CommandIo } from './command-io.js';

const OCI = 'application/vnd.oci.image.manifest.v1+json';

async function pushTag(app: ReturnType<typeof createRegistry>['app'], repo: string, tag: string): Promise<void> {
  const config = new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', tag }));
  const digest = `sha256:${Buffer.from(await crypto.subtle.digest('SHA-256', config)).toString('hex')}`;
  expect((await app.request(`/v2/${repo}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: config })).status).toBe(201);
  const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: config.length }, layers: [] });
  expect((await app.request(`/v2/${repo}/manifests/${tag}`, { method: 'PUT', body, headers: { 'Content-Type': OCI } })).status).toBe(201);
}

describe('wharf registry', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-registry-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CommandIo = { out: (t) => void out.push(t), err: (t) => void err.push(t) };
    const code = await runRegistryCommand(['--data', dir, ...argv], io, {});
    return { code, out: out.join(''), err: err.join('') };
  };

  it('should list repositories and tags, bulk-delete by pattern, and rename, as JSON', async () => {
    const { app } = createRegistry({ storage: new FsStorage({ root: dir }) });
    for (const tag of ['v1', 'v2', 'latest']) await pushTag(app, 'team/app', tag);
    const repos = await run('repos', '--prefix', 'team');
    expect(repos.code).toBe(0);
    expect(JSON.parse(repos.out).items.map((r: { name: string }) => r.name)).toEqual(['team/app']);
    const deleted = await run('bulk-delete', 'team/app', '--name-regex-delete', 'v.+', '--keep-n', '1');
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.out).deleted).toHaveLength(1);
    expect((await run('rename', 'team/app', 'team/web')).code).toBe(0);
    const tags = JSON.parse((await run('tags', 'team/web')).out) as { items: { name: string }[] };
    expect(tags.items.map((t) => t.name).sort()).toHaveLength(2);
  });

  it('should print refusals as JSON with exit status 1 and usage errors with 2', async () => {
    const missing = await run('tags', 'team/none');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.err).error.code).toBe('NAME_UNKNOWN');
    expect((await run('cleanup-set', 'team/app', '--keep-n', '7')).code).toBe(1);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('tags')).code).toBe(2);
  });
});
