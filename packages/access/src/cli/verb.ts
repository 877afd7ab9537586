/**
 * The small framework of the admin CLI: a command is a noun with verbs; each verb declares
 * its usage line, its flags (for `node:util` parseArgs) and its positional arguments, so the
 * dispatcher can parse, check and print help for all of them the same way.
 * @module
 */
import type { AccessStore } from '../store/access-store.js';

/** Where a command reads and writes. */
export interface AdminCommandIO {
  readonly store: AccessStore;
  /** One line of normal output (no trailing newline). */
  out(line: string): void;
  /** One line of diagnostics. */
  err(line: string): void;
  /** The whole of standard input, for `--password-stdin` (default: the process's stdin). */
  readStdin?(): Promise<string>;
}

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

export type Values = Readonly<Record<string, string | boolean | undefined>>;

/** One `wharf admin <noun> <verb>`. */
export interface Verb {
  readonly summary: string;
  /** Arguments and flags after `<noun> <verb>`, for the usage line. */
  readonly usage: string;
  /** Longer notes printed by `--help`. */
  readonly notes?: readonly string[];
  readonly flags?: Readonly<Record<string, FlagSpec>>;
  /** Names of the required positional arguments. */
  readonly args?: readonly string[];
  run(values: Values, args: readonly string[], io: AdminCommandIO): Promise<number | undefined>;
}

export interface Noun {
  readonly summary: string;
  readonly verbs: Readonly<Record<string, Verb>>;
}

/** A mistake in how the command was called: printed with the usage, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A string flag's value, or `undefined`. */
export function flag(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A required string flag's value. @throws UsageError */
export function requiredFlag(values: Values, name: string): string {
  const value = flag(values, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** `true`/`false`/`yes`/`no`/`on`/`off` as a boolean, `undefined` when the flag is absent. @throws UsageError */
export function booleanFlag(values: Values, name: string): boolean | undefined {
  const value = flag(values, name);
  if (value === undefined) return undefined;
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  throw new UsageError(`--${name} takes true or false, not ${JSON.stringify(value)}`);
}

/** A comma-separated list flag. */
export function listFlag(values: Values, name: string): string[] {
  return (flag(values, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Exactly one of `--project` and `--group`. @throws UsageError */
export function targetFlags(values: Values): { project: string } | { group: string } {
  const project = flag(values, 'project');
  const group = flag(values, 'group');
  if ((project === undefined) === (group === undefined)) throw new UsageError('give exactly one of --project and --group');
  return project !== undefined ? { project } : { group: group as string };
}

/** Lines of a left-aligned table, columns separated by two spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The password from `--password` or `--password-stdin`, or `undefined` for neither. @throws UsageError */
export async function passwordFlags(values: Values, io: AdminCommandIO): Promise<string | undefined> {
  const given = flag(values, 'password');
  if (values['password-stdin'] === true) {
    if (given !== undefined) throw new UsageError('give --password or --password-stdin, not both');
    const text = await (io.readStdin ?? readProcessStdin)();
    const password = text.replace(/\r?\n$/, '');
    if (password.length === 0) throw new UsageError('--password-stdin read an empty password');
    return password;
  }
  return given;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Flags shared by commands that take a password. */
export const PASSWORD_FLAGS: Readonly<Record<string, FlagSpec>> = {
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
};

/** A flag that must be one of `choices`, or `undefined` when absent. @throws UsageError */
export function choiceFlag<C extends string>(values: Values, name: string, choices: readonly C[]): C | undefined {
  const value = flag(values, name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, not ${JSON.stringify(value)}`);
  return value as C;
}
