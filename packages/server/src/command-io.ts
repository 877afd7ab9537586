/**
 * Where the `wharf` subcommands write: the process's streams by default, a capture in tests.
 * Its own module so that the commands share it without importing one another.
 * @module
 */

/** Where a command writes its output and its diagnostics. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The process's stdout and stderr. */
export const processIo: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
