/**
 * The persisted part of an upload session, and the in-process digest checkpoints that let a
 * session continue without re-reading its bytes.
 * @module
 */
import { z } from 'zod';
import { DIGEST_ALGORITHMS, type Digester, type DigestAlgorithm } from '../digest.js';

/** Upload ids are UUIDs we issue; anything else in a URL is an unknown upload. */
export const UPLOAD_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

export const uploadStateSchema = z.object({
  id: z.string().regex(UPLOAD_ID_PATTERN),
  name: z.string(),
  algorithm: z.enum(Object.keys(DIGEST_ALGORITHMS) as [DigestAlgorithm, ...DigestAlgorithm[]]),
  /** True when the client chose the algorithm (`digest-algorithm=`); otherwise the closing digest may pick it. */
  explicitAlgorithm: z.boolean(),
  startedAt: z.string(),
});

/** What is stored in `_uploads/<id>/state`. */
export type UploadState = z.infer<typeof uploadStateSchema>;

interface Checkpoint {
  readonly digester: Digester;
}

/**
 * Digest state of uploads this process is serving, keyed by upload. A checkpoint is trusted
 * only when its byte count equals the size storage reports, so an upload that moved on in
 * another process is re-digested instead of silently mis-hashed.
 */
export class DigestCheckpoints {
  readonly #entries = new Map<string, Checkpoint>();

  constructor(private readonly capacity = 10_000) {}

  get(key: string, size: number, algorithm: DigestAlgorithm): Digester | null {
    const entry = this.#entries.get(key);
    if (!entry || entry.digester.size !== size || entry.digester.algorithm !== algorithm) return null;
    return entry.digester;
  }

  set(key: string, digester: Digester): void {
    this.#entries.delete(key);
    this.#entries.set(key, { digester });
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

/**
 * Runs tasks for one key one after another, so two requests for the same upload never write
 * at once within this process.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => {});
    this.#tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
