/**
 * One delivery attempt of a webhook sink, and the retry schedule: what a POST's answer means
 * (delivered, retry later, or refused for good) and how long to wait before the next attempt.
 * @module
 */
import { EVENTS_MEDIA_TYPE, type EnvelopeEvent } from './envelope.js';

/** How an attempt ended. */
export type Outcome =
  | { readonly kind: 'delivered' }
  /** The sink is stopping: not an attempt, the events go back as they were. */
  | { readonly kind: 'stopped' }
  | {
      readonly kind: 'failed';
      /** False when the endpoint refused the events (a 4xx but 408 and 429): sending again would not help. */
      readonly retry: boolean;
      /** The answer's status, `null` for a network error or timeout. */
      readonly status: number | null;
      readonly error: string;
      /** What `Retry-After` asked for, in ms. */
      readonly retryAfterMs?: number;
    };

export interface PostOptions {
  readonly url: string;
  /** Extra headers; `Content-Type` defaults to {@link EVENTS_MEDIA_TYPE}. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Aborting it (the sink stops) ends the attempt as `stopped`. */
  readonly signal: AbortSignal;
  readonly fetch?: typeof fetch;
}

/** Request headers for every POST: the envelope's media type, then the caller's own. */
export function envelopeHeaders(extra: Readonly<Record<string, string>> = {}): Headers {
  const headers = new Headers({ 'content-type': EVENTS_MEDIA_TYPE });
  for (const [key, value] of Object.entries(extra)) headers.set(key, value);
  return headers;
}

/** POST `{ events }` once. Never throws: every way it can end is an {@link Outcome}. */
export async function postEnvelope(events: readonly EnvelopeEvent[], options: PostOptions): Promise<Outcome> {
  if (options.signal.aborted) return { kind: 'stopped' };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onStop = () => controller.abort();
  options.signal.addEventListener('abort', onStop, { once: true });
  try {
    const response = await (options.fetch ?? fetch)(options.url, {
      method: 'POST',
      headers: envelopeHeaders(options.headers),
      body: JSON.stringify({ events }),
      signal: controller.signal,
    });
    await response.body?.cancel().catch(() => {});
    if (response.ok) return { kind: 'delivered' };
    const status = response.status;
    const retry = status < 400 || status >= 500 || status === 408 || status === 429;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    return { kind: 'failed', retry, status, error: `HTTP ${status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  } catch (error) {
    if (options.signal.aborted && !timedOut) return { kind: 'stopped' };
    return {
      kind: 'failed',
      retry: true,
      status: null,
      error: timedOut ? `no answer within ${options.timeoutMs} ms` : describeError(error),
    };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onStop);
  }
}

/**
 * The delay before attempt `attempts + 1`: `baseMs · 2^(attempts−1)`, capped at `maxMs`, of which
 * a random half is taken off ("equal jitter"), so retries from many processes spread out; at
 * least `retryAfterMs` (capped at `maxMs` too) when the endpoint sent `Retry-After`.
 * @example
 * retryDelay(3, { baseMs: 1000, maxMs: 300_000 }, Math.random); // 2000 to 4000
 */
export function retryDelay(
  attempts: number,
  backoff: { baseMs: number; maxMs: number },
  random: () => number,
  retryAfterMs?: number,
): number {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, backoff.maxMs));
}

/** `Retry-After` in ms: delay-seconds or an HTTP date; undefined when absent or malformed. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** An error's message with its cause's (fetch hides the reason in `cause`). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
