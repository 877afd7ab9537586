import { createTagPolicy } from '@wharf/access';
import type { TagProtection } from '@wharf/core';
import { describe, expect, it } from 'vitest';
import { pushImage, v2Tags, type World, world } from '../test-support.js';
import { repositoryId } from './repository-ids.js';

const RULES = '/projects/1/registry/protection/tag/rules';
const TAGS = `/projects/1/registry/repositories/${repositoryId('team/app')}/tags`;

/**
 * The API world whose registry enforces the store's rules with `createTagPolicy`. The world
 * makes the store, so the registry gets a protection that asks the policy made right after.
 */
async function protectedWorld(): Promise<World> {
  let policy: TagProtection | undefined;
  const late: TagProtection = {
    checkTagChange: (change) => policy?.checkTagChange(change),
    protectedTags: (repository, tags) => policy?.protectedTags(repository, tags) ?? new Set(),
  };
  const w = await world({ tagProtection: late });
  policy = createTagPolicy(w.store);
  return w;
}

const maintainerRule = { tag_name_pattern: '^v', minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: 'maintainer' };

describe('GET and POST /projects/:id/registry/protection/tag/rules', () => {
  it('should create a protected rule in GitLab shape and list it', async () => {
    const w = await world();
    const created = await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: maintainerRule });
    expect(created.status).toBe(201);
    const rule = await created.json();
    expect(rule).toEqual({ id: 1, project_id: 1, tag_name_pattern: '^v', minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: 'maintainer' });
    const listed = await w.call('/projects/team%2Fapp/registry/protection/tag/rules', { token: w.tokens.mara });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual([rule]);
  });

  it('should take the parameters as a form too', async () => {
    const w = await world();
    const created = await w.call(RULES, { method: 'POST', token: w.tokens.mara, form: { tag_name_pattern: 'latest', minimum_access_level_for_push: 'owner', minimum_access_level_for_delete: 'admin' } });
    expect(await created.json()).toMatchObject({ tag_name_pattern: 'latest', minimum_access_level_for_push: 'owner', minimum_access_level_for_delete: 'admin' });
  });

  it('should refuse a developer with 403 and answer 404 to a caller who cannot see the project', async () => {
    const w = await world();
    expect((await w.call(RULES, { token: w.tokens.dev })).status).toBe(403);
    expect((await w.call(RULES, { method: 'POST', token: w.tokens.dev, json: maintainerRule })).status).toBe(403);
    const hidden = await w.call(RULES, { token: w.tokens.eve });
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual({ message: '404 Project Not Found' });
    expect((await w.call(RULES)).status).toBe(401);
  });

  it('should let only an owner create an immutable rule (both levels unset)', async () => {
    const w = await world();
    const refused = await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: { tag_name_pattern: '^rel-' } });
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toMatch(/immutable protection rule/);
    const created = await w.call(RULES, { method: 'POST', token: w.tokens.olga, json: { tag_name_pattern: '^rel-', minimum_access_level_for_push: '', minimum_access_level_for_delete: null } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ minimum_access_level_for_push: null, minimum_access_level_for_delete: null });
  });

  it('should answer 422 for an invalid pattern, a repeated one, one level only and a sixth rule', async () => {
    const w = await world();
    const bad = await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: { ...maintainerRule, tag_name_pattern: '(a)\\1' } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).message).toMatch(/not a valid regular expression/);
    const long = await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: { ...maintainerRule, tag_name_pattern: 'a'.repeat(101) } });
    expect((await long.json()).message).toMatch(/at most 100/);
    const half = await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: { tag_name_pattern: 'x', minimum_access_level_for_push: 'owner' } });
    expect(half.status).toBe(422);
    for (let i = 0; i < 5; i++) expect((await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: { ...maintainerRule, tag_name_pattern: `^r${i}` } })).status).toBe(201);
    const again = await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: { ...maintainerRule, tag_name_pattern: '^r0' } });
    expect(again.status).toBe(422);
    expect((await again.json()).message).toMatch(/at most 5/);
  });

  it('should answer 400 naming a parameter that is missing or not a level', async () => {
    const w = await world();
    const missing = await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: { minimum_access_level_for_push: 'owner' } });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toBe('tag_name_pattern is missing');
    const wrong = await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: { ...maintainerRule, minimum_access_level_for_push: 'developer' } });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toMatch(/^minimum_access_level_for_push is invalid/);
  });

  it('should refuse a CI job token', async () => {
    const w = await world();
    const { token } = await w.store.startJob({ project: 'team/app', user: 'mara' });
    expect((await w.call(RULES, { headers: { 'JOB-TOKEN': token } })).status).toBe(403);
  });
});

