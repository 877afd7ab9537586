import { describe, expect, it } from 'vitest';
import { openTestStore, seedWorld, tempDirs } from '../test-support.js';
import { resolveRepository } from './resolve-repository.js';

const tempDir = tempDirs();

async function world() {
  const store = await openTestStore(await tempDir());
  await seedWorld(store);
  return store.state();
}

describe('resolveRepository', () => {
  it('should resolve a project path itself to the project with an empty image', async () => {
    const result = resolveRepository(await world(), 'team/app');
    expect(result).toMatchObject({ project: { path: 'team/app' }, image: '' });
  });

  it('should resolve up to three levels below the project', async () => {
    const state = await world();
    expect(resolveRepository(state, 'team/app/api')).toMatchObject({ project: { path: 'team/app' }, image: 'api' });
    expect(resolveRepository(state, 'team/app/a/b/c')).toMatchObject({ project: { path: 'team/app' }, image: 'a/b/c' });
  });

  it('should refuse more than three levels below the project, saying why', async () => {
    const result = resolveRepository(await world(), 'team/app/a/b/c/d');
    expect(result).toEqual({ error: expect.stringMatching(/4 levels below the project "team\/app"/) });
  });

  it('should pick the longest project path that is a prefix on "/" boundaries', async () => {
    const state = await world();
    expect(resolveRepository(state, 'team/sub/svc/x')).toMatchObject({ project: { path: 'team/sub/svc' }, image: 'x' });
    // "team/application" is not inside "team/app"
    expect(resolveRepository(state, 'team/application')).toEqual({ error: expect.stringMatching(/no project owns/) });
  });

  it('should give nothing for a group path or an unknown path', async () => {
    const state = await world();
    expect(resolveRepository(state, 'team/sub')).toEqual({ error: expect.stringMatching(/no project owns "team\/sub"/) });
    expect(resolveRepository(state, 'nobody/app')).toEqual({ error: expect.stringMatching(/no project owns/) });
    expect(resolveRepository(state, 'busybox')).toEqual({ error: expect.stringMatching(/names no project/) });
  });

  it('should explain invalid repository names', async () => {
    expect(resolveRepository(await world(), 'Team/App')).toEqual({ error: expect.stringMatching(/^invalid repository name: .*uppercase/) });
  });
});
