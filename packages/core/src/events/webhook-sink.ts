/**
 * A webhook sink: registry events POSTed to an HTTP endpoint as Distribution notification
 * envelopes, through a queue in the registry's own storage.
 *
 * Enqueue: the sink's hooks turn each event into envelope events (see envelope.ts), drop those
 * the filter does not want, and write the rest as one file under `_events/<name>/queue/`
 * before the hook returns. That is one small durable write: a registry request never waits for
 * the endpoint, and never fails because of it (a failed write is reported to `onError` like any
 * listener's error). Events written survive a restart of the process.
 *
 * Delivery: a loop, started with {@link WebhookSink.start}, takes the oldest entries (up to
 * `batchSize`), claims each by moving it to `sending/` and POSTs their events as one envelope.
 * A 2xx answer deletes them. A network error, a timeout, a 5xx, 408 or 429 puts them back in
 * the queue, not to be sent before an exponential backoff with jitter (at least `Retry-After`
 * when the endpoint says so); the head of the queue waits for its backoff, so later events are
 * not sent ahead of it. After `maxAttempts` attempts, or at once on any other 4xx (the endpoint
 * refused them; sending again would not help), entries go to `dead/`, and `onError` hears of
 * it with a {@link WebhookDeliveryError}. `requeueDead()` sends them again.
 *
 * Delivery is at least once: an event is sent again when the process dies after the endpoint
 * accepted it but before the entry was deleted, or when a claim outlives `claimTimeoutMs` (a
 * process paused that long). Receivers deduplicate on the event `id`. Several processes may
 * share the storage, each running a sink with the same name: a claim is a `move`, which the
 * storage contract makes atomic (one process wins), so no two of them send an entry at the
 * same time. Order: one process sends entries in the order they were queued; with several
 * processes, concurrent batches may arrive interleaved (the queue is ordered by ULID, so by
 * millisecond across processes). A claim left by a process that died goes back to the queue
 * once older than `claimTimeoutMs`, which compares clocks of the processes: keep them in sync.
 * @module
 */
import { ulid } from 'ulid';
import { EVENT_HOOKS, type EventHook } from './emit.js';
import type { RegistryHooks } from '../hooks.js';
import { PathNotFoundError } from '../storage/driver.js';
import { guard } from '../storage/guard.js';
import { toEnvelopeEvents, type EnvelopeEvent, type EnvelopeSource, type HookEvent } from './envelope.js';
import { postEnvelope, retryDelay, type Outcome, type PostOptions } from './webhook-delivery.js';
import { CorruptEntryError, EventQueue, type ClaimedEntry, type DeadLetter, type QueuedEntry } from './webhook-queue.js';
import { DEFAULT_WEBHOOK_ACTIONS, WebhookDeliveryError, type WebhookBackoff, type WebhookSink, type WebhookSinkOptions } from './webhook-sink-options.js';

export { DEFAULT_WEBHOOK_ACTIONS, WebhookDeliveryError, type WebhookBackoff, type WebhookSink, type WebhookSinkOptions };

const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Create a webhook sink. Call `start()` to deliver and `stop()` before the process exits.
 * @throws Error when `url` is not http(s), `name` is malformed, or a number option is out of range.
 * @example
 * const storage = new FsStorage({ root: './data' });
 * const sink = createWebhookSink({ url: 'https://hooks.example.com/registry', headers: { Authorization: `Bearer ${token}` }, storage });
 * const registry = createRegistry({ storage, hooks: combineHooks(myHooks, sink.hooks) });
 * sink.start();
 * process.once('SIGTERM', () => void sink.stop());
 */
export function createWebhookSink(options: WebhookSinkOptions): WebhookSink {
  return new Sink(options);
}

