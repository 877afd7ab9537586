/**
 * `wharf serve`: a registry over a directory (or a bucket), served until SIGINT or SIGTERM, on
 * the runtime the process runs on (Node or Bun, see `./runtime.ts`).
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { type CommandIo, processIo } from './command-io.js';
import { ConfigError, parseServeConfig, SERVE_USAGE, type ServeConfig } from './config.js';
import { loadRuntimeAdapter, type RunningServer, type RuntimeAdapter } from './runtime.js';

/**
 * Creates the storage and registry for `config` and serves them.
 * @param runtime the adapter to serve with (default: the one for the running runtime, see `./runtime.ts`).
 * @throws when the data directory cannot be created or the port cannot be bound.
 */
export async function startRegistryServer(config: ServeConfig, io: CommandIo = processIo, runtime?: RuntimeAdapter): Promise<RunningServer> {
  // Imported here, not at the top: `wharf serve --help` and config errors need none of it.
  const { createStandaloneApp } = await import('./standalone-app.js');
  const adapter = runtime ?? (await loadRuntimeAdapter());
  await mkdir(config.dataDir, { recursive: true });
  const standalone = await createStandaloneApp(config, { log: (line) => io.err(`wharf: ${line}\n`), clientAddress: adapter.clientAddress });
  for (const notice of standalone.notices) io.err(`wharf: ${notice}\n`);
  let server: RunningServer;
  try {
    server = await adapter.serve(standalone.app, { ...config.serverLimits, port: config.port, hostname: config.host, logger: (line) => io.out(`${line}\n`) });
  } catch (error) {
    await standalone.close();
    throw error;
  }
  // Background work (webhook deliveries) stops once the last request is done: their events are queued.
  let closing: Promise<void> | undefined;
  return { ...server, close: () => (closing ??= server.close().then(() => standalone.close())) };
}

/**
 * Runs `wharf serve` with the arguments after `serve`; resolves with the exit status once the
 * server has shut down (0), or at once on bad configuration (2) or a failed start (1).
 */
export async function runServeCommand(argv: readonly string[], io: CommandIo = processIo, runtime?: RuntimeAdapter): Promise<number> {
  let config: ServeConfig | 'help';
  try {
    config = parseServeConfig(argv, process.env, process.cwd());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`wharf serve: ${error.message}\n\n${SERVE_USAGE}`);
    return 2;
  }
  if (config === 'help') {
    io.out(SERVE_USAGE);
    return 0;
  }
  for (const warning of config.warnings) io.err(`wharf: ${warning}\n`);

  let server: RunningServer;
  try {
    server = await startRegistryServer(config, io, runtime);
  } catch (error) {
    io.err(`wharf: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const where = config.storage ? `s3://${config.storage.bucket}${config.storage.prefix ? `/${config.storage.prefix}` : ''}, access and keys: ${config.dataDir}` : config.dataDir;
  io.out(`wharf listening on ${server.url} (data: ${where}, auth: ${config.auth})\n`);
  return waitForShutdownSignal(server, io);
}

/** Resolves with 0 once a first SIGINT/SIGTERM has closed the server; a second signal exits with 1 at once. */
function waitForShutdownSignal(server: RunningServer, io: CommandIo): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        io.err(`wharf: ${signal} again, exiting without waiting\n`);
        process.exit(1);
      }
      stopping = true;
      io.err(`wharf: ${signal}, finishing in-flight requests (send again to force)\n`);
      void server.close().then(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve(0);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