describe('PATCH and DELETE /projects/:id/registry/protection/tag/rules/:protection_rule_id', () => {
  it('should change only the fields given', async () => {
    const w = await world();
    await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: maintainerRule });
    const patched = await w.call(`${RULES}/1`, { method: 'PATCH', token: w.tokens.mara, json: { minimum_access_level_for_delete: 'owner' } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: 1, tag_name_pattern: '^v', minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: 'owner' });
  });

  it("should answer 422 with GitLab's {message: {error}} for an immutable rule or one losing its levels", async () => {
    const w = await world();
    await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: maintainerRule });
    await w.call(RULES, { method: 'POST', token: w.tokens.olga, json: { tag_name_pattern: '^rel' } });
    const immutable = await w.call(`${RULES}/2`, { method: 'PATCH', token: w.tokens.olga, json: { tag_name_pattern: '^release' } });
    expect(immutable.status).toBe(422);
    expect((await immutable.json()).message.error).toMatch(/immutable tag rule cannot be changed/);
    const unset = await w.call(`${RULES}/1`, { method: 'PATCH', token: w.tokens.mara, json: { minimum_access_level_for_push: '', minimum_access_level_for_delete: '' } });
    expect(unset.status).toBe(422);
  });

  it('should answer 404 for a rule of another project and 400 for an id that is no number', async () => {
    const w = await world();
    await w.call('/projects/team%2Fweb/registry/protection/tag/rules', { method: 'POST', token: w.tokens.olga, json: maintainerRule });
    const other = await w.call(`${RULES}/1`, { method: 'DELETE', token: w.tokens.olga });
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ message: '404 Not found' });
    expect((await w.call(`${RULES}/abc`, { method: 'PATCH', token: w.tokens.olga, json: {} })).status).toBe(400);
  });

  it('should delete a protected rule for a maintainer and an immutable one only for an owner', async () => {
    const w = await world();
    await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: maintainerRule });
    await w.call(RULES, { method: 'POST', token: w.tokens.olga, json: { tag_name_pattern: '^rel' } });
    expect((await w.call(`${RULES}/1`, { method: 'DELETE', token: w.tokens.mara })).status).toBe(204);
    expect((await w.call(`${RULES}/2`, { method: 'DELETE', token: w.tokens.mara })).status).toBe(403);
    expect((await w.call(`${RULES}/2`, { method: 'DELETE', token: w.tokens.olga })).status).toBe(204);
    expect(await w.store.listTagRules('team/app')).toEqual([]);
  });
});

describe('tag rules enforced on the API', () => {
  it("should refuse a maintainer deleting a tag an owner-level rule protects, with the rule's message", async () => {
    const w = await protectedWorld();
    await pushImage(w, 'team/app', 'v1');
    await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: { ...maintainerRule, minimum_access_level_for_delete: 'owner' } });
    const refused = await w.call(`${TAGS}/v1`, { method: 'DELETE', token: w.tokens.mara });
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toBe(
      'tag "v1" is protected in project team/app: deleting it needs the owner role (rule "^v"); you have the maintainer role',
    );
    expect((await w.call(`${TAGS}/v1`, { method: 'DELETE', token: w.tokens.olga })).status).toBe(200);
    expect(await v2Tags(w, 'team/app')).toEqual([]);
  });

  it('should keep protected and immutable tags out of a bulk delete', async () => {
    const w = await protectedWorld();
    for (const tag of ['v1', 'rel-1', 'dev-1', 'dev-2']) await pushImage(w, 'team/app', tag);
    await w.call(RULES, { method: 'POST', token: w.tokens.mara, json: maintainerRule });
    await w.call(RULES, { method: 'POST', token: w.tokens.olga, json: { tag_name_pattern: '^rel-' } });
    const started = await w.call(`${TAGS}?name_regex_delete=.*&keep_n=0`, { method: 'DELETE', token: w.tokens.olga });
    expect(started.status).toBe(202);
    await w.registry.management.background.settled();
    expect((await v2Tags(w, 'team/app'))?.sort()).toEqual(['rel-1', 'v1']);
  });
});