class Sink implements WebhookSink {
  readonly hooks: RegistryHooks;
  readonly #queue: EventQueue;
  readonly #owner = ulid();
  readonly #post: Omit<PostOptions, 'signal'>;
  readonly #maxAttempts: number;
  readonly #backoff: { readonly baseMs: number; readonly maxMs: number };
  readonly #batchSize: number;
  readonly #pollMs: number;
  readonly #claimTimeoutMs: number;
  readonly #wanted: (event: EnvelopeEvent) => boolean;
  readonly #envelope: { registryUrl?: string; source: EnvelopeSource };
  readonly #options: WebhookSinkOptions;
  #loop: Promise<void> | undefined;
  #stop = new AbortController();
  #woken = false;
  #wake: (() => void) | undefined;

  constructor(options: WebhookSinkOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`webhook url must be http or https, got ${url.protocol}`);
    const name = options.name ?? 'webhook';
    if (!ENDPOINT_NAME.test(name)) throw new Error(`webhook sink name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-'`);
    this.#options = options;
    const timeoutMs = positive('timeoutMs', options.timeoutMs, 10_000);
    this.#post = {
      url: url.href,
      timeoutMs,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
    this.#maxAttempts = positive('maxAttempts', options.maxAttempts, 10);
    const baseMs = positive('backoff.baseMs', options.backoff?.baseMs, 1_000);
    this.#backoff = { baseMs, maxMs: Math.max(baseMs, positive('backoff.maxMs', options.backoff?.maxMs, 300_000)) };
    this.#batchSize = positive('batchSize', options.batchSize, 50);
    this.#pollMs = positive('pollIntervalMs', options.pollIntervalMs, 5_000);
    this.#claimTimeoutMs = options.claimTimeoutMs ?? Math.max(60_000, 3 * timeoutMs);
    const filter = options.filter ?? DEFAULT_WEBHOOK_ACTIONS;
    this.#wanted = typeof filter === 'function' ? filter : (event) => filter.includes(event.action);
    this.#envelope = {
      ...(options.registryUrl ? { registryUrl: options.registryUrl } : {}),
      source: { ...(options.sourceAddr ? { addr: options.sourceAddr } : {}), instanceID: this.#owner },
    };
    this.#queue = new EventQueue(guard(options.storage), name, this.#owner);

