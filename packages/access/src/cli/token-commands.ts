/**
 * `wharf admin pat …` and `wharf admin deploy-token …`: create (printing the secret once),
 * list, revoke.
 * @module
 */
import { DEPLOY_TOKEN_SCOPES, type DeployTokenScope, PAT_SCOPES, type PatScope } from '../model/roles.js';
import type { DeployTokenInfo, PersonalAccessTokenInfo } from '../model/views.js';
import { type AdminCommandIO, flag, listFlag, type Noun, requiredFlag, table, targetFlags, UsageError, type Values } from './verb.js';

function scopes<S extends string>(values: Values, allowed: readonly S[]): S[] {
  const list = listFlag(values, 'scopes');
  if (list.length === 0) throw new UsageError(`--scopes is required (comma-separated: ${allowed.join(', ')})`);
  const unknown = list.find((s) => !(allowed as readonly string[]).includes(s));
  if (unknown !== undefined) throw new UsageError(`unknown scope ${JSON.stringify(unknown)}; allowed: ${allowed.join(', ')}`);
  return list as S[];
}

/** GitLab's trap, kept on purpose: write_registry alone can push nothing with docker. */
function warnWriteOnly(list: readonly string[], io: AdminCommandIO): void {
  if (list.includes('write_registry') && !list.includes('read_registry') && !list.includes('api')) {
    io.err('note: write_registry without read_registry allows push but not pull; docker push needs both (as in GitLab)');
  }
}

function printSecret(io: AdminCommandIO, secret: string): void {
  io.out(`token: ${secret}`);
  io.err('Store this token now: it is shown only once.');
}

const expiry = (t: { expiresAt: string | null }) => t.expiresAt ?? 'never';

export const patCommands: Noun = {
  summary: 'personal access tokens: create, list, revoke',
  verbs: {
    create: {
      summary: 'create a personal access token (prints the secret once)',
      usage: '--user <user> --name <name> --scopes read_registry,write_registry [--expires YYYY-MM-DD]',
      notes: [
        `Scopes: ${PAT_SCOPES.join(', ')}. read_registry pulls, write_registry pushes (docker push needs both), api also deletes.`,
        'A token expiring on a date stops working at 00:00 UTC that day.',
      ],
      flags: { user: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'string' }, expires: { type: 'string' } },
      async run(values, _args, io) {
        const list = scopes<PatScope>(values, PAT_SCOPES);
        const { token, secret } = await io.store.createPersonalAccessToken({
          user: requiredFlag(values, 'user'),
          name: requiredFlag(values, 'name'),
          scopes: list,
          expiresAt: flag(values, 'expires') ?? null,
        });
        io.out(`created personal access token ${token.id} "${token.name}" scopes ${token.scopes.join(',')} expires ${expiry(token)}`);
        printSecret(io, secret);
        warnWriteOnly(list, io);
        return 0;
      },
    },
    list: {
      summary: 'list personal access tokens (never their secrets)',
      usage: '[--user <user>]',
      flags: { user: { type: 'string' } },
      async run(values, _args, io) {
        const tokens = await io.store.listPersonalAccessTokens(flag(values, 'user'));
        const users = new Map((await io.store.listUsers()).map((u) => [u.id, u.username]));
        const rows = tokens.map((t: PersonalAccessTokenInfo) => [
          t.id,
          users.get(t.userId) ?? t.userId,
          t.name,
          t.scopes.join(','),
          expiry(t),
          t.state,
        ]);
        for (const line of table(['ID', 'USER', 'NAME', 'SCOPES', 'EXPIRES', 'STATE'], rows)) io.out(line);
        return 0;
      },
    },
    revoke: {
      summary: 'revoke a personal access token',
      usage: '<id>',
      args: ['id'],
      async run(_values, [id], io) {
        const token = await io.store.revokePersonalAccessToken(id as string);
        io.out(`revoked personal access token ${token.id} "${token.name}"`);
        return 0;
      },
    },
  },
};

export const deployTokenCommands: Noun = {
  summary: 'deploy tokens: create, list, revoke',
  verbs: {
    create: {
      summary: 'create a deploy token for a project or group (prints the secret once)',
      usage:
        '(--project <path> | --group <path>) --scopes read_registry[,write_registry] [--name <name>] [--username <login>] [--expires YYYY-MM-DD]',
      notes: [
        `Scopes: ${DEPLOY_TOKEN_SCOPES.join(', ')}. A group token works for every project inside the group.`,
        'The login name defaults to wharf+deploy-token-<n>.',
      ],
      flags: {
        project: { type: 'string' },
        group: { type: 'string' },
        scopes: { type: 'string' },
        name: { type: 'string' },
        username: { type: 'string' },
        expires: { type: 'string' },
      },
      async run(values, _args, io) {
        const list = scopes<DeployTokenScope>(values, DEPLOY_TOKEN_SCOPES);
        const { token, secret } = await io.store.createDeployToken({
          ...targetFlags(values),
          scopes: list,
          name: flag(values, 'name'),
          username: flag(values, 'username'),
          expiresAt: flag(values, 'expires') ?? null,
        });
        io.out(`created deploy token ${token.id} "${token.name}" scopes ${token.scopes.join(',')} expires ${expiry(token)}`);
        io.out(`username: ${token.username}`);
        printSecret(io, secret);
        warnWriteOnly(list, io);
        return 0;
      },
    },
    list: {
      summary: 'list deploy tokens (never their secrets)',
      usage: '[--project <path> | --group <path>]',
      flags: { project: { type: 'string' }, group: { type: 'string' } },
      async run(values, _args, io) {
        const selector = values.project !== undefined || values.group !== undefined ? targetFlags(values) : undefined;
        const tokens = await io.store.listDeployTokens(selector);
        const rows = tokens.map((t: DeployTokenInfo) => [
          t.id,
          t.username,
          t.name,
          `${t.target.type}:${t.target.id}`,
          t.scopes.join(','),
          expiry(t),
          t.state,
        ]);
        for (const line of table(['ID', 'USERNAME', 'NAME', 'FOR', 'SCOPES', 'EXPIRES', 'STATE'], rows)) io.out(line);
        return 0;
      },
    },
    revoke: {
      summary: 'revoke a deploy token',
      usage: '<id>',
      args: ['id'],
      async run(_values, [id], io) {
        const token = await io.store.revokeDeployToken(id as string);
        io.out(`revoked deploy token ${token.id} (${token.username})`);
        return 0;
      },
    },
  },
};
