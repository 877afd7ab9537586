/**
 * One access-log line per finished request, in a shape close to the Common Log Format:
 *
 * ```text
 * 2025-01-31T12:00:00.000Z 127.0.0.1 "PUT /v2/app/blobs/uploads/0f3a?digest=sha256:… HTTP/1.1" 201 - 48ms
 * ```
 *
 * The time is when the request arrived; the duration runs until the response was fully handed
 * to the kernel, or until the connection closed. The size is the `Content-Length` the app's
 * Response declared (never for HEAD, which sends no body), else `-`. A request whose
 * connection closed before any response header was sent logs the status `-`.
 *
 * A request that did not end normally says why in a quoted note at the end, on the same line
 * (an aborted or cut-off body is one line, never a stack trace):
 *
 * ```text
 * 2025-01-31T12:00:00.000Z 10.0.0.7 "POST /auth/token HTTP/1.1" 408 - 60013ms "request body too slow: 6 bytes in 60s"
 * 2025-01-31T12:00:00.000Z 10.0.0.8 "PATCH /v2/app/blobs/uploads/0f3a HTTP/1.1" - - 5120ms "connection closed early"
 * ```
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

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

/** The note of a request whose connection closed (the client left, or shutdown cut it) before its response was complete. */
export const CLIENT_CLOSED_NOTE = 'connection closed early';

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

/**
 * Calls `log` with one line once `outgoing` finishes or its connection closes, whichever
 * comes first.
 * @param log receives the formatted line; what it throws is swallowed, a broken logger must
 *   not take the server down.
 * @param declaredLength the `Content-Length` of the app's Response, once known. (Node does not
 *   expose headers given to `writeHead()` alone, so they cannot be read back from `outgoing`.)
 * @param cutOff why the server cut the request off (its body timed out), if it did; it then
 *   answered `408` itself unless a response had begun.
 */
export function logWhenDone(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  log: (line: string) => void,
  declaredLength: () => string | null | undefined,
  cutOff: () => string | undefined = () => undefined,
): void {
  const start = new Date();
  const t0 = performance.now();
  const remote = incoming.socket.remoteAddress;
  let logged = false;
  const done = (): void => {
    if (logged) return;
    logged = true;
    const header = declaredLength();
    const length = header ? Number(header) : NaN;
    const bytes = incoming.method !== 'HEAD' && Number.isSafeInteger(length) && length >= 0 ? length : undefined;
    const cut = cutOff();
    const status = outgoing.headersSent ? outgoing.statusCode : cut ? 408 : undefined;
    try {
      log(
        formatAccessLine({
          start,
          remote,
          method: incoming.method ?? '-',
          target: incoming.url ?? '-',
          httpVersion: incoming.httpVersion,
          status,
          bytes,
          durationMs: performance.now() - t0,
          note: cut ?? (outgoing.writableFinished ? undefined : CLIENT_CLOSED_NOTE),
        }),
      );
    } catch {
      // see @param log
    }
  };
  outgoing.once('finish', done);
  outgoing.once('close', done);
}
