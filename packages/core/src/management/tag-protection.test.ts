import { describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../manifests/media-types.js';
import { pushImage } from '../test-support/fixtures.js';
import { protectedRegistry } from '../test-support/tag-protection-fakes.js';

const boss = { principal: { subject: 'boss' } };

/** A registry with one image per tag in team/app, pushed as a caller the policy allows. */
async function withTags(tags: readonly string[]) {
  const { registry, protection } = protectedRegistry();
  for (const tag of tags) {
    const image = await pushImage(registry.app, 'team/app', 'scratch');
    await registry.api.putManifest('team/app', { tag }, new TextEncoder().encode(image.body), MEDIA_TYPES.ociManifest, [], boss);
  }
  await registry.api.deleteManifest('team/app', { tag: 'scratch' });
  return { ...registry, protection, tags: async () => (await registry.api.listTags('team/app')).tags };
}

describe('tag protection in the management API and cleanup', () => {
  it('should refuse deleting a protected tag to a caller the policy refuses, and allow it to one it allows', async () => {
    const { management, tags } = await withTags(['rel-1', 'dev']);
    await expect(management.deleteTag('team/app', 'rel-1', { principal: { subject: 'eve' } })).rejects.toMatchObject({
      code: 'DENIED',
      message: 'tag "rel-1" is protected: deleting it needs the boss',
    });
    expect(await tags()).toEqual(['dev', 'rel-1']);
    await management.deleteTag('team/app', 'rel-1', boss);
    expect(await tags()).toEqual(['dev']);
  });

  it('should report protected tags of a delete by names as failed and delete the others', async () => {
    const { management, tags } = await withTags(['v1', 'dev', 'rel-1']);
    const result = await management.deleteTags('team/app', ['v1', 'dev', 'rel-1', 'gone']);
    expect(result).toEqual({
      deleted: ['dev'],
      notFound: ['gone'],
      failed: [
        { tag: 'v1', error: 'tag "v1" is immutable' },
        { tag: 'rel-1', error: 'tag "rel-1" is protected: deleting it needs the boss' },
      ],
    });
    expect(await tags()).toEqual(['rel-1', 'v1']);
  });

  it('should refuse deleting a repository that holds an immutable tag, before deleting anything', async () => {
    const { management, protection, tags } = await withTags(['dev', 'v1']);
    await expect(management.deleteRepository('team/app', boss)).rejects.toMatchObject({ code: 'DENIED', message: 'tag "v1" is immutable' });
    expect(await tags()).toEqual(['dev', 'v1']);
    expect(protection.changes.at(-1)).toMatchObject({ action: 'delete', origin: 'repository', tags: [{ tag: 'dev' }, { tag: 'v1' }] });
  });

  it('should delete a repository whose protected tags the caller may delete', async () => {
    const { management, api } = await withTags(['dev', 'rel-1']);
    const { done } = await management.deleteRepository('team/app', boss);
    expect(await done).toMatchObject({ status: 'done', tagsDeleted: 2 });
    expect(await api.manifests.repositoryExists('team/app')).toBe(false);
  });

  it('should keep protected and immutable tags in a cleanup run, as kept for protection, and delete the rest', async () => {
    const { management, tags } = await withTags(['latest', 'v1', 'rel-1', 'dev-1', 'dev-2']);
    await management.cleanup.policies.save('team/app', { enabled: true, keep_n: null, older_than: null, name_regex: '.*' });
    const run = await management.cleanup.runner.run('team/app');
    expect(run.failed).toEqual([]);
    expect(run.deleted.map((d) => d.tag).sort()).toEqual(['dev-1', 'dev-2']);
    expect(run.plans[0]?.kept).toEqual([
      { tag: 'latest', reason: 'latest' },
      { tag: 'rel-1', reason: 'protected' },
      { tag: 'v1', reason: 'protected' },
    ]);
    expect(await tags()).toEqual(['latest', 'rel-1', 'v1']);
  });

  it('should skip protected tags in a bulk delete by pattern', async () => {
    const { management, tags } = await withTags(['v1', 'dev-1']);
    const result = await management.cleanup.bulkDelete('team/app', { name_regex_delete: '.*' });
    expect(result).toMatchObject({ deleted: ['dev-1'], failed: [], kept: [{ tag: 'v1', reason: 'protected' }] });
    expect(await tags()).toEqual(['v1']);
  });
});
