/**
 * Cuts request bodies that stop coming, or come too slowly, while the server waits for them.
 *
 * Node's own `requestTimeout` bounds the whole request, which no fixed value fits for registry
 * uploads (a 10 GiB layer at 300 KB/s takes ten hours). This checks progress instead: one timer
 * per server samples each body-receiving socket's `bytesRead` a few times per window, and adds
 * the time since the last sample to the body's waiting time only while the socket is not paused.
 * Node pauses it when the request stream's buffer is full, i.e. when the app is not reading (busy
 * writing to slow storage, still checking credentials, …): then the client owes nothing, and that
 * time is not held against it, nor is time this process itself was stalled (a late sample counts as
 * at most two sampling intervals). Each {@link BodyWatchdogOptions.windowMs} of waiting must bring
 * `minBytesPerSecond` × window bytes, and a whole window without a single byte fails at once.
 *
 * A body that fails is cut like Node cuts a slow request head: `408 Request Timeout` with
 * `Connection: close` when no response has begun (else the connection is just closed), then the
 * socket is destroyed, which errors the body stream the app reads (and aborts `request.signal`),
 * so the app lets go of the request and its buffers.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { onClientError } from './client-error.js';

export interface BodyWatchdogOptions {
  /** Length of a check window in ms; 0 turns the watchdog off. */
  readonly windowMs: number;
  /** Minimum average rate over a window of waiting, in bytes/s. */
  readonly minBytesPerSecond: number;
  /** Called when a body is cut, before its socket is closed. */
  readonly onCut?: (outgoing: ServerResponse, why: string) => void;
}

interface Watch {
  readonly incoming: IncomingMessage;
  readonly outgoing: ServerResponse;
  readonly socket: Socket;
  /** `bytesRead` at the last sample, and at the start of the current window. */
  lastBytes: number;
  windowBytes: number;
  /** Waiting time (ms) in the current window, and since the last byte. */
  waited: number;
  idle: number;
  lastSample: number;
}

/** True when `incoming` announces a body: a positive `Content-Length` or a `Transfer-Encoding`. */
export function expectsBody(incoming: IncomingMessage): boolean {
  if (incoming.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(incoming.headers['content-length'] ?? 0);
  return length > 0 || Number.isNaN(length);
}

/** Watches request bodies of one server; see the module doc. */
export class BodyWatchdog {
  readonly #options: BodyWatchdogOptions;
  readonly #watched = new Set<Watch>();
  readonly #tickMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: BodyWatchdogOptions) {
    this.#options = options;
    // A few samples per window: a cut comes at most about a tenth of a window late.
    this.#tickMs = Math.min(1_000, Math.max(50, Math.floor(options.windowMs / 10)));
  }

  /** Starts watching the body of `incoming`, when it has one still to come; stops by itself. */
  watch(incoming: IncomingMessage, outgoing: ServerResponse): void {
    if (this.#options.windowMs <= 0 || incoming.complete || !expectsBody(incoming)) return;
    const socket = incoming.socket;
    const bytes = socket.bytesRead;
    const watch: Watch = { incoming, outgoing, socket, lastBytes: bytes, windowBytes: bytes, waited: 0, idle: 0, lastSample: performance.now() };
    this.#watched.add(watch);
    const stop = (): void => {
      this.#watched.delete(watch);
      if (this.#watched.size === 0) this.#stopTimer();
    };
    incoming.once('end', stop);
    incoming.once('close', stop);
    // Once answered, the rest of the body is Node's and the bridge's to drain or drop.
    outgoing.once('finish', stop);
    outgoing.once('close', stop);
    this.#timer ??= setInterval(() => this.#sample(), this.#tickMs).unref();
  }

  /** Stops the timer; bodies being watched are no longer checked. */
  close(): void {
    this.#watched.clear();
    this.#stopTimer();
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sample(): void {
    const now = performance.now();
    const { windowMs, minBytesPerSecond } = this.#options;
    for (const w of this.#watched) {
      // A late sample means this process was stalled (and not reading): not the client's time.
      const elapsed = Math.min(now - w.lastSample, 2 * this.#tickMs);
      w.lastSample = now;
      const bytes = w.socket.bytesRead;
      if (bytes !== w.lastBytes) {
        w.lastBytes = bytes;
        w.idle = 0;
      }
      if (w.incoming.complete || w.socket.destroyed) continue;
      if (w.socket.isPaused()) continue;
      w.waited += elapsed;
      w.idle += elapsed;
      if (w.idle >= windowMs) {
        this.#cut(w, `no request body bytes for ${Math.round(w.idle / 1000)}s`);
        continue;
      }
      if (w.waited < windowMs) continue;
      const got = bytes - w.windowBytes;
      if (got < (minBytesPerSecond * w.waited) / 1000) {
        this.#cut(w, `request body too slow: ${got} bytes in ${Math.round(w.waited / 1000)}s`);
        continue;
      }
      w.windowBytes = bytes;
      w.waited = 0;
    }
  }

  #cut(w: Watch, why: string): void {
    this.#watched.delete(w);
    if (this.#watched.size === 0) this.#stopTimer();
    this.#options.onCut?.(w.outgoing, why);
    onClientError(Object.assign(new Error(why), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), w.socket);
  }
}
