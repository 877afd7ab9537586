/**
 * Answers connections the HTTP parser rejects, and in particular a TLS handshake sent to the
 * plain-HTTP port.
 *
 * Docker (`docker manifest push --insecure`, and the daemon for registries marked insecure)
 * tries HTTPS first and falls back to plain HTTP only when the server's first bytes look like an
 * HTTP response ("http: server gave HTTP response to HTTPS client"); a connection closed in
 * silence makes it give up. Go's net/http answers a ClientHello with `400 Bad Request` for this
 * reason, and so does this handler, with a body saying what went wrong.
 *
 * The first byte of a TLS connection is 0x16 (a handshake record), which is not a valid first
 * byte of an HTTP method, so Node's parser fails on it at once and emits `clientError` with the
 * bytes it rejected in `err.rawPacket`. Peeking there, rather than in a `net.Server` placed in
 * front of the HTTP server, leaves every socket with the HTTP server from its first byte: the
 * header timeout, connection tracking for shutdown and the parser's native read path all apply
 * unchanged, and no buffered byte has to be handed back.
 *
 * Other parser errors get what Node sends when no `clientError` listener exists.
 * @module
 */
import type { Socket } from 'node:net';

/** First byte of a TLS record carrying a handshake message (RFC 8446 §5.1). */
const TLS_HANDSHAKE = 0x16;

/** The body sent to a TLS client on the plain-HTTP port. */
export const TLS_ON_PLAIN_HTTP_MESSAGE =
  'This port speaks plain HTTP, not HTTPS: use an http:// URL (Docker: mark the registry insecure).\n';

function reply(status: string, body = ''): string {
  const type = body ? 'Content-Type: text/plain; charset=utf-8\r\n' : '';
  return `HTTP/1.1 ${status}\r\n${type}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

const RESPONSES: Record<string, string> = {
  HPE_HEADER_OVERFLOW: reply('431 Request Header Fields Too Large'),
  HPE_CHUNK_EXTENSIONS_OVERFLOW: reply('413 Payload Too Large'),
  ERR_HTTP_REQUEST_TIMEOUT: reply('408 Request Timeout'),
};
const BAD_REQUEST = reply('400 Bad Request');
const TLS_ON_PLAIN_HTTP = reply('400 Bad Request', TLS_ON_PLAIN_HTTP_MESSAGE);

/** The error Node passes to `clientError`. */
interface ClientError extends Error {
  code?: string;
  rawPacket?: Buffer;
}

/** True when `packet` starts like a TLS handshake record. */
export function isTlsHandshake(packet: Uint8Array | undefined): boolean {
  return packet !== undefined && packet[0] === TLS_HANDSHAKE;
}

/**
 * A `clientError` listener for an `http.Server`: writes a final response when nothing of one
 * has been sent on the socket yet, then destroys the socket.
 * @example
 * httpServer.on('clientError', onClientError);
 */
export function onClientError(err: ClientError, socket: Socket): void {
  // A response in progress owns the socket's byte stream; writing now would corrupt it.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const tls = err.code === 'HPE_INVALID_METHOD' && isTlsHandshake(err.rawPacket);
    socket.end(tls ? TLS_ON_PLAIN_HTTP : (RESPONSES[err.code ?? ''] ?? BAD_REQUEST));
    // end() flushes first; a peer that never reads must not keep the socket forever.
    setTimeout(() => socket.destroy(), 1000).unref();
    return;
  }
  socket.destroy();
}
