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
import { formatAccessLine } from '@wharf/core';

/** The note of a request whose connection closed (the client left, or shutdown cut it) before its response was complete. */
export const CLIENT_CLOSED_NOTE = 'connection closed early';



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
