/**
 * `wharf registry …`: the management API from the command line, against the standalone
 * server's storage (`--data`/`WHARF_DATA`, or the bucket of `WHARF_STORAGE`): list
 * repositories and tags, delete tags (by name or with GitLab's bulk-delete rules), delete and
 * rename repositories, show usage, and read, set and run cleanup policies. Output is JSON, for
 * scripts. Safe while a server runs on the same storage; the server's listings catch up within
 * seconds.
 * @module
 */
import { parseArgs } from 'node:util';
import { type CommandIo, processIo } from './command-io.js';

export const REGISTRY_USAGE = `Usage: wharf registry [--data DIR] <command> [arguments] [options]

  repos [--prefix P] [--search S] [--sort name|created|updated] [--desc] [--limit N] [--cursor C]
  tags REPO [--name S] [--sort name|created|updated] [--desc] [--limit N] [--cursor C]
  tag REPO TAG                     one tag with its total size
  delete-tags REPO TAG...          delete tags by name
  bulk-delete REPO --name-regex-delete RE [--name-regex-keep RE] [--keep-n N] [--older-than 7d] [--dry-run]
  delete-repo REPO                 delete a repository and all its tags
  rename FROM TO                   move a repository with its images (same top-level namespace)
  usage [PREFIX]                   deduplicated bytes per repository and in total
  cleanup-get PROJECT              a project's cleanup policy
  cleanup-set PROJECT [--enabled|--disabled] [--cadence 1d] [--keep-n 10] [--older-than 90d]
                      [--name-regex RE] [--name-regex-keep RE]
  cleanup-run PROJECT [--dry-run]  run it now (or show what it would delete)
  cleanup-runs PROJECT             past runs and when the next is due

Options: --data DIR (env WHARF_DATA, default ./data); WHARF_STORAGE as for \`wharf serve\`.
Exit status: 0 done, 1 refused or failed (the error is printed as JSON), 2 bad usage.
`;

