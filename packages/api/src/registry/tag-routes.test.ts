import { RegistryError, type TagChange } from '@wharf/core';
import { describe, expect, it } from 'vitest';
import { pushImage, v2Tags, type World, world } from '../test-support.js';
import { registryWorld } from './registry-test-world.js';
import { repositoryId } from './repository-ids.js';

const APP = repositoryId('team/app');
const tagsPath = `/projects/1/registry/repositories/${APP}/tags`;

async function withTags(w: Pick<World, 'registry'>, tags: readonly string[]): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const tag of tags) digests[tag] = await pushImage(w, 'team/app', tag);
  return digests;
}

describe('GET /projects/:id/registry/repositories/:repository_id/tags', () => {
  it('should list the tags by name with path and location, offset-paginated', async () => {
    const w = await world();
    await withTags(w, ['b', 'a', 'latest']);
    const response = await w.call(`${tagsPath}?per_page=2`, { token: w.tokens.rita });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      { name: 'a', path: 'team/app:a', location: 'registry.test/team/app:a' },
      { name: 'b', path: 'team/app:b', location: 'registry.test/team/app:b' },
    ]);
    expect(response.headers.get('x-total')).toBe('3');
    const second = await (await w.call(`${tagsPath}?per_page=2&page=2`, { token: w.tokens.rita })).json();
    expect(second.map((t: { name: string }) => t.name)).toEqual(['latest']);
  });

  it('should page with keyset pagination by following the Link header', async () => {
    const w = await world();
    await withTags(w, ['t1', 't2', 't3', 't4', 't5']);
    const seen: string[] = [];
    let next: string | null = `${tagsPath}?pagination=keyset&per_page=2&sort=desc`;
    while (next) {
      const response = await w.call(next, { token: w.tokens.rita });
      seen.push(...(await response.json()).map((t: { name: string }) => t.name));
      const link = response.headers.get('link');
      next = link ? (/<([^>]+)>; rel="next"/.exec(link)?.[1]?.replace(/^.*\/api\/v4/, '') ?? null) : null;
    }
    expect(seen).toEqual(['t5', 't4', 't3', 't2', 't1']);
  });

  it('should answer 400 for a cursor it did not make', async () => {
    const w = await world();
    await withTags(w, ['a']);
    const response = await w.call(`${tagsPath}?pagination=keyset&cursor=nonsense`, { token: w.tokens.rita });
    expect(response.status).toBe(400);
  });
});

describe('GET /projects/:id/registry/repositories/:repository_id/tags/:tag_name', () => {
  it('should answer the digest, the config revision, the creation time and the total size', async () => {
    const w = await world();
    const { v1 } = await withTags(w, ['v1']);
    const response = await w.call(`${tagsPath}/v1`, { token: w.tokens.rita });
    expect(response.status).toBe(200);
    const body = await response.json();
    const manifest = await (await w.registry.app.request(`/v2/team/app/manifests/v1`)).json();
    const revision = (manifest.config.digest as string).slice('sha256:'.length);
    expect(body).toEqual({
      name: 'v1',
      path: 'team/app:v1',
      location: 'registry.test/team/app:v1',
      revision,
      short_revision: revision.slice(0, 9),
      digest: v1,
      created_at: expect.stringMatching(/^\d{4}-/),
      total_size: (await w.registry.management.tagDetails('team/app', 'v1')).totalSize,
    });
    expect(body.total_size).toBeGreaterThan(64);
  });

  it('should answer 404 Tag Not Found for a missing tag and for a name no tag can have', async () => {
    const w = await world();
    await withTags(w, ['v1']);
    for (const tag of ['v2', '.bad', 'x'.repeat(200)]) {
      const response = await w.call(`${tagsPath}/${tag}`, { token: w.tokens.rita });
      expect(response.status, tag).toBe(404);
      expect(await response.json()).toEqual({ message: '404 Tag Not Found' });
    }
  });
});

describe('DELETE /projects/:id/registry/repositories/:repository_id/tags/:tag_name', () => {
  it('should delete the tag for a maintainer, and refuse a developer as /v2 and the page do', async () => {
    const w = await world();
    await withTags(w, ['latest', 'v1']);
    const refused = await w.call(`${tagsPath}/v1`, { method: 'DELETE', token: w.tokens.dev });
    expect(refused.status).toBe(403);
    expect(await v2Tags(w, 'team/app')).toEqual(['latest', 'v1']);
    const response = await w.call(`${tagsPath}/v1`, { method: 'DELETE', token: w.tokens.mara });
    expect(response.status).toBe(200);
    expect(await v2Tags(w, 'team/app')).toEqual(['latest']);
    const again = await w.call(`${tagsPath}/v1`, { method: 'DELETE', token: w.tokens.mara });
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ message: '404 Tag Not Found' });
  });

  it('should let a reporter read tags but not delete them', async () => {
    const w = await world();
    await withTags(w, ['v1']);
    expect((await w.call(`${tagsPath}/v1`, { token: w.tokens.rita })).status).toBe(200);
    expect((await w.call(`${tagsPath}/v1`, { method: 'DELETE', token: w.tokens.rita })).status).toBe(403);
    expect(await v2Tags(w, 'team/app')).toEqual(['v1']);
  });

  it('should let a CI job of a developer delete a tag of its own project with its job token', async () => {
    const w = await world();
    await withTags(w, ['latest', 'ci-1']);
    const { token } = await w.store.startJob({ project: 'team/app', user: 'dev' });
    const response = await w.call(`${tagsPath}/ci-1`, { method: 'DELETE', headers: { 'JOB-TOKEN': token } });
    expect(response.status).toBe(200);
    expect(await v2Tags(w, 'team/app')).toEqual(['latest']);
  });

  it("should answer tag protection's refusal as 403 with its message, passing the caller as principal", async () => {
    const changes: TagChange[] = [];
    const w = await registryWorld({
      tagProtection: {
        checkTagChange(change) {
          changes.push(change);
          if (change.action === 'delete' && change.tags.some((t) => t.tag === 'v1'))
            throw new RegistryError('DENIED', 'tag "v1" is immutable in project team/app');
        },
        protectedTags: async (_repository, tags) => new Set(tags.filter((t) => t === 'v1')),
      },
    });
    await withTags(w, ['v1']);
    const response = await w.call(`${tagsPath}/v1`, { method: 'DELETE', token: w.tokens.mara });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'tag "v1" is immutable in project team/app' });
    expect(await v2Tags(w, 'team/app')).toEqual(['v1']);
    const mara = (await w.store.state()).user('mara');
    expect(changes.at(-1)?.principal).toMatchObject({ subject: `user:${mara?.id}` });
  });
});
