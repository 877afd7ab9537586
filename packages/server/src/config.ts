/**
 * Configuration of `wharf serve` from its flags and environment. Pure: the caller passes
 * argv, env and cwd, and prints what comes back.
 * @module
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseGcDuration } from '@wharf/core';
import { parseS3Url } from '@wharf/storage-s3/url';
import { parseLoginLimits, type LoginConfig } from './login-config.js';
import { parseQuotas, type QuotaTable } from './quota-config.js';
import type { ServerLimits } from '@wharf/core';
import { parseServerLimits, SERVER_LIMITS_USAGE } from './server-limits-config.js';
import { parseWebhookConfig, type WebhookConfig } from './webhook-config.js';

/**
 * Authentication modes: `token` (the default) runs Wharf's token service with its GitLab-style
 * users, projects and tokens; `none` serves everyone everything, for local experiments.
 */
export const AUTH_MODES = ['token', 'none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** Settings of `wharf serve`. */
export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the storage root (with S3 storage: of the access store and keys only). */
  readonly dataDir: string;
  /**
   * Where the registry's content lives (`WHARF_STORAGE`): unset, the filesystem under
   * `dataDir`; `s3`, a bucket (created when missing) reached with the AWS SDK's standard
   * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL_S3).
   */
  readonly storage?: StorageConfig;
  readonly auth: AuthMode;
  /**
   * The URL clients reach this server at (scheme, host, port), used for the token realm;
   * unset: derived from each request's Host header.
   */
  readonly publicUrl?: string;
  /** The first start's `admin` password (env only: flags show in `ps`); unset: generated and printed once. */
  readonly adminPassword?: string;
  /** Per-namespace storage quotas (`WHARF_QUOTAS`, see quota-config.ts). */
  readonly quotas?: QuotaTable;
  /** Where to POST registry events (`WHARF_WEBHOOK_*`, see webhook-config.ts). */
  readonly webhook?: WebhookConfig;
  /** Failed-login throttle and password-hashing queue (`WHARF_LOGIN_LIMITS`, see login-config.ts). */
  readonly login?: LoginConfig;
  /** Server timeouts and connection caps (`WHARF_HEADERS_TIMEOUT` …, see server-limits-config.ts); unset: serve()'s defaults. */
  readonly serverLimits?: ServerLimits;
  /** One-line notices to print at startup. */
  readonly warnings: readonly string[];
}

/** `WHARF_STORAGE=s3://BUCKET[/PREFIX]`: the registry's content in an S3 bucket. */
export interface StorageConfig {
  readonly kind: 's3';
  readonly bucket: string;
  /** Key prefix, without slashes at either end; empty for the whole bucket. */
  readonly prefix: string;
  /**
   * `WHARF_S3_REDIRECT`: blob GETs are answered 307 to a presigned URL valid this many seconds
   * (clients then download straight from S3); unset: the server streams blobs itself.
   */
  readonly redirectSeconds?: number;
}

/** Default lifetime of a presigned blob URL, as `@wharf/storage-s3` has it (20 minutes). */
const DEFAULT_REDIRECT_SECONDS = 1_200;
/** S3 refuses presigned URLs valid for longer than 7 days. */
const MAX_REDIRECT_SECONDS = 7 * 24 * 3_600;

/** `WHARF_S3_REDIRECT`: off (unset, 0, off, false), on (1, on, true) or on for a duration. */
function parseRedirect(value: string): number | undefined {
  const v = value.trim().toLowerCase();
  if (['0', 'off', 'false', 'no'].includes(v)) return undefined;
  if (['1', 'on', 'true', 'yes'].includes(v)) return DEFAULT_REDIRECT_SECONDS;
  const ms = parseGcDuration(v);
  if (ms === null || ms < 1_000 || ms > MAX_REDIRECT_SECONDS * 1_000) {
    throw new ConfigError(`WHARF_S3_REDIRECT: expected 1 (presigned URLs valid 20m), 0, or how long the URLs stay valid, from 1s to 7d (e.g. 5m), got "${value}"`);
  }
  return Math.floor(ms / 1_000);
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
  --data <dir>         storage directory                 env WHARF_DATA        default ./data
  --auth <mode>        token or none                     env WHARF_AUTH        default token
  --public-url <url>   URL clients use for this server   env WHARF_PUBLIC_URL  default: from Host
  -h, --help           show this help

Environment only:
  WHARF_ADMIN_PASSWORD  password of the "admin" user the first start creates
                        (unset: a generated one, printed once)
  WHARF_STORAGE         s3://BUCKET[/PREFIX] keeps the images in an S3 bucket (created
                        when missing; AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
                        AWS_REGION, AWS_ENDPOINT_URL_S3); users and keys stay in --data
  WHARF_S3_REDIRECT     1: answer blob GETs with a 307 to a presigned S3 URL (valid
                        20m; or give the time, e.g. 5m), so clients download from S3
  WHARF_QUOTAS          per-namespace storage quotas, e.g. "team=50GiB,*=10GiB";
                        a push that would go over gets 403 DENIED
  WHARF_WEBHOOK_URL     POST registry events there (Distribution's notification
                        format), through a queue kept in the data directory
  WHARF_WEBHOOK_TOKEN   sent to the webhook as "Authorization: Bearer <token>"
  WHARF_WEBHOOK_EVENTS  actions to send, default push,delete,mount,rename,cleanup,gc
                        (add pull for pulls)
  WHARF_LOGIN_LIMITS    failed-login throttle and password hashing, default
                        "failures=5,max-lock=15m,address-failures=30,address-window=10m,
                        hashes=2,queue=16" (hashes=1 on two cores; any subset)
