import { describe, expect, it } from 'vitest';
import { emit } from './emit.js';
import type { DeleteEvent, PushEvent, RegistryHooks } from '../hooks.js';
import { createRegistry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { pushImage } from '../test-support/fixtures.js';
import { combineHooks } from './combine-hooks.js';

const push: PushEvent = { kind: 'blob', repository: 'team/app', digest: `sha256:${'0'.repeat(64)}`, size: 1, timestamp: new Date() };

describe('combineHooks', () => {
  it('should call every listener in order, each with its own object as this', async () => {
    const calls: string[] = [];
    const a: RegistryHooks & { label: string } = {
      label: 'a',
      onPush(this: { label: string }, e) {
        calls.push(`${this.label}:${e.repository}`);
      },
    };
    const b: RegistryHooks = { onPush: async () => void calls.push('b'), onDelete: () => void calls.push('b-delete') };
    const hooks = combineHooks(a, undefined, b);
    await emit(hooks, 'onPush', push);
    expect(calls).toEqual(['a:team/app', 'b']);
    expect(hooks.onPull).toBeUndefined();
  });

  it('should run the other listeners when one throws, and report the error to every onError', async () => {
    const calls: string[] = [];
    const errors: Array<[string, unknown]> = [];
    const hooks = combineHooks(
      {
        onPush: () => {
          throw new Error('first failed');
        },
        onError: (_error, ctx) => void errors.push(['a', ctx.hook]),
      },
      {
        onPush: () => void calls.push('second'),
        onError: () => {
          throw new Error('reporter failed');
        },
      },
      { onError: (error) => void errors.push(['c', (error as Error).message]) },
    );
    await expect(hooks.onPush?.(push)).resolves.toBeUndefined();
    expect(calls).toEqual(['second']);
    expect(errors).toEqual([
      ['a', 'onPush'],
      ['c', 'first failed'],
    ]);
  });

  it('should authorize with the first object that has onAuthorize', async () => {
    const hooks = combineHooks(
      { onPush: () => {} },
      { onAuthorize: () => ({ principal: 'first', granted: [] }) },
      { onAuthorize: () => ({ principal: 'second', granted: [] }) },
    );
    const request = { request: new Request('http://x/v2/'), route: 'base', required: [], optional: [] };
    expect(await hooks.onAuthorize?.(request)).toEqual({ principal: 'first', granted: [] });
    expect(combineHooks({ onPush: () => {} }).onAuthorize).toBeUndefined();
  });

  it('should hear every delete of a repository deletion, the repository itself last', async () => {
    const deletes: DeleteEvent[] = [];
    const registry = createRegistry({ storage: new MemoryStorage(), hooks: combineHooks({ onDelete: (e) => void deletes.push(e) }) });
    await pushImage(registry.app, 'team/app', 'v1');
    await pushImage(registry.app, 'team/app', 'v2');
    const { done } = await registry.management.deleteRepository('team/app', { principal: { subject: 'alice' } });
    expect((await done).status).toBe('done');
    expect(deletes.map((e) => e.kind)).toEqual(['tag', 'tag', 'manifest', 'manifest', 'repository']);
    expect(deletes.at(-1)).toMatchObject({ kind: 'repository', repository: 'team/app', principal: { subject: 'alice' } });
  });
});
