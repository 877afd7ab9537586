/**
 * The standalone Wharf registry: the `wharf` command's pieces for hosts and tests that start it
 * in-process. The application ({@link createStandaloneApp}: core + a storage driver + the access
 * model + the token service), `wharf serve` ({@link runServeCommand}, {@link startRegistryServer})
 * and the runtime adapter it serves with ({@link loadRuntimeAdapter}).
 * @module @wharf/server
 */
export { createStandaloneApp, ISSUER, SERVICE, accessDir, keyFilePath } from './standalone-app.js';
export type { StandaloneApp, StandaloneAppOptions } from './standalone-app.js';
export { runServeCommand, startRegistryServer } from './serve-command.js';
export type { AuthMode, ServeConfig, StorageConfig } from './config.js';
export { clientAddressFrom, currentRuntime, loadRuntimeAdapter } from './runtime.js';
export type { RunningServer, RuntimeAdapter, RuntimeName, ServeWith } from './runtime.js';
export type { CommandIo } from './command-io.js';
