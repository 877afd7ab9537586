/**
 * Serve a Wharf registry (or any fetch-style app) on Node.js.
 * @module @wharf/adapter-node
 */
export { serve } from './serve.js';
export type { FetchApp, ListenInfo, NodeRegistryServer, ServeOptions, ServerLimits } from './serve.js';
export { formatAccessLine } from './access-log.js';
export type { AccessRecord } from './access-log.js';
export { createStandaloneApp, ISSUER, SERVICE, accessDir, keyFilePath } from './standalone-app.js';
export type { StandaloneApp } from './standalone-app.js';
export { runServeCommand } from './serve-command.js';
export type { CommandIo, RunningServer, ServeWith } from './serve-command.js';
