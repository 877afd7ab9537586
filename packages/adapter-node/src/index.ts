/**
 * Serve a Wharf registry (or any fetch-style app) on Node.js: streamed bodies both ways, timeouts
 * and connection caps, an access log and a graceful close. The app receives Node's
 * `{ incoming, outgoing }` as its Hono env; {@link getConnInfo} reads the client address from it
 * the Hono way.
 * @module @wharf/adapter-node
 */
export { serve } from './serve.js';
export type { FetchApp, ListenInfo, NodeRegistryServer, ServeOptions, ServerLimits } from './serve.js';
export { formatAccessLine } from '@wharf/core';
export type { AccessRecord } from '@wharf/core';
// `getConnInfo(c).remote.address` is the client's address for a request this adapter serves.
export { getConnInfo } from '@hono/node-server/conninfo';
