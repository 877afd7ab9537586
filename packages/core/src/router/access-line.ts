/**
 * The access-log line both runtime adapters write, one per finished request, in a shape close to
 * the Common Log Format (one format, so logs read the same whichever runtime serves):
 *
 * ```text
 * 2025-01-31T12:00:00.000Z 127.0.0.1 "PUT /v2/app/blobs/uploads/0f3a?digest=sha256:… HTTP/1.1" 201 - 48ms
 * 2025-01-31T12:00:00.000Z 10.0.0.7 "POST /auth/token HTTP/1.1" 408 - 60013ms "request body too slow: 6 bytes in 60s"
 * ```
 * @module
 */

/** What {@link formatAccessLine} needs to know about one request. */
export interface AccessRecord {
  /** When the request arrived. */
  readonly start: Date;
  /** Peer address, or undefined when the socket was already gone. */
  readonly remote: string | undefined;
  readonly method: string;
  /** Path and query as sent by the client. */
  readonly target: string;
  /** e.g. `1.1`. */
  readonly httpVersion: string;
  /** Undefined when no response header was sent. */
  readonly status: number | undefined;
  /** Response body size, when known. */
  readonly bytes: number | undefined;
  readonly durationMs: number;
  /** Why the request did not end normally, when it did not. */
  readonly note?: string | undefined;
}

/**
 * Formats one access-log line (no trailing newline).
 * @example
 * formatAccessLine({ start, remote: '127.0.0.1', method: 'GET', target: '/v2/', httpVersion: '1.1',
 *   status: 200, bytes: 2, durationMs: 1.2 });
 * // → '2025-01-31T12:00:00.000Z 127.0.0.1 "GET /v2/ HTTP/1.1" 200 2 1ms'
 */
export function formatAccessLine(r: AccessRecord): string {
  const status = r.status === undefined ? '-' : String(r.status);
  const bytes = r.bytes === undefined ? '-' : String(r.bytes);
  const note = r.note === undefined ? '' : ` "${quotable(r.note)}"`;
  return `${r.start.toISOString()} ${r.remote ?? '-'} "${r.method} ${quotable(r.target)} HTTP/${r.httpVersion}" ${status} ${bytes} ${Math.round(r.durationMs)}ms${note}`;
}

/** Quotes and control characters would break the line apart for log parsers. */
function quotable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/["\\\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
