/**
 * A webhook endpoint for tests: a real HTTP server on 127.0.0.1 that records every request and
 * answers as the test says (a status, a dropped connection, or no answer until released).
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EnvelopeEvent } from '../events/envelope.js';

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly events: EnvelopeEvent[];
  /** `Date.now()` when the body had arrived. */
  readonly at: number;
  /** The answer's status, once answered (undefined while hanging, 0 when dropped). */
  status?: number;
}

/** `drop`: destroy the connection (a network error); `hang`: answer only on {@link Receiver.release}. */
export type Answer = number | { readonly status: number; readonly headers?: Record<string, string> } | 'drop' | 'hang';

export class Receiver {
  readonly received: Received[] = [];
  /** How requests are answered; `n` counts from 0. Default: 200. */
  answer: (request: Received, n: number) => Answer = () => 200;
  readonly #server: Server;
  readonly #hanging = new Map<ServerResponse, Received>();
  #inFlight = 0;
  #maxInFlight = 0;
  url = '';

  private constructor() {
    this.#server = createServer((req, res) => {
      this.#inFlight++;
      this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight);
      res.once('close', () => {
        this.#inFlight--;
        this.#hanging.delete(res);
      });
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: EnvelopeEvent[] };
        const request: Received = { headers: req.headers, events: body.events, at: Date.now() };
        this.received.push(request);
        const answer = this.answer(request, this.received.length - 1);
        if (answer === 'drop') {
          request.status = 0;
          req.socket.destroy();
        } else if (answer === 'hang') {
          this.#hanging.set(res, request);
        } else {
          const { status, headers = {} } = typeof answer === 'number' ? { status: answer } : answer;
          request.status = status;
          res.writeHead(status, headers).end();
        }
      });
    });
  }

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.#server.address() as AddressInfo).port}/events`;
    return receiver;
  }

  /** Requests being answered right now, and the most there ever were at once. */
  get inFlight(): number {
    return this.#inFlight;
  }
  get maxInFlight(): number {
    return this.#maxInFlight;
  }

  /** Events of the requests answered with a 2xx, in arrival order. */
  delivered(): EnvelopeEvent[] {
    return this.received.filter((r) => r.status !== undefined && r.status >= 200 && r.status < 300).flatMap((r) => r.events);
  }

  /** Answer every hanging request with `status`. */
  release(status = 200): void {
    for (const [res, request] of this.#hanging) {
      request.status = status;
      res.writeHead(status).end();
    }
    this.#hanging.clear();
  }

  async close(): Promise<void> {
    for (const res of this.#hanging.keys()) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Poll until `condition` holds; rejects after `timeoutMs` (generous: a guard against hangs, not a speed check). */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
