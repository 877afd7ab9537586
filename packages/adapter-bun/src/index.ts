/**
 * Serve a Wharf registry (or any fetch-style app) on Bun.
 * @module @wharf/adapter-bun
 */
export { serve } from './serve.js';
export type { BunEnv, BunRegistryServer, FetchApp, ListenInfo, ServeOptions } from './serve.js';
export type { BunServer } from './bun-types.js';
