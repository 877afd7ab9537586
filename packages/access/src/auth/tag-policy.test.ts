import { isRegistryError, type TagChange, type TagState } from '@wharf/core';
import { describe, expect, it } from 'vitest';
import { openTestStore, seedWorld, tempDirs } from '../test-support.js';
import { createTagPolicy } from './tag-policy.js';

const tempDir = tempDirs();

async function world() {
  const store = await openTestStore(await tempDir());
  await seedWorld(store);
  await store.createTagRule('team/app', { tagNamePattern: '^v', minimumAccessLevelForPush: 'maintainer', minimumAccessLevelForDelete: 'owner' });
  await store.createTagRule('team/app', { tagNamePattern: '^rel-', minimumAccessLevelForPush: null, minimumAccessLevelForDelete: null });
  const policy = createTagPolicy(store);
  const as = async (username: string) => ({ subject: `user:${(await store.getUser(username)).id}` });
  return { store, policy, as };
}

const created = (tag: string): TagState => ({ tag, currentDigest: null, newDigest: 'sha256:new', overwrite: false });
const moved = (tag: string): TagState => ({ tag, currentDigest: 'sha256:old', newDigest: 'sha256:new', overwrite: true });
const existing = (tag: string): TagState => ({ tag, currentDigest: 'sha256:old', newDigest: null, overwrite: false });

function push(repository: string, principal: unknown, ...tags: TagState[]): TagChange {
  return { repository, action: 'push', origin: 'tag', tags, principal };
}
function remove(repository: string, principal: unknown, origin: TagChange['origin'], ...tags: string[]): TagChange {
  return { repository, action: 'delete', origin, tags: tags.map(existing), principal };
}

/** The DENIED message of a refused change, or `null` when it is allowed. */
async function refusal(check: Promise<void> | void): Promise<string | null> {
  try {
    await check;
    return null;
  } catch (error) {
    if (isRegistryError(error) && error.code === 'DENIED') return error.message;
    throw error;
  }
}

describe('createTagPolicy: protected tags', () => {
  it('should refuse a developer pushing a protected tag and name the role and the rule', async () => {
    const { policy, as } = await world();
    expect(await refusal(policy.checkTagChange(push('team/app', await as('dev'), created('v1'))))).toBe(
      'tag "v1" is protected in project team/app: pushing it needs the maintainer role (rule "^v"); you have the developer role',
    );
  });

  it('should let a maintainer push, an owner delete, and an administrator do both', async () => {
    const { policy, as } = await world();
    expect(await refusal(policy.checkTagChange(push('team/app/api', await as('mara'), moved('v1'))))).toBeNull();
    expect(await refusal(policy.checkTagChange(remove('team/app', await as('mara'), 'tag', 'v1')))).toMatch(/deleting it needs the owner role/);
    expect(await refusal(policy.checkTagChange(remove('team/app', await as('olga'), 'tag', 'v1')))).toBeNull();
    expect(await refusal(policy.checkTagChange(remove('team/app', await as('root'), 'repository', 'v1', 'latest')))).toBeNull();
  });

  it('should leave tags no rule matches, and projects without rules, to the usual rights', async () => {
    const { policy, as } = await world();
    expect(await refusal(policy.checkTagChange(push('team/app', await as('dev'), moved('latest'), moved('dev-v1'))))).toBeNull();
    expect(await refusal(policy.checkTagChange(push('team/web', await as('dev'), moved('v1'))))).toBeNull();
    expect(await refusal(policy.checkTagChange(push('nobody/owns/this', undefined, moved('v1'))))).toBeNull();
  });

  it('should apply the most restrictive of several matching rules', async () => {
    const { store, policy, as } = await world();
    await store.createTagRule('team/app', { tagNamePattern: 'v1', minimumAccessLevelForPush: 'admin', minimumAccessLevelForDelete: 'admin' });
    expect(await refusal(policy.checkTagChange(push('team/app', await as('olga'), created('v1'))))).toMatch(/needs an administrator \(rule "v1"\)/);
    expect(await refusal(policy.checkTagChange(push('team/app', await as('olga'), created('v2'))))).toBeNull();
  });

  it('should judge a CI job by its user, and refuse deploy tokens and requests naming nobody', async () => {
    const { store, policy, as } = await world();
    const devJob = await store.startJob({ project: 'team/app', user: 'dev' });
    const maraJob = await store.startJob({ project: 'team/app', user: 'mara' });
    const { token } = await store.createDeployToken({ project: 'team/app', name: 'ci', scopes: ['write_registry'] });
    expect(await refusal(policy.checkTagChange(push('team/app', { subject: `job:${devJob.job.id}` }, created('v1'))))).toMatch(/developer role/);
    expect(await refusal(policy.checkTagChange(push('team/app', { subject: `job:${maraJob.job.id}` }, created('v1'))))).toBeNull();
    expect(await refusal(policy.checkTagChange(push('team/app', { subject: `deploy-token:${token.id}` }, created('v1'))))).toMatch(/a deploy token has no role/);
    expect(await refusal(policy.checkTagChange(push('team/app', undefined, created('v1'))))).toMatch(/the request names no user/);
    expect(await refusal(policy.checkTagChange(push('team/app', await as('eve'), created('v1'))))).toMatch(/you have no role/);
  });

  it('should refuse a blocked administrator as having no role', async () => {
    const { store, policy, as } = await world();
    const principal = await as('root');
    await store.createUser({ username: 'root2', password: 'password-123', admin: true });
    await store.updateUser('root', { blocked: true });
    expect(await refusal(policy.checkTagChange(push('team/app', principal, created('v1'))))).toMatch(/no role/);
  });
});

describe('createTagPolicy: immutable tags', () => {
  it('should let anyone who may push create an immutable tag, or push it again unchanged', async () => {
    const { policy, as } = await world();
    expect(await refusal(policy.checkTagChange(push('team/app', await as('dev'), created('rel-1'))))).toBeNull();
    const same: TagState = { tag: 'rel-1', currentDigest: 'sha256:a', newDigest: 'sha256:a', overwrite: false };
    expect(await refusal(policy.checkTagChange(push('team/app', await as('dev'), same)))).toBeNull();
  });

  it('should refuse overwriting or deleting an immutable tag to everybody, administrators included', async () => {
    const { policy, as } = await world();
    expect(await refusal(policy.checkTagChange(push('team/app', await as('root'), moved('rel-1'))))).toBe(
      'tag "rel-1" is immutable in project team/app (rule "^rel-"): it cannot be overwritten or deleted',
    );
    expect(await refusal(policy.checkTagChange(remove('team/app', await as('root'), 'tag', 'rel-1')))).toMatch(/immutable/);
    expect(await refusal(policy.checkTagChange(remove('team/app', await as('root'), 'manifest', 'x', 'rel-1')))).toMatch(
      /cannot be overwritten or deleted, so the manifest it points at cannot be deleted$/,
    );
    expect(await refusal(policy.checkTagChange(remove('team/app/api', undefined, 'repository', 'rel-1')))).toMatch(/so its repository cannot be deleted$/);
  });
});

describe('createTagPolicy: protectedTags', () => {
  it('should name the tags any rule matches, for cleanup policies and bulk deletes to keep', async () => {
    const { policy } = await world();
    expect([...(await policy.protectedTags('team/app/api', ['v1', 'rel-2', 'latest', 'dev']))].sort()).toEqual(['rel-2', 'v1']);
    expect([...(await policy.protectedTags('team/web', ['v1']))]).toEqual([]);
  });
});
