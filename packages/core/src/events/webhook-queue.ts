/**
 * A webhook sink's durable queue in storage, shared by every process that uses the same
 * storage and endpoint name. Each entry is one file holding `{"events":[…]}` (the envelope
 * events of one hook event); its state is in its name, so every step is one `move`, which the
 * driver contract makes atomic:
 *
 * ```text
 * queue/<id>.<attempts>.<notBefore>  ── claim ──▶  sending/<id>.<attempts>.<owner>.<claimedAt>
 *        ▲                                            │ 2xx: delete
 *        └──── release (attempts+1, notBefore) ◀──────┤ failure: back, not before the backoff
 *                                                     └ last attempt, or refused: dead/<id>
 * ```
 *
 * `<id>` is a ULID, so names sort in enqueue order (strictly within a process, by millisecond
 * across processes). Two processes claiming the same entry both try the same move; one wins and
 * the other sees the file gone. A claim whose owner died stays in `sending/` until it is older
 * than the claim timeout, then any process moves it back ({@link EventQueue.requeueStale}).
 * @module
 */
import { monotonicFactory } from 'ulid';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { listOrEmpty, notFoundAs } from '../storage/not-found.js';
import { baseName, pathFor } from '../storage/paths.js';
import type { EnvelopeEvent } from './envelope.js';

/** An entry waiting in `queue/`. */
export interface QueuedEntry {
  readonly id: string;
  /** Failed attempts so far. */
  readonly attempts: number;
  /** Epoch ms before which it must not be sent (0: at once). */
  readonly notBefore: number;
  readonly file: string;
}

/** An entry this process claimed (moved to `sending/`). */
export interface ClaimedEntry {
  readonly id: string;
  readonly attempts: number;
  readonly file: string;
}

/** A dead letter: events given up on, and why. */
export interface DeadLetter {
  readonly events: readonly EnvelopeEvent[];
  readonly attempts: number;
  readonly error: string;
  readonly diedAt: string;
  /** The entry's content when it was not readable JSON. */
  readonly raw?: string;
}

/** A queue entry that is not the JSON the queue writes: it can never be sent. */
export class CorruptEntryError extends Error {
  override readonly name = 'CorruptEntryError';
}

