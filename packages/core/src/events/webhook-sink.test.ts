import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeleteEvent } from '../hooks.js';
import type { DriverCallOptions } from '../storage/driver.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { baseName, pathFor } from '../storage/paths.js';
import { Receiver, until } from '../test-support/webhook-receiver.js';
import { EVENTS_MEDIA_TYPE } from './envelope.js';
import { createWebhookSink, WebhookDeliveryError, type WebhookSink, type WebhookSinkOptions } from './webhook-sink.js';

let receiver: Receiver;
let storage: MemoryStorage;
const sinks: WebhookSink[] = [];

beforeEach(async () => {
  receiver = await Receiver.start();
  storage = new MemoryStorage();
});
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.stop()));
  await receiver.close();
});

function sink(options: Partial<WebhookSinkOptions> = {}): WebhookSink {
  const s = createWebhookSink({ url: receiver.url, storage, backoff: { baseMs: 5, maxMs: 20 }, pollIntervalMs: 50, ...options });
  sinks.push(s);
  return s;
}

const tagDeleted = (tag: string): DeleteEvent => ({ kind: 'tag', repository: 'team/app', tag, timestamp: new Date() });
const tagsOf = (events: readonly { target: { tag?: string } }[]) => events.map((e) => e.target.tag);

describe('createWebhookSink', () => {
  it('should deliver queued events in order, in batches, with the envelope media type and the configured headers', async () => {
    const s = sink({ batchSize: 5, headers: { Authorization: 'Bearer s3cret' } });
    const tags = Array.from({ length: 12 }, (_, i) => `t${i}`);
    for (const tag of tags) await s.hooks.onDelete?.(tagDeleted(tag));
    expect(await s.pending()).toBe(12);

    s.start();
    await until(async () => (await s.pending()) === 0);
    expect(tagsOf(receiver.delivered())).toEqual(tags);
    expect(receiver.received.map((r) => r.events.length)).toEqual([5, 5, 2]);
    expect(receiver.received[0]?.headers).toMatchObject({ 'content-type': EVENTS_MEDIA_TYPE, authorization: 'Bearer s3cret' });
    expect(new Set(receiver.delivered().map((e) => e.id)).size).toBe(12);
  });

  it('should retry after a 500 with backoff and then deliver the same events once', async () => {
    const errors: unknown[] = [];
    receiver.answer = (_, n) => (n < 2 ? 500 : 202);
    const s = sink({ onError: (e) => void errors.push(e) });
    s.start();
    await s.hooks.onDelete?.(tagDeleted('v1'));

    await until(async () => (await s.pending()) === 0);
    expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 202]);
    const ids = receiver.received.map((r) => r.events.map((e) => e.id).join());
    expect(new Set(ids).size).toBe(1);
    expect(receiver.delivered()).toHaveLength(1);
    expect(errors).toEqual([]);
    expect(await s.deadLetters()).toEqual([]);
  });

  it('should wait at least Retry-After after a 429', async () => {
    receiver.answer = (_, n) => (n === 0 ? { status: 429, headers: { 'Retry-After': '1' } } : 200);
    const s = sink({ backoff: { baseMs: 5, maxMs: 5_000 } });
    s.start();
    await s.hooks.onDelete?.(tagDeleted('v1'));

    await until(async () => (await s.pending()) === 0);
    const [first, second] = receiver.received;
    expect(second?.status).toBe(200);
    // Without Retry-After the first backoff is 2.5 to 5 ms; a lower bound holds on any machine.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('should give up after maxAttempts, keep the events as a dead letter, report it, and send them again on request', async () => {
    const errors: unknown[] = [];
    receiver.answer = () => 503;
    const s = sink({ maxAttempts: 3, onError: (e) => void errors.push(e) });
    s.start();
    await s.hooks.onDelete?.(tagDeleted('v1'));

    await until(() => errors.length > 0);
    expect(receiver.received).toHaveLength(3);
    expect(errors[0]).toBeInstanceOf(WebhookDeliveryError);
    expect(errors[0]).toMatchObject({ status: 503, attempts: 3, eventIds: [receiver.received[0]?.events[0]?.id] });
    expect(await s.pending()).toBe(0);
    const [letter, ...others] = await s.deadLetters();
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ attempts: 3, error: 'HTTP 503', events: [{ action: 'delete', target: { tag: 'v1' } }] });

    receiver.answer = () => 200;
    expect(await s.requeueDead()).toBe(1);
    await until(async () => (await s.pending()) === 0);
    expect(tagsOf(receiver.delivered())).toEqual(['v1']);
    expect(await s.deadLetters()).toEqual([]);
  });

  it('should not retry events the endpoint refuses with a 4xx', async () => {
    const errors: unknown[] = [];
    receiver.answer = () => 400;
    const s = sink({ onError: (e) => void errors.push(e) });
    s.start();
    await s.hooks.onDelete?.(tagDeleted('v1'));

    await until(() => errors.length > 0);
    expect(receiver.received).toHaveLength(1);
    expect(errors[0]).toMatchObject({ status: 400, attempts: 1 });
    expect(await s.deadLetters()).toHaveLength(1);
  });

  it('should keep queued events across a restart and deliver each exactly once', async () => {
    receiver.answer = () => 'drop';
    const first = sink();
    first.start();
    for (const tag of ['a', 'b', 'c', 'd', 'e']) await first.hooks.onDelete?.(tagDeleted(tag));
    await until(() => receiver.received.length >= 1);
    await first.stop();
    expect(await first.pending()).toBe(5);
    await expect(storage.list(pathFor({ kind: 'eventSendingDir', endpoint: 'webhook' }))).rejects.toThrow(); // no claim left behind
    expect(receiver.delivered()).toEqual([]);

    receiver.answer = () => 200;
    const second = sink();
    second.start();
    await until(async () => (await second.pending()) === 0);
    expect(tagsOf(receiver.delivered())).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('should take back the claims of a process that died and deliver them', async () => {
    const dead = sink();
    await dead.hooks.onDelete?.(tagDeleted('orphan'));
    const [file] = (await storage.list(pathFor({ kind: 'eventQueueDir', endpoint: 'webhook' }))).map(baseName);
    const id = file?.split('.')[0];
    // what a process that crashed while posting leaves behind: a claim from long ago
    await storage.move(
      pathFor({ kind: 'eventQueued', endpoint: 'webhook', file: file ?? '' }),
      pathFor({ kind: 'eventSending', endpoint: 'webhook', file: `${id}.0.DEADPROCESS.1` }),
    );
    expect(await dead.pending()).toBe(1);

    const alive = sink({ claimTimeoutMs: 60_000 });
    alive.start();
    await until(async () => (await alive.pending()) === 0);
    expect(tagsOf(receiver.delivered())).toEqual(['orphan']);
  });

  it('should never let two sinks on one storage send the same events, while both send at once', async () => {
    // Hold the first request until a second one arrives: proof that both sinks post at the same time.
    receiver.answer = (_, n) => (n === 0 ? 'hang' : 200);
    const a = sink({ batchSize: 5 });
    const b = sink({ batchSize: 5 });
    const tags = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    for (const tag of tags) await a.hooks.onDelete?.(tagDeleted(tag));
    a.start();
    await until(() => receiver.inFlight === 1);
    b.start();
    await until(() => receiver.received.length >= 2);
    receiver.release();

    await until(async () => (await a.pending()) === 0);
    expect(receiver.maxInFlight).toBe(2);
    expect(receiver.received.every((r) => r.status === 200)).toBe(true);
    const delivered = receiver.delivered();
    expect(delivered).toHaveLength(40);
    expect(tagsOf(delivered).sort()).toEqual(tags);
    // each request carries consecutive events, in order
    for (const r of receiver.received) expect(tagsOf(r.events)).toEqual([...tagsOf(r.events)].sort());
  });

  it('should bury a queue entry that is not JSON and deliver the rest', async () => {
    const errors: unknown[] = [];
    const s = sink({ onError: (e) => void errors.push(e) });
    await s.hooks.onDelete?.(tagDeleted('before'));
    await storage.putContent(
      pathFor({ kind: 'eventQueued', endpoint: 'webhook', file: '01ARZ3NDEKTSV4RRFFQ69G5FAV.0.0' }),
      new TextEncoder().encode('{"ev'),
    );
    await s.hooks.onDelete?.(tagDeleted('after'));
    s.start();

    await until(async () => (await s.pending()) === 0);
    expect(tagsOf(receiver.delivered())).toEqual(['before', 'after']);
    expect(await s.deadLetters()).toEqual([
      {
        id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
        events: [],
        attempts: 0,
        error: expect.stringMatching(/not JSON/),
        diedAt: expect.any(String),
        raw: '{"ev',
      },
    ]);
    expect(errors).toHaveLength(1);
  });

  it('should take its own claim back after a storage error and deliver it later', async () => {
    let failures = 1;
    class Flaky extends MemoryStorage {
      override getContent(path: string, options?: DriverCallOptions): Promise<Uint8Array> {
        if (path.includes('/_events/webhook/sending/') && failures-- > 0) return Promise.reject(new Error('EIO'));
        return super.getContent(path, options);
      }
    }
    storage = new Flaky();
    const errors: unknown[] = [];
    const s = sink({ onError: (e) => void errors.push(e), pollIntervalMs: 20 });
    await s.hooks.onDelete?.(tagDeleted('v1'));
    s.start();

    await until(async () => (await s.pending()) === 0);
    expect(tagsOf(receiver.delivered())).toEqual(['v1']);
    expect(errors).toMatchObject([{ message: 'EIO' }]);
    expect(await s.deadLetters()).toEqual([]);
  });

  it('should send only the actions its filter names', async () => {
    const s = sink({ filter: ['pull', 'rename'] });
    s.start();
    await s.hooks.onDelete?.(tagDeleted('v1'));
    await s.hooks.onRename?.({ repository: 'team/a', to: 'team/b', files: 1, timestamp: new Date() });
    await s.hooks.onPull?.({ kind: 'blob', repository: 'team/b', digest: `sha256:${'1'.repeat(64)}`, size: 1, timestamp: new Date() });
    await until(async () => (await s.pending()) === 0 && receiver.delivered().length === 2);
    expect(receiver.delivered().map((e) => e.action)).toEqual(['rename', 'pull']);
  });

  it('should refuse bad options', () => {
    expect(() => createWebhookSink({ url: 'ftp://x/', storage })).toThrow(/http or https/);
    expect(() => createWebhookSink({ url: receiver.url, storage, name: '../x' })).toThrow(/name/);
    expect(() => createWebhookSink({ url: receiver.url, storage, maxAttempts: 0 })).toThrow(/maxAttempts/);
  });
});
