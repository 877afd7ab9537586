/**
 * The options and public face of a webhook sink (webhook-sink.ts), and the error it reports
 * when it gives events up.
 * @module
 */
import type { RegistryHooks } from '../hooks.js';
import type { StorageDriver } from '../storage/driver.js';
import type { EnvelopeAction, EnvelopeEvent } from './envelope.js';
import type { DeadLetter } from './webhook-queue.js';

/** Sent unless the filter says otherwise: everything but `pull`, which is by far the most frequent. */
export const DEFAULT_WEBHOOK_ACTIONS: readonly EnvelopeAction[] = ['push', 'delete', 'mount', 'rename', 'cleanup', 'gc'];

export interface WebhookBackoff {
  /** Delay after the first failed attempt, in ms (default 1 000); doubles with each further one. */
  readonly baseMs?: number;
  /** Longest delay, in ms (default 300 000, five minutes); caps `Retry-After` too. */
  readonly maxMs?: number;
}

export interface WebhookSinkOptions {
  /** Where to POST the envelopes (http or https). */
  readonly url: string;
  /** Extra request headers, e.g. `{ Authorization: 'Bearer …' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Holds the queue: the registry's storage, so every process that serves it shares it. */
  readonly storage: StorageDriver;
  /**
   * Names the queue (`_events/<name>/`; default `webhook`): sinks for different endpoints
   * need different names; processes delivering to the same endpoint use the same one.
   * Letters, digits, `.`, `_` and `-`, starting with a letter or digit.
   */
  readonly name?: string;
  /** Timeout of one POST in ms (default 10 000). */
  readonly timeoutMs?: number;
  /** Attempts per event before it goes to the dead letters (default 10: about 4 to 9 minutes with the default backoff). */
  readonly maxAttempts?: number;
  readonly backoff?: WebhookBackoff;
  /** Most queue entries (hook events) per POST (default 50). */
  readonly batchSize?: number;
  /**
   * Which events to send: a list of actions (default {@link DEFAULT_WEBHOOK_ACTIONS}: all but
   * `pull`), or a predicate over each envelope event.
   */
  readonly filter?: readonly EnvelopeAction[] | ((event: EnvelopeEvent) => boolean);
  /** The registry's public URL, for the targets' `url` (see envelope.ts). */
  readonly registryUrl?: string;
  /** `source.addr` of the events (e.g. `host:port` of this node). */
  readonly sourceAddr?: string;
  /** How often an idle sink looks for entries other processes queued or abandoned, in ms (default 5 000). */
  readonly pollIntervalMs?: number;
  /** A claim older than this is taken to be abandoned, in ms (default: the larger of 60 000 and three `timeoutMs`). */
  readonly claimTimeoutMs?: number;
  /** Told about dead letters and storage errors of the delivery loop. Default: nothing. */
  readonly onError?: (error: unknown, context: { readonly hook?: string }) => unknown;
  /** The fetch to POST with (default: the global one). */
  readonly fetch?: typeof fetch;
  /** Jitter source in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

export interface WebhookSink {
  /** Event hooks that queue events; add them with `combineHooks(yourHooks, sink.hooks)`. They queue whether or not delivery runs. */
  readonly hooks: RegistryHooks;
  /** Start delivering (idempotent). */
  start(): void;
  /**
   * Stop delivering: aborts a POST in flight (its events go back to the queue, the attempt not
   * counted, so the endpoint may see them twice) and resolves once the loop has ended.
   */
  stop(): Promise<void>;
  /** Queue entries not yet delivered (waiting or being sent, by any process); dead letters excluded. */
  pending(): Promise<number>;
  /** Entries given up on, oldest first, with the last error. */
  deadLetters(): Promise<Array<{ id: string } & DeadLetter>>;
  /** Queue the dead letters again with fresh attempts; returns how many. */
  requeueDead(): Promise<number>;
}

/** Reported to `onError` when events are given up on (moved to the dead letters). */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
  constructor(
    message: string,
    /** HTTP status of the last attempt, or `null` for a network error or timeout. */
    readonly status: number | null,
    /** Attempts made. */
    readonly attempts: number,
    /** Ids of the envelope events given up on. */
    readonly eventIds: readonly string[],
  ) {
    super(message);
  }
}
