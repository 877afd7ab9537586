/**
 * The client address of a request this adapter serves, the Hono way: `getConnInfo(c)` as in
 * `hono/bun`, which reads Bun's server from the Hono env (`c.env.server`, see `BunEnv`) and
 * asks it for the request's peer.
 *
 * Written here rather than re-exported: importing `hono/bun` touches the `Bun` global at load
 * time, and this package must import under Node (for types, and so that Node never fails on it).
 * @module
 */
import type { Context } from 'hono';
import type { AddressType, GetConnInfo } from 'hono/conninfo';
import type { BunServer } from './bun-types.js';

/**
 * @returns the peer of `c.req.raw` (`remote.address` undefined once its socket is gone).
 * @throws TypeError when the Hono env carries no Bun server (the request did not come through
 *   this adapter's `serve()`).
 * @example
 * app.get('/ip', (c) => c.text(getConnInfo(c).remote.address ?? '-'));
 */
export const getConnInfo: GetConnInfo = (c: Context) => {
  const env = c.env as { server?: Partial<BunServer> } | Partial<BunServer> | undefined;
  const server = env && 'server' in env ? env.server : (env as Partial<BunServer> | undefined);
  if (typeof server?.requestIP !== 'function') throw new TypeError('getConnInfo: the Hono env carries no Bun server (was the app served by @wharf/adapter-bun?)');
  const info = server.requestIP(c.req.raw);
  if (!info) return { remote: {} };
  const addressType: AddressType = info.family === 'IPv6' || info.family === 'IPv4' ? info.family : undefined;
  return { remote: { address: info.address, addressType, port: info.port } };
};
