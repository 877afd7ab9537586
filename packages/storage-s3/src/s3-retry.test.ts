/**
 * Retries, errors and aborts, with a fake HTTP handler standing in for S3: no server needed.
 */
import { Readable } from 'node:stream';
import { PathNotFoundError } from '@wharf/core/storage';
import { describe, expect, it } from 'vitest';
import { S3StorageError } from './s3-errors.js';
import { S3Storage } from './s3-storage.js';
import { countRequests } from './request-counter.js';

interface Seen {
  method: string;
  path: string;
}

/** A request handler answering from a script: one status per attempt, then 200. */
function fakeS3(statuses: number[], seen: Seen[] = [], delayMs = 0) {
  const errorXml = (status: number) =>
    status === 503
      ? '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'
      : status === 404
        ? '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>'
        : '<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>';
  return {
    async handle(request: { method: string; path: string }, options?: { abortSignal?: AbortSignal }) {
      seen.push({ method: request.method, path: request.path });
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      options?.abortSignal?.throwIfAborted();
      const status = statuses.shift() ?? 200;
      const body = status === 200 ? 'hello' : errorXml(status);
      return {
        response: {
          statusCode: status,
          reason: '',
          headers: { 'content-length': String(body.length), etag: '"e"', ...(status === 200 ? {} : { 'content-type': 'application/xml' }) },
          body: Readable.from([Buffer.from(body)]),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
}

const storage = (handler: ReturnType<typeof fakeS3>, maxAttempts = 4) =>
  new S3Storage({
    bucket: 'b',
    endpoint: 'http://s3.invalid',
    region: 'us-east-1',
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    maxAttempts,
    clientConfig: { requestHandler: handler as never },
  });

describe('S3Storage retries', () => {
  it('should retry throttling (503 SlowDown) and 5xx with backoff, then succeed', async () => {
    const seen: Seen[] = [];
    const s3 = storage(fakeS3([503, 500, 503], seen));
    const counter = countRequests(s3.client);
    const started = Date.now();
    const bytes = await s3.getContent('/a/file');
    expect(new TextDecoder().decode(bytes)).toBe('hello');
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(Array(4).fill('GET /b/a/file'));
    expect(counter.total).toBe(4);
    expect(counter.byOperation).toEqual({ GetObject: 4 });
    // exponential backoff with jitter: some waiting happened
    expect(Date.now() - started).toBeGreaterThan(50);
  });

  it('should give up after maxAttempts with an S3StorageError carrying the status and code', async () => {
    const seen: Seen[] = [];
    const s3 = storage(fakeS3([500, 500, 500], seen), 3);
    const error = await s3.putContent('/a', new Uint8Array(3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3StorageError);
    expect(error).toMatchObject({ status: 500, code: 'InternalError' });
    expect((error as Error).message).toMatch(/PutObject .*a: 500 InternalError/);
    expect(seen).toHaveLength(3);
  });

  it('should not retry a 404 and report it as PathNotFoundError', async () => {
    const seen: Seen[] = [];
    const s3 = storage(fakeS3([404], seen));
    await expect(s3.getContent('/missing')).rejects.toBeInstanceOf(PathNotFoundError);
    expect(seen).toHaveLength(1);
  });

  it("should stop retrying when the signal fires and reject with the signal's reason", async () => {
    const seen: Seen[] = [];
    const s3 = storage(fakeS3([503, 503, 503, 503], seen, 20), 10);
    const reason = new Error('client went away');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 60);
    await expect(s3.getContent('/slow', { signal: controller.signal })).rejects.toBe(reason);
    const attempts = seen.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.length).toBe(attempts);
  });
});
