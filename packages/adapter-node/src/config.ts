/**
 * Configuration of `wharf serve` from its flags and environment. Pure: the caller passes
 * argv, env and cwd, and prints what comes back.
 * @module
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Authentication modes this version knows. */
export const AUTH_MODES = ['none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** Settings of `wharf serve`. */
export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the storage root. */
  readonly dataDir: string;
  readonly auth: AuthMode;
  /** One-line notices to print at startup. */
  readonly warnings: readonly string[];
}

/** Invalid flags or environment; the CLI prints the message and exits with status 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const SERVE_USAGE = `Usage: wharf serve [options]

Run a standalone OCI registry over plain HTTP.

Options (each overrides its environment variable):
  --port <n>     TCP port, 0 for a random one     env PORT        default 5000
  --host <h>     interface to bind                env HOST        default 127.0.0.1
  --data <dir>   storage directory                env WHARF_DATA  default ./data
  --auth <mode>  authentication: none             env WHARF_AUTH  default none
  -h, --help     show this help
`;

/**
 * Reads `wharf serve` settings: flags win over environment variables, which win over defaults.
 * @param argv the arguments after `serve`.
 * @param env usually `process.env`; empty values count as unset.
 * @param cwd the directory a relative data path is resolved from.
 * @returns `'help'` when help was asked for, else the configuration.
 * @throws {ConfigError} on unknown flags, stray arguments, a bad port or an unknown auth mode.
 * @example
 * parseServeConfig(['--port', '5001'], { WHARF_DATA: '/srv/wharf' }, '/');
 * // → { port: 5001, host: '127.0.0.1', dataDir: '/srv/wharf', auth: 'none', warnings: [...] }
 */
export function parseServeConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): ServeConfig | 'help' {
  let values: { port?: string; host?: string; data?: string; auth?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        auth: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (values.help) return 'help';

  const pick = (flag: string | undefined, name: string, key: string): { value: string; from: string } | undefined => {
    if (flag !== undefined) return { value: flag, from: `--${name}` };
    const fromEnv = env[key];
    return fromEnv ? { value: fromEnv, from: key } : undefined;
  };
  const port = pick(values.port, 'port', 'PORT');
  const host = pick(values.host, 'host', 'HOST');
  const data = pick(values.data, 'data', 'WHARF_DATA');
  const auth = pick(values.auth, 'auth', 'WHARF_AUTH');
  const warnings: string[] = [];

  if (port && !(/^\d{1,5}$/.test(port.value) && Number(port.value) <= 65535)) {
    throw new ConfigError(`${port.from}: expected a port number from 0 to 65535, got "${port.value}"`);
  }
  if (host && host.value.trim() === '') throw new ConfigError(`${host.from}: expected a host name or address`);
  if (data && data.value.trim() === '') throw new ConfigError(`${data.from}: expected a directory`);
  if (auth && !(AUTH_MODES as readonly string[]).includes(auth.value)) {
    throw new ConfigError(`${auth.from}: unknown auth mode "${auth.value}"; this version supports: ${AUTH_MODES.join(', ')}`);
  }
  if (!auth) {
    warnings.push('warning: no authentication (auth: none): anyone who can reach this port can push, pull and delete');
  }

  return {
    port: port ? Number(port.value) : 5000,
    host: host?.value ?? '127.0.0.1',
    dataDir: resolve(cwd, data?.value ?? 'data'),
    auth: (auth?.value as AuthMode | undefined) ?? 'none',
    warnings,
  };
}
