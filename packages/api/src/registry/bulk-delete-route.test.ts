import { describe, expect, it } from 'vitest';
import { pushImage, v2Tags } from '../test-support.js';
import { type RegistryWorld, registryWorld } from './registry-test-world.js';
import { repositoryId } from './repository-ids.js';

const tagsPath = `/projects/1/registry/repositories/${repositoryId('team/app')}/tags`;
const DAY = 24 * 3600_000;

/** Push `tags` one hour apart, in order (the last is the newest). */
async function pushHourly(w: RegistryWorld, tags: readonly string[]): Promise<void> {
  for (const tag of tags) {
    await pushImage(w, 'team/app', tag);
    w.clock.now = new Date(w.clock.now.getTime() + 3600_000);
  }
}

async function bulkDelete(w: RegistryWorld, form: Record<string, string>, token = w.tokens.mara): Promise<Response> {
  const response = await w.call(tagsPath, { method: 'DELETE', token, form });
  await w.registry.management.background.settled();
  return response;
}

describe('DELETE /projects/:id/registry/repositories/:repository_id/tags (bulk)', () => {
  it("should delete every tag but latest and those matching name_regex_keep, the guide's '.*' and '.*-master'", async () => {
    const w = await registryWorld();
    await pushHourly(w, ['latest', 'a-master', 'b', 'c', 'feature-x']);
    const response = await bulkDelete(w, { name_regex_delete: '.*', name_regex_keep: '.*-master' });
    expect(response.status).toBe(202);
    expect(await v2Tags(w, 'team/app')).toEqual(['a-master', 'latest']);
  });

  it('should keep the keep_n newest matching tags', async () => {
    const w = await registryWorld();
    await pushHourly(w, ['t1', 't2', 't3', 't4']);
    expect((await bulkDelete(w, { name_regex_delete: 't.*', keep_n: '2' })).status).toBe(202);
    expect(await v2Tags(w, 'team/app')).toEqual(['t3', 't4']);
  });

  it('should delete only tags older than older_than', async () => {
    const w = await registryWorld();
    await pushHourly(w, ['old-1', 'old-2']);
    w.clock.now = new Date(w.clock.now.getTime() + 3 * DAY);
    await pushHourly(w, ['new-1']);
    expect((await bulkDelete(w, { name_regex_delete: '.*', older_than: '2d' })).status).toBe(202);
    expect(await v2Tags(w, 'team/app')).toEqual(['new-1']);
  });

  it('should take the deprecated name_regex, and JSON bodies', async () => {
    const w = await registryWorld();
    await pushHourly(w, ['v1', 'v2', 'keep']);
    const response = await w.call(tagsPath, { method: 'DELETE', token: w.tokens.mara, json: { name_regex: 'v.+' } });
    await w.registry.management.background.settled();
    expect(response.status).toBe(202);
    expect(await v2Tags(w, 'team/app')).toEqual(['keep']);
  });

  it('should never delete protected tags', async () => {
    const w = await registryWorld({
      tagProtection: {
        checkTagChange() {},
        protectedTags: async (_repository, tags) => new Set(tags.filter((t) => t.startsWith('release-'))),
      },
    });
    await pushHourly(w, ['release-1', 'build-1', 'build-2']);
    await bulkDelete(w, { name_regex_delete: '.*' });
    expect(await v2Tags(w, 'team/app')).toEqual(['release-1']);
  });

  it('should answer 400 naming the field for an invalid RE2 pattern, and delete nothing', async () => {
    const w = await registryWorld();
    await pushHourly(w, ['a', 'b']);
    for (const [field, pattern] of [
      ['name_regex_delete', '(unclosed'],
      ['name_regex_delete', '(a)\\1'],
      ['name_regex_keep', '(?=look)'],
    ] as const) {
      const response = await bulkDelete(w, { name_regex_delete: '.*', [field]: pattern });
      expect(response.status, pattern).toBe(400);
      expect((await response.json()).error).toMatch(new RegExp(`^${field} is invalid`));
    }
    expect(await v2Tags(w, 'team/app')).toEqual(['a', 'b']);
  });

  it('should answer 400 without name_regex_delete, and for a negative keep_n or a bad older_than', async () => {
    const w = await registryWorld();
    await pushHourly(w, ['a']);
    const missing = await bulkDelete(w, { keep_n: '1' });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toBe('name_regex, name_regex_delete are missing, at least one parameter must be provided');
    expect((await bulkDelete(w, { name_regex_delete: '.*', keep_n: '-1' })).status).toBe(400);
    expect((await bulkDelete(w, { name_regex_delete: '.*', older_than: 'soon' })).status).toBe(400);
    expect(await v2Tags(w, 'team/app')).toEqual(['a']);
  });

  it('should refuse developers and reporters with 403: deleting in bulk needs the maintainer role', async () => {
    const w = await registryWorld();
    await pushHourly(w, ['a']);
    for (const user of ['dev', 'rita']) expect((await bulkDelete(w, { name_regex_delete: '.*' }, w.tokens[user])).status, user).toBe(403);
    expect(await v2Tags(w, 'team/app')).toEqual(['a']);
  });

  it('should answer the plan and delete nothing with dry_run=true', async () => {
    const w = await registryWorld();
    await pushHourly(w, ['latest', 'a', 'b-master']);
    const response = await bulkDelete(w, { name_regex_delete: '.*', name_regex_keep: '.*-master', dry_run: 'true' });
    expect(response.status).toBe(200);
    const plan = await response.json();
    expect(plan.deleted).toEqual(['a']);
    expect(plan.kept).toEqual(
      expect.arrayContaining([
        { tag: 'latest', reason: 'latest' },
        { tag: 'b-master', reason: 'name_regex_keep' },
      ]),
    );
    expect(await v2Tags(w, 'team/app')).toEqual(['a', 'b-master', 'latest']);
  });
});