    const hooks: Partial<Record<EventHook, (event: unknown) => Promise<void>>> = {};
    for (const hook of EVENT_HOOKS) hooks[hook] = (event) => this.#enqueue({ hook, event } as HookEvent);
    this.hooks = hooks as RegistryHooks;
  }

  start(): void {
    if (this.#loop) return;
    this.#stop = new AbortController();
    this.#loop = this.#run(this.#stop.signal);
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  async pending(): Promise<number> {
    const { queued, sending } = await this.#queue.count();
    return queued + sending;
  }

  deadLetters(): Promise<Array<{ id: string } & DeadLetter>> {
    return this.#queue.deadLetters();
  }

  async requeueDead(): Promise<number> {
    const moved = await this.#queue.requeueDead();
    if (moved > 0) this.#poke();
    return moved;
  }

  async #enqueue(input: HookEvent): Promise<void> {
    const events = toEnvelopeEvents(input, this.#envelope).filter(this.#wanted);
    if (events.length === 0) return;
    await this.#queue.enqueue(events);
    this.#poke();
  }

  async #run(stop: AbortSignal): Promise<void> {
    let backlog: QueuedEntry[] = [];
    let staleCheckedAt = Number.NEGATIVE_INFINITY;
    while (!stop.aborted) {
      try {
        this.#woken = false;
        const now = Date.now();
        if (now - staleCheckedAt >= this.#pollMs) {
          staleCheckedAt = now;
          // Between batches this loop holds no claim, so claims of its own are leftovers too.
          if ((await this.#queue.requeueStale(now, this.#claimTimeoutMs)) > 0) backlog = [];
        }
        if (backlog.length === 0) backlog = await this.#queue.waiting();
        const head = backlog[0];
        if (!head) {
          await this.#idle(this.#pollMs, stop);
          continue;
        }
        if (head.notBefore > now) {
          // New events queue up behind the head: only its backoff (or another process) can change anything.
          await this.#idle(Math.min(head.notBefore - now, this.#pollMs), stop, false);
          backlog = [];
          continue;
        }
        const batch: ClaimedEntry[] = [];
        let contended = false;
        for (let next = backlog[0]; next && next.notBefore <= now && batch.length < this.#batchSize; next = backlog[0]) {
          backlog.shift();
          const claimed = await this.#queue.claim(next, now);
          if (claimed) batch.push(claimed);
          else contended = true;
        }
        // Entries went back to the head, or another process is at work: look again.
        if (!(await this.#deliver(batch, stop)) || contended) backlog = [];
      } catch (error) {
        await this.#report(error);
        backlog = [];
        staleCheckedAt = Number.NEGATIVE_INFINITY; // a claim may be left behind: take it back next time
        await this.#idle(this.#pollMs, stop);
      }
    }
  }

  /** Send a claimed batch and settle each entry; false when entries went back to the queue. */
  async #deliver(batch: readonly ClaimedEntry[], stop: AbortSignal): Promise<boolean> {
    const held: Array<{ entry: ClaimedEntry; events: EnvelopeEvent[] }> = [];
    for (const entry of batch) {
      try {
        held.push({ entry, events: await this.#queue.read(entry) });
      } catch (error) {
        if (error instanceof PathNotFoundError) continue; // the claim was lost
        if (!(error instanceof CorruptEntryError)) throw error; // storage trouble: the loop reports it, the claim is taken back
        await this.#queue.bury(entry, entry.attempts, error.message, Date.now());
        await this.#report(error);
      }
    }
    if (held.length === 0) return true;
    const events = held.flatMap((h) => h.events);
    const outcome: Outcome = events.length === 0 ? { kind: 'delivered' } : await postEnvelope(events, { ...this.#post, signal: stop });
    if (outcome.kind === 'delivered') {
      for (const { entry } of held) await this.#queue.done(entry);
      return true;
    }
    if (outcome.kind === 'stopped') {
      for (const { entry } of held) await this.#queue.release(entry, entry.attempts, 0);
      return false;
    }
    const now = Date.now();
    const attempts = Math.max(...held.map((h) => h.entry.attempts)) + 1;
    const notBefore = now + retryDelay(attempts, this.#backoff, this.#options.random ?? Math.random, outcome.retryAfterMs);
    const buried: EnvelopeEvent[] = [];
    for (const { entry, events: entryEvents } of held) {
      const tries = entry.attempts + 1;
      if (!outcome.retry || tries >= this.#maxAttempts) {
        if (await this.#queue.bury(entry, tries, outcome.error, now)) buried.push(...entryEvents);
      } else {
        await this.#queue.release(entry, tries, notBefore);
      }
    }
    if (buried.length > 0) {
      const why = outcome.retry ? `after ${attempts} attempts` : 'refused by the endpoint';
      const message = `webhook ${this.#post.url}: gave up on ${buried.length} event(s) ${why}: ${outcome.error}`;
      await this.#report(
        new WebhookDeliveryError(
          message,
          outcome.status,
          attempts,
          buried.map((e) => e.id),
        ),
      );
    }
    return false;
  }

  /** Wait `ms`, or less when stopped or (`pokable`) when an event was queued. */
  #idle(ms: number, stop: AbortSignal, pokable = true): Promise<void> {
    if (stop.aborted || (pokable && this.#woken)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stop.removeEventListener('abort', done);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // An idle sink never keeps a process alive: the queue is durable.
      (timer as { unref?: () => void }).unref?.();
      stop.addEventListener('abort', done, { once: true });
      if (pokable) this.#wake = done;
    });
  }

  #poke(): void {
    this.#woken = true;
    this.#wake?.();
  }

  async #report(error: unknown): Promise<void> {
    try {
      await this.#options.onError?.(error, { hook: 'webhook' });
    } catch {
      // an error reporter that throws has nowhere left to report to
    }
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`webhook sink: ${name} must be a positive number, got ${value}`);
  return value;
}
