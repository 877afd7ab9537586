/**
 * Count the HTTP requests an S3 client sends, by operation, retries included: a middleware in
 * the `deserialize` step, which runs once per attempt (the retry middleware sits above it).
 * @module
 */
import type { S3Client } from '@aws-sdk/client-s3';

/** Requests counted so far. */
export interface RequestCounter {
  /** All requests since the counter was made or last reset. */
  readonly total: number;
  /** Requests per operation (`GetObject`, `HeadObject`, …). */
  readonly byOperation: Readonly<Record<string, number>>;
  reset(): void;
  /** Stop counting (removes the middleware). */
  remove(): void;
}

/**
 * Start counting the requests `client` sends.
 * @example
 * const counter = countRequests(storage.client);
 * await fetch(`${registry}/v2/team/app/blobs/${digest}`);
 * console.log(counter.total, counter.byOperation); // 2 { HeadObject: 1, GetObject: 1 }
 */
export function countRequests(client: S3Client): RequestCounter {
  let total = 0;
  let byOperation: Record<string, number> = {};
  const name = `wharfRequestCounter${Math.random().toString(36).slice(2)}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      total++;
      const op = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      byOperation[op] = (byOperation[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'deserialize', name, priority: 'low' },
  );
  return {
    get total() {
      return total;
    },
    get byOperation() {
      return byOperation;
    },
    reset() {
      total = 0;
      byOperation = {};
    },
    remove() {
      client.middlewareStack.remove(name);
    },
  };
}
