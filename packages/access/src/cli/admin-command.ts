/**
 * `wharf admin <noun> <verb> [flags]`: the access store from the command line. The `wharf`
 * binary (in `@wharf/server`) opens the store and dispatches here; everything the
 * command prints goes through `io`, so it is testable without a process.
 *
 * Exit status: 0 done; 1 the store refused (not found, conflict, invalid value, locked);
 * 2 the command was called wrongly (unknown noun, verb or flag, missing argument).
 * @module
 */
import { parseArgs } from 'node:util';
import { isAccessError } from '../model/access-error.js';
import { jobCommands } from './job-commands.js';
import { memberCommands } from './member-commands.js';
import { groupCommands, projectCommands } from './namespace-commands.js';
import { deployTokenCommands, patCommands } from './token-commands.js';
import { userCommands } from './user-commands.js';
import { type AdminCommandIO, type Noun, UsageError, type Verb } from './verb.js';

export type { AdminCommandIO } from './verb.js';

const NOUNS: ReadonlyMap<string, Noun> = new Map(
  Object.entries({
    user: userCommands,
    group: groupCommands,
    project: projectCommands,
    member: memberCommands,
    pat: patCommands,
    'deploy-token': deployTokenCommands,
    job: jobCommands,
  }),
);

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h' || arg === 'help';

function columns(entries: [string, { summary: string }][]): string[] {
  const width = Math.max(...entries.map(([name]) => name.length)) + 2;
  return entries.map(([name, e]) => `  ${name.padEnd(width)}${e.summary}`);
}

function mainUsage(): string[] {
  return [
    'Usage: wharf admin <noun> <verb> [options]',
    '',
    'Nouns:',
    ...columns([...NOUNS]),
    '',
    'Run "wharf admin <noun> --help" for its verbs.',
  ];
}

function nounUsage(name: string, noun: Noun): string[] {
  return [
    `Usage: wharf admin ${name} <verb> [options]`,
    '',
    'Verbs:',
    ...columns(Object.entries(noun.verbs)),
    '',
    `Run "wharf admin ${name} <verb> --help" for details.`,
  ];
}

function verbUsage(noun: string, name: string, verb: Verb): string[] {
  return [`Usage: wharf admin ${noun} ${name} ${verb.usage}`.trimEnd(), '', verb.summary, ...(verb.notes ?? []).map((n) => `  ${n}`)];
}

async function runVerb(nounName: string, verbName: string, verb: Verb, argv: readonly string[], io: AdminCommandIO): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...verb.flags, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help === true) {
    for (const line of verbUsage(nounName, verbName, verb)) io.out(line);
    return 0;
  }
  const expected = verb.args ?? [];
  if (parsed.positionals.length < expected.length) throw new UsageError(`missing <${expected[parsed.positionals.length]}>`);
  if (parsed.positionals.length > expected.length)
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[expected.length])}`);
  return (await verb.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals, io)) ?? 0;
}

/**
 * Run one admin command.
 * @param argv the arguments after `wharf admin`, e.g. `['user', 'create', '--username', 'alice', '--password-stdin']`
 * @returns the exit status (0 ok, 1 refused by the store, 2 usage error)
 * @example
 * const status = await runAdminCommand(process.argv.slice(3), { store, out: console.log, err: console.error });
 */
export async function runAdminCommand(argv: readonly string[], io: AdminCommandIO): Promise<number> {
  const [nounName, verbName, ...rest] = argv;
  if (nounName === undefined || isHelp(nounName)) {
    for (const line of mainUsage()) (nounName === undefined ? io.err : io.out)(line);
    return nounName === undefined ? 2 : 0;
  }
  const noun = NOUNS.get(nounName);
  if (!noun) {
    io.err(`wharf admin: unknown noun "${nounName}"`);
    for (const line of mainUsage()) io.err(line);
    return 2;
  }
  if (verbName === undefined || isHelp(verbName)) {
    for (const line of nounUsage(nounName, noun)) (verbName === undefined ? io.err : io.out)(line);
    return verbName === undefined ? 2 : 0;
  }
  // An own property only: `wharf admin user constructor` is an unknown verb, not Object's constructor.
  const verb = Object.hasOwn(noun.verbs, verbName) ? noun.verbs[verbName] : undefined;
  if (!verb) {
    io.err(`wharf admin ${nounName}: unknown verb "${verbName}"`);
    for (const line of nounUsage(nounName, noun)) io.err(line);
    return 2;
  }
  try {
    return await runVerb(nounName, verbName, verb, rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`wharf admin ${nounName} ${verbName}: ${error.message}`);
      io.err(`Usage: wharf admin ${nounName} ${verbName} ${verb.usage}`.trimEnd());
      return 2;
    }
    if (isAccessError(error)) {
      io.err(`wharf admin ${nounName} ${verbName}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
