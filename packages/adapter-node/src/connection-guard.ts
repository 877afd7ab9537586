/**
 * Connection caps of an `http.Server`: a global one (Node's own `server.maxConnections`, which
 * closes a connection over it right after accepting it) and one per client address (counted
 * here, on `connection`). A refused connection costs an accept and a close, nothing more: it
 * never reaches the HTTP parser.
 *
 * When the global cap is hit, idle keep-alive connections are closed to make room (they are the
 * cheapest to give up: their clients reconnect). Running out of file descriptors (`EMFILE` on
 * accept) is survived: libuv then accepts and closes the pending connections itself, and Node
 * reports it as a server `error`, which is logged here rather than thrown.
 *
 * Refusals and errors are logged at most once per {@link NOTICE_INTERVAL_MS} per kind, with a
 * count, so a flood cannot flood the log.
 * @module
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { addressKey, type ResolvedServerLimits } from './server-limits.js';

/** Minimum time between two notices of the same kind. */
const NOTICE_INTERVAL_MS = 10_000;

/**
 * Installs the caps of `limits` on `server`.
 * @param notice receives one-line notices (time and address first, like access-log lines).
 */
export function guardConnections(server: Server, limits: ResolvedServerLimits, notice: ((line: string) => void) | undefined): void {
  const say = throttledNotices(notice);
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  let lastIdleSweep = 0;
  server.on('drop', (data?: { remoteAddress?: string }) => {
    say('server-cap', data?.remoteAddress, (n) => `refused ${n} connection(s): the server has ${limits.maxConnections} open (maxConnections); closing idle keep-alive connections`);
    // Walks every connection: at most once a second under a flood.
    if (Date.now() - lastIdleSweep >= 1_000) {
      lastIdleSweep = Date.now();
      server.closeIdleConnections();
    }
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    // Only errors after listening get here (serve() handles those before), e.g. accept() failing.
    const hint = error.code === 'EMFILE' || error.code === 'ENFILE' ? ': out of file descriptors; lower maxConnections or raise the open-file limit (ulimit -n)' : '';
    say(`error-${error.code ?? ''}`, undefined, (n) => `server error ${error.code ?? error.message} (${n}×)${hint}`);
  });

  const perAddress = limits.maxConnectionsPerAddress;
  if (perAddress === 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const key = addressKey(socket.remoteAddress ?? '');
    const count = open.get(key) ?? 0;
    if (count >= perAddress) {
      say('address-cap', socket.remoteAddress, (n) => `refused ${n} connection(s) from an address with ${perAddress} open, last from ${key} (maxConnectionsPerAddress)`);
      socket.destroy();
      return;
    }
    open.set(key, count + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
}

/** `say(kind, address, message)`: logs at once, then counts repeats and logs them once the interval is over. */
function throttledNotices(notice: ((line: string) => void) | undefined): (kind: string, address: string | undefined, message: (count: number) => string) => void {
  const pending = new Map<string, { count: number; address: string | undefined; message: (count: number) => string; timer: NodeJS.Timeout }>();
  const write = (address: string | undefined, text: string): void => {
    try {
      notice?.(`${new Date().toISOString()} ${address ?? '-'} ${text}`);
    } catch {
      // a broken logger must not take the server down
    }
  };
  return (kind, address, message) => {
    if (!notice) return;
    const entry = pending.get(kind);
    if (entry) {
      entry.count++;
      entry.address = address;
      entry.message = message;
      return;
    }
    write(address, message(1));
    const timer = setTimeout(() => {
      const last = pending.get(kind);
      pending.delete(kind);
      if (last && last.count > 0) write(last.address, last.message(last.count));
    }, NOTICE_INTERVAL_MS);
    timer.unref();
    pending.set(kind, { count: 0, address, message, timer });
  };
}