${SERVER_LIMITS_USAGE}
With --auth token, clients log in with \`docker login\`; the token service is at /auth/token,
its public keys at /auth/jwks, and GitLab's REST API at /api/v4 (users, projects, tokens, the
container registry; \`wharf admin --help\` for the same from the command line). /api/v1 is a
deprecated alias of it, to be removed.
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
 * // → { port: 5001, host: '127.0.0.1', dataDir: '/srv/wharf', auth: 'token', warnings: [] }
 */
export function parseServeConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): ServeConfig | 'help' {
  let values: { port?: string; host?: string; data?: string; auth?: string; 'public-url'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        auth: { type: 'string' },
        'public-url': { type: 'string' },
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
  const publicUrl = pick(values['public-url'], 'public-url', 'WHARF_PUBLIC_URL');
  const warnings: string[] = [];

  if (port && !(/^\d{1,5}$/.test(port.value) && Number(port.value) <= 65535)) {
    throw new ConfigError(`${port.from}: expected a port number from 0 to 65535, got "${port.value}"`);
  }
  if (host && host.value.trim() === '') throw new ConfigError(`${host.from}: expected a host name or address`);
  if (data && data.value.trim() === '') throw new ConfigError(`${data.from}: expected a directory`);
  if (auth && !(AUTH_MODES as readonly string[]).includes(auth.value)) {
    throw new ConfigError(`${auth.from}: unknown auth mode "${auth.value}"; this version supports: ${AUTH_MODES.join(', ')}`);
  }
  if (auth?.value === 'none') {
    warnings.push('warning: no authentication (auth: none): anyone who can reach this port can push, pull and delete');
  }
  let normalizedUrl: string | undefined;
  if (publicUrl) {
    let url: URL | undefined;
    try {
      url = new URL(publicUrl.value);
    } catch {
      // reported below
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
      throw new ConfigError(`${publicUrl.from}: expected an http or https URL such as https://registry.example.com, got "${publicUrl.value}"`);
    }
    normalizedUrl = url.href.replace(/\/+$/, '');
  }
  let storage: StorageConfig | undefined;
  if (env.WHARF_STORAGE) {
    try {
      storage = { kind: 's3', ...parseS3Url(env.WHARF_STORAGE) };
    } catch (error) {
      throw new ConfigError(`WHARF_STORAGE: ${(error as Error).message}`);
    }
  }
  if (env.WHARF_S3_REDIRECT) {
    const seconds = parseRedirect(env.WHARF_S3_REDIRECT);
    if (seconds !== undefined) {
      if (!storage) throw new ConfigError('WHARF_S3_REDIRECT needs WHARF_STORAGE=s3://BUCKET[/PREFIX]: only blobs in S3 can be redirected to');
      storage = { ...storage, redirectSeconds: seconds };
    }
  }
  const adminPassword = env.WHARF_ADMIN_PASSWORD || undefined;
  let quotas: QuotaTable | undefined;
  if (env.WHARF_QUOTAS) {
    try {
      quotas = parseQuotas(env.WHARF_QUOTAS);
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
  }
  let login: LoginConfig | undefined;
  if (env.WHARF_LOGIN_LIMITS) {
    try {
      login = parseLoginLimits(env.WHARF_LOGIN_LIMITS);
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
  }
  let serverLimits: ServerLimits | undefined;
  try {
    serverLimits = parseServerLimits(env);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  let webhook: WebhookConfig | undefined;
  try {
    webhook = parseWebhookConfig(env);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (!webhook && (env.WHARF_WEBHOOK_TOKEN || env.WHARF_WEBHOOK_EVENTS)) {
    warnings.push('warning: WHARF_WEBHOOK_TOKEN or WHARF_WEBHOOK_EVENTS is set but WHARF_WEBHOOK_URL is not: no webhook');
  }

  return {
    port: port ? Number(port.value) : 5000,
    host: host?.value ?? '127.0.0.1',
    dataDir: resolve(cwd, data?.value ?? 'data'),
    auth: (auth?.value as AuthMode | undefined) ?? 'token',
    ...(normalizedUrl ? { publicUrl: normalizedUrl } : {}),
    ...(storage ? { storage } : {}),
    ...(adminPassword ? { adminPassword } : {}),
    ...(quotas ? { quotas } : {}),
    ...(webhook ? { webhook } : {}),
    ...(serverLimits ? { serverLimits } : {}),
    ...(login ? { login } : {}),
    warnings,
  };
}
