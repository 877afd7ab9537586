/**
 * Serve a Wharf registry (or any fetch-style app) on Bun: `Bun.serve` with streamed bodies, an
 * access log and a graceful close. The app receives `{ server }` as its Hono env;
 * {@link getConnInfo} reads the client address from it the Hono way.
 * @module @wharf/adapter-bun
 */
export { serve } from './serve.js';
export type { BunEnv, BunRegistryServer, FetchApp, ListenInfo, ServeOptions, ServerLimits } from './serve.js';
export { getConnInfo } from './conn-info.js';
export { formatAccessLine } from '@wharf/core';
export type { AccessRecord } from '@wharf/core';
export type { BunServer } from './bun-types.js';
