import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../manifests/media-types.js';
import { createRegistry } from '../registry.js';
import type { PutContentOptions, StorageDriver } from '../storage/driver.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { pushImage } from '../test-support/fixtures.js';
import { Receiver, until } from '../test-support/webhook-receiver.js';
import { combineHooks } from './combine-hooks.js';
import { createWebhookSink, type WebhookSink } from './webhook-sink.js';

let receiver: Receiver;
const sinks: WebhookSink[] = [];

beforeEach(async () => {
  receiver = await Receiver.start();
});
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.stop()));
  await receiver.close();
});

function setup(storage: StorageDriver = new MemoryStorage(), onError?: (error: unknown) => void) {
  const sink = createWebhookSink({
    url: receiver.url,
    storage,
    backoff: { baseMs: 5, maxMs: 20 },
    pollIntervalMs: 50,
    registryUrl: 'https://registry.example.com',
  });
  sinks.push(sink);
  const registry = createRegistry({ storage, hooks: combineHooks(onError ? { onError } : {}, sink.hooks) });
  return { sink, registry };
}

describe('a registry with a webhook sink', () => {
  it('should finish pushes while the endpoint hangs', async () => {
    receiver.answer = () => 'hang';
    const { sink, registry } = setup();
    sink.start();
    await pushImage(registry.app, 'team/app', 'v1');
    await until(() => receiver.inFlight === 1);

    // The endpoint holds the first delivery; a whole push completes all the same.
    const second = await pushImage(registry.app, 'team/app', 'v2');
    expect(second.response.status).toBe(201);
    expect(receiver.inFlight).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect(await sink.pending()).toBeGreaterThan(0);

    receiver.answer = () => 200;
    receiver.release();
    await until(async () => (await sink.pending()) === 0);
    const pushes = receiver.delivered().filter((e) => e.target.tag);
    expect(pushes.map((e) => [e.action, e.target.repository, e.target.tag])).toEqual([
      ['push', 'team/app', 'v1'],
      ['push', 'team/app', 'v2'],
    ]);
    expect(pushes[1]).toMatchObject({
      target: { mediaType: MEDIA_TYPES.ociManifest, url: `https://registry.example.com/v2/team/app/manifests/${second.digest}` },
    });
  });

  it('should leave pulls out by default and send deletes', async () => {
    const { sink, registry } = setup();
    sink.start();
    const { digest } = await pushImage(registry.app, 'team/app', 'v1');
    expect((await registry.app.request('/v2/team/app/manifests/v1')).status).toBe(200);
    expect((await registry.app.request('/v2/team/app/manifests/v1', { method: 'DELETE' })).status).toBe(202);

    await until(async () => (await sink.pending()) === 0 && receiver.delivered().some((e) => e.action === 'delete'));
    const actions = receiver.delivered().map((e) => e.action);
    expect(actions).not.toContain('pull');
    expect(actions.filter((a) => a === 'push')).toHaveLength(3); // config, layer, manifest
    expect(receiver.delivered().at(-1)).toMatchObject({ action: 'delete', target: { repository: 'team/app', tag: 'v1' } });
    const manifestPush = receiver.delivered().find((e) => e.target.tag === 'v1' && e.action === 'push');
    expect(manifestPush?.target.digest).toBe(digest);
    expect(manifestPush?.request).toEqual({ id: expect.stringMatching(/^[0-9A-Z]{26}$/), method: 'PUT', host: 'localhost', useragent: '' });
    expect(receiver.delivered().at(-1)?.request).toMatchObject({ method: 'DELETE' });
  });

  it('should report a queue that cannot be written and still answer the push', async () => {
    class FullEventsDisk extends MemoryStorage {
      override putContent(path: string, content: Uint8Array, options?: PutContentOptions): Promise<void> {
        return path.startsWith('/wharf/v1/_events/') ? Promise.reject(new Error('disk full')) : super.putContent(path, content, options);
      }
    }
    const broken = new FullEventsDisk();
    const errors: unknown[] = [];
    const { registry } = setup(broken, (e) => void errors.push(e));
    const { response } = await pushImage(registry.app, 'team/app', 'v1');
    expect(response.status).toBe(201);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ message: 'disk full' });
  });
});