const QUEUED = /^([0-9A-HJKMNP-TV-Z]{26})\.(\d+)\.(\d+)$/;
const SENDING = /^([0-9A-HJKMNP-TV-Z]{26})\.(\d+)\.([0-9A-Za-z]+)\.(\d+)$/;
const DEAD = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class EventQueue {
  readonly #newId = monotonicFactory();

  /**
   * @param driver the storage (already guarded).
   * @param endpoint the queue's name under `_events/`.
   * @param owner this process's claim mark: letters and digits.
   */
  constructor(
    private readonly driver: StorageDriver,
    private readonly endpoint: string,
    private readonly owner: string,
  ) {}

  /** Store events durably as one entry; resolves once they survive a crash. */
  async enqueue(events: readonly EnvelopeEvent[]): Promise<void> {
    const file = `${this.#newId()}.0.0`;
    await this.driver.putContent(
      pathFor({ kind: 'eventQueued', endpoint: this.endpoint, file }),
      encoder.encode(JSON.stringify({ events })),
    );
  }

  /** Every waiting entry, oldest first. */
  async waiting(): Promise<QueuedEntry[]> {
    const entries: QueuedEntry[] = [];
    for (const file of await this.#list(pathFor({ kind: 'eventQueueDir', endpoint: this.endpoint }))) {
      const m = QUEUED.exec(file);
      if (m) entries.push({ id: m[1] as string, attempts: Number(m[2]), notBefore: Number(m[3]), file });
    }
    return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Claim an entry; `null` when another process took it first. */
  async claim(entry: QueuedEntry, now: number): Promise<ClaimedEntry | null> {
    const file = `${entry.id}.${entry.attempts}.${this.owner}.${now}`;
    const moved = await this.#move(
      pathFor({ kind: 'eventQueued', endpoint: this.endpoint, file: entry.file }),
      pathFor({ kind: 'eventSending', endpoint: this.endpoint, file }),
    );
    return moved ? { id: entry.id, attempts: entry.attempts, file } : null;
  }

  /** The events of a claimed entry. */
  async read(entry: ClaimedEntry): Promise<EnvelopeEvent[]> {
    const bytes = await this.driver.getContent(this.#sending(entry));
    let parsed: { events?: unknown } | null;
    try {
      parsed = JSON.parse(decoder.decode(bytes)) as { events?: unknown } | null;
    } catch (error) {
      throw new CorruptEntryError(`queue entry ${entry.id} is not JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed?.events)) throw new CorruptEntryError(`queue entry ${entry.id} holds no events`);
    return parsed.events as EnvelopeEvent[];
  }

  /** Delivered: forget it. False when the claim was lost (taken back as stale). */
  async done(entry: ClaimedEntry): Promise<boolean> {
    return this.driver.delete(this.#sending(entry)).then(() => true, notFoundAs(false));
  }

  /** Put a claimed entry back in the queue with its new attempt count and earliest send time. */
  release(entry: ClaimedEntry, attempts: number, notBefore: number): Promise<boolean> {
    const file = `${entry.id}.${attempts}.${Math.max(0, Math.ceil(notBefore))}`;
    return this.#move(this.#sending(entry), pathFor({ kind: 'eventQueued', endpoint: this.endpoint, file }));
  }

  /** Give up on a claimed entry: move it to `dead/` with the reason. False when the claim was lost. */
  async bury(entry: ClaimedEntry, attempts: number, error: string, now: number): Promise<boolean> {
    const dead = pathFor({ kind: 'eventDead', endpoint: this.endpoint, file: entry.id });
    if (!(await this.#move(this.#sending(entry), dead))) return false;
    const raw = decoder.decode(await this.driver.getContent(dead));
    let events: EnvelopeEvent[] | undefined;
    try {
      events = (JSON.parse(raw) as { events?: EnvelopeEvent[] } | null)?.events;
    } catch {
      // kept as `raw` below
    }
    const diedAt = new Date(now).toISOString();
    const letter: DeadLetter = Array.isArray(events) ? { events, attempts, error, diedAt } : { events: [], attempts, error, diedAt, raw };
    await this.driver.putContent(dead, encoder.encode(JSON.stringify(letter)));
    return true;
  }

  /**
   * Move claims older than `timeoutMs` (their owner died or hung) back to the queue, and every
   * claim of this owner: call it only while this process holds no claim.
   */
  async requeueStale(now: number, timeoutMs: number): Promise<number> {
    let moved = 0;
    for (const file of await this.#list(pathFor({ kind: 'eventSendingDir', endpoint: this.endpoint }))) {
      const m = SENDING.exec(file);
      if (!m || (m[3] !== this.owner && now - Number(m[4]) <= timeoutMs)) continue;
      const entry: ClaimedEntry = { id: m[1] as string, attempts: Number(m[2]), file };
      if (await this.release(entry, entry.attempts, 0)) moved++;
    }
    return moved;
  }

  /** Entries waiting or being sent (by any process), and dead letters. */
  async count(): Promise<{ queued: number; sending: number; dead: number }> {
    const [queued, sending, dead] = await Promise.all([
      this.#list(pathFor({ kind: 'eventQueueDir', endpoint: this.endpoint })),
      this.#list(pathFor({ kind: 'eventSendingDir', endpoint: this.endpoint })),
      this.#list(pathFor({ kind: 'eventDeadDir', endpoint: this.endpoint })),
    ]);
    return {
      queued: queued.filter((f) => QUEUED.test(f)).length,
      sending: sending.filter((f) => SENDING.test(f)).length,
      dead: dead.filter((f) => DEAD.test(f)).length,
    };
  }

  /** The dead letters, oldest first. */
  async deadLetters(): Promise<Array<{ id: string } & DeadLetter>> {
    const out: Array<{ id: string } & DeadLetter> = [];
    for (const id of (await this.#list(pathFor({ kind: 'eventDeadDir', endpoint: this.endpoint }))).filter((f) => DEAD.test(f)).sort()) {
      let raw: string;
      try {
        raw = decoder.decode(await this.driver.getContent(pathFor({ kind: 'eventDead', endpoint: this.endpoint, file: id })));
      } catch (error) {
        if (error instanceof PathNotFoundError) continue;
        throw error;
      }
      try {
        const letter = JSON.parse(raw) as Partial<DeadLetter>;
        out.push({
          id,
          events: letter.events ?? [],
          attempts: letter.attempts ?? 0,
          error: letter.error ?? '',
          diedAt: letter.diedAt ?? '',
          ...(letter.raw !== undefined ? { raw: letter.raw } : {}),
        });
      } catch {
        out.push({ id, events: [], attempts: 0, error: 'unreadable dead letter', diedAt: '', raw });
      }
    }
    return out;
  }

  /** Queue every dead letter again, attempts reset; returns how many. */
  async requeueDead(): Promise<number> {
    let moved = 0;
    for (const id of (await this.#list(pathFor({ kind: 'eventDeadDir', endpoint: this.endpoint }))).filter((f) => DEAD.test(f))) {
      // a dead letter holds `events` too, so it is a queue entry as it is
      const dead = pathFor({ kind: 'eventDead', endpoint: this.endpoint, file: id });
      if (await this.#move(dead, pathFor({ kind: 'eventQueued', endpoint: this.endpoint, file: `${id}.0.0` }))) moved++;
    }
    return moved;
  }

  #sending(entry: ClaimedEntry): string {
    return pathFor({ kind: 'eventSending', endpoint: this.endpoint, file: entry.file });
  }

  async #list(dir: string): Promise<string[]> {
    return (await listOrEmpty(this.driver, dir)).map(baseName);
  }

  /** Move; false when the source is gone (someone else moved it first). */
  #move(from: string, to: string): Promise<boolean> {
    return this.driver.move(from, to).then(() => true, notFoundAs(false));
  }
}