const OPTIONS = {
  data: { type: 'string' },
  prefix: { type: 'string' },
  search: { type: 'string' },
  sort: { type: 'string' },
  desc: { type: 'boolean' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  name: { type: 'string' },
  'name-regex-delete': { type: 'string' },
  'name-regex-keep': { type: 'string' },
  'name-regex': { type: 'string' },
  'keep-n': { type: 'string' },
  'older-than': { type: 'string' },
  cadence: { type: 'string' },
  enabled: { type: 'boolean' },
  disabled: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

export async function runRegistryCommand(argv: readonly string[], io: CommandIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`wharf registry: ${(error as Error).message}\n\n${REGISTRY_USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const [command, ...args] = positionals;
  if (v.help || command === undefined || command === 'help') {
    (command === undefined && !v.help ? io.err : io.out)(REGISTRY_USAGE);
    return command === undefined && !v.help ? 2 : 0;
  }
  const [{ parseServeConfig, ConfigError }, { openStorage }, { createRegistry, isRegistryError }] = await Promise.all([
    import('./config.js'),
    import('./standalone-app.js'),
    import('@wharf/core'),
  ]);
  let config: Exclude<ReturnType<typeof parseServeConfig>, 'help'>;
  try {
    const result = parseServeConfig(v.data ? ['--data', v.data] : [], env, process.cwd());
    if (result === 'help') return 0;
    config = result;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`wharf registry: ${error.message}\n`);
    return 2;
  }
  const { storage, release } = await openStorage(config);
  const { management } = createRegistry({ storage });
  const print = (value: unknown) => io.out(`${JSON.stringify(value, null, 2)}\n`);
  const need = (n: number, what: string) => {
    if (args.length < n) throw new UsageError(`${command} needs ${what}`);
  };
  const int = (text: string | undefined, flag: string) => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} must be a whole number`);
    return Number(text);
  };
  const sort = v.sort as 'name' | 'created' | 'updated' | undefined;
  if (sort !== undefined && !['name', 'created', 'updated'].includes(sort)) {
    io.err('wharf registry: --sort must be name, created or updated\n');
    return 2;
  }
  const order = v.desc ? ('desc' as const) : ('asc' as const);
  const page = { ...(sort ? { sort } : {}), order, ...(v.limit ? { limit: int(v.limit, 'limit') as number } : {}), ...(v.cursor ? { cursor: v.cursor } : {}) };
  try {
    switch (command) {
      case 'repos':
        print(await management.listRepositories({ ...(v.prefix ? { prefix: v.prefix } : {}), ...(v.search ? { search: v.search } : {}), ...page }));
        break;
      case 'tags':
        need(1, 'REPO');
        print(await management.listTags(args[0] as string, { ...(v.name ? { name: v.name } : {}), ...page }));
        break;
      case 'tag':
        need(2, 'REPO TAG');
        print(await management.tagDetails(args[0] as string, args[1] as string));
        break;
      case 'delete-tags':
        need(2, 'REPO and at least one TAG');
        print(await management.deleteTags(args[0] as string, args.slice(1)));
        break;
      case 'bulk-delete': {
        need(1, 'REPO');
        if (!v['name-regex-delete']) throw new UsageError('bulk-delete needs --name-regex-delete');
        const params = {
          name_regex_delete: v['name-regex-delete'],
          ...(v['name-regex-keep'] ? { name_regex_keep: v['name-regex-keep'] } : {}),
          ...(v['keep-n'] !== undefined ? { keep_n: int(v['keep-n'], 'keep-n') } : {}),
          ...(v['older-than'] ? { older_than: v['older-than'] } : {}),
        };
        print(await management.cleanup.bulkDelete(args[0] as string, params, { dryRun: v['dry-run'] ?? false }));
        break;
      }
      case 'delete-repo': {
        need(1, 'REPO');
        const { done } = await management.deleteRepository(args[0] as string);
        print(await done);
        break;
      }
      case 'rename':
        need(2, 'FROM TO');
        print(await management.renameRepository(args[0] as string, args[1] as string));
        break;
      case 'usage':
        print(await management.usage(args[0]));
        break;
      case 'cleanup-get':
        need(1, 'PROJECT');
        print(await management.cleanup.policies.get(args[0] as string));
        break;
      case 'cleanup-set': {
        need(1, 'PROJECT');
        // Only the flags given change; save() merges them into the stored policy.
        const input = {
          ...(v.enabled ? { enabled: true } : {}),
          ...(v.disabled ? { enabled: false } : {}),
          ...(v.cadence ? { cadence: v.cadence } : {}),
          ...(v['keep-n'] !== undefined ? { keep_n: int(v['keep-n'], 'keep-n') } : {}),
          ...(v['older-than'] ? { older_than: v['older-than'] } : {}),
          ...(v['name-regex'] ? { name_regex: v['name-regex'] } : {}),
          ...(v['name-regex-keep'] ? { name_regex_keep: v['name-regex-keep'] } : {}),
        };
        print(await management.cleanup.policies.save(args[0] as string, input));
        break;
      }
      case 'cleanup-run':
        need(1, 'PROJECT');
        print(await management.cleanup.runner.run(args[0] as string, { dryRun: v['dry-run'] ?? false }));
        break;
      case 'cleanup-runs':
        need(1, 'PROJECT');
        print(await management.cleanup.policies.state(args[0] as string));
        break;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`wharf registry: ${error.message}\n\n${REGISTRY_USAGE}`);
      return 2;
    }
    const e = error as Error & { code?: unknown; field?: unknown };
    if (isRegistryError(error) || e.name === 'CleanupPolicyError') {
      io.err(`${JSON.stringify({ error: { code: e.code ?? 'INVALID', message: e.message, ...(e.field ? { field: e.field } : {}) } })}\n`);
      return 1;
    }
    throw error;
  } finally {
    release();
  }
}
