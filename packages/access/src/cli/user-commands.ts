/**
 * `wharf admin user …`: create, list, show, update, block, unblock, delete.
 * @module
 */
import { booleanFlag, type Noun, PASSWORD_FLAGS, passwordFlags, requiredFlag, table } from './verb.js';
import type { UserInfo } from '../model/views.js';

function describe(user: UserInfo): string {
  const flags = [
    user.admin && 'admin',
    user.twoFactor && '2fa',
    user.external && 'external',
    user.blocked && 'blocked',
    !user.hasPassword && 'no-password',
  ];
  return flags.filter(Boolean).join(',') || '-';
}

export const userCommands: Noun = {
  summary: 'users: create, list, show, update, block, unblock, delete',
  verbs: {
    create: {
      summary: 'create a user',
      usage: '--username <name> [--password <pw> | --password-stdin] [--admin] [--two-factor] [--external]',
      notes: ['Without a password the user can log in with personal access tokens only.'],
      flags: {
        username: { type: 'string' },
        ...PASSWORD_FLAGS,
        admin: { type: 'boolean' },
        'two-factor': { type: 'boolean' },
        external: { type: 'boolean' },
      },
      async run(values, _args, io) {
        const user = await io.store.createUser({
          username: requiredFlag(values, 'username'),
          password: await passwordFlags(values, io),
          admin: values.admin === true,
          twoFactor: values['two-factor'] === true,
          external: values.external === true,
        });
        io.out(`created user ${user.username} (${user.id}) ${describe(user)}`);
        return 0;
      },
    },
    list: {
      summary: 'list users',
      usage: '',
      async run(_values, _args, io) {
        const users = await io.store.listUsers();
        for (const line of table(
          ['ID', 'USERNAME', 'FLAGS', 'CREATED'],
          users.map((u) => [u.id, u.username, describe(u), u.createdAt]),
        ))
          io.out(line);
        return 0;
      },
    },
    show: {
      summary: 'show one user',
      usage: '<user>',
      args: ['user'],
      async run(_values, [ref], io) {
        const user = await io.store.getUser(ref as string);
        io.out(JSON.stringify(user, null, 2));
        return 0;
      },
    },
    update: {
      summary: "change a user's password or flags",
      usage: '<user> [--password <pw> | --password-stdin] [--admin true|false] [--two-factor true|false] [--external true|false]',
      args: ['user'],
      flags: { ...PASSWORD_FLAGS, admin: { type: 'string' }, 'two-factor': { type: 'string' }, external: { type: 'string' } },
      async run(values, [ref], io) {
        const user = await io.store.updateUser(ref as string, {
          password: await passwordFlags(values, io),
          admin: booleanFlag(values, 'admin'),
          twoFactor: booleanFlag(values, 'two-factor'),
          external: booleanFlag(values, 'external'),
        });
        io.out(`updated user ${user.username} (${user.id}) ${describe(user)}`);
        return 0;
      },
    },
    block: {
      summary: 'block a user: no login, no tokens, no jobs',
      usage: '<user>',
      args: ['user'],
      async run(_values, [ref], io) {
        const user = await io.store.updateUser(ref as string, { blocked: true });
        io.out(`blocked user ${user.username}`);
        return 0;
      },
    },
    unblock: {
      summary: 'unblock a user',
      usage: '<user>',
      args: ['user'],
      async run(_values, [ref], io) {
        const user = await io.store.updateUser(ref as string, { blocked: false });
        io.out(`unblocked user ${user.username}`);
        return 0;
      },
    },
    delete: {
      summary: 'delete a user with their memberships, tokens and jobs',
      usage: '<user>',
      args: ['user'],
      async run(_values, [ref], io) {
        const user = await io.store.deleteUser(ref as string);
        io.out(`deleted user ${user.username}`);
        return 0;
      },
    },
  },
};
