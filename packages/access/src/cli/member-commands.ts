/**
 * `wharf admin member …`: add, update, remove, list memberships of a project or group.
 * @module
 */
import { ROLES } from '../model/roles.js';
import { choiceFlag, type Noun, requiredFlag, table, targetFlags, UsageError, type Values } from './verb.js';

const TARGET_FLAGS = { project: { type: 'string' }, group: { type: 'string' } } as const;
const FLAGS = { ...TARGET_FLAGS, user: { type: 'string' }, role: { type: 'string' } } as const;

function role(values: Values) {
  const value = choiceFlag(values, 'role', ROLES);
  if (!value) throw new UsageError(`--role is required (${ROLES.join(', ')})`);
  return value;
}

function where(target: { project: string } | { group: string }): string {
  return 'project' in target ? `project ${target.project}` : `group ${target.group}`;
}

export const memberCommands: Noun = {
  summary: 'memberships: add, update, remove, list',
  verbs: {
    add: {
      summary: 'make a user a member of a project or group',
      usage: '(--project <path> | --group <path>) --user <user> --role guest|reporter|developer|maintainer|owner',
      notes: ['Group members are members of every subgroup and project inside; the highest role applies.'],
      flags: FLAGS,
      async run(values, _args, io) {
        const target = targetFlags(values);
        const member = await io.store.addMember({ ...target, user: requiredFlag(values, 'user'), role: role(values) });
        io.out(`${requiredFlag(values, 'user')} is now ${member.role} of ${where(target)}`);
        return 0;
      },
    },
    update: {
      summary: "change a member's role",
      usage: '(--project <path> | --group <path>) --user <user> --role <role>',
      flags: FLAGS,
      async run(values, _args, io) {
        const target = targetFlags(values);
        const member = await io.store.setMemberRole({ ...target, user: requiredFlag(values, 'user'), role: role(values) });
        io.out(`${requiredFlag(values, 'user')} is now ${member.role} of ${where(target)}`);
        return 0;
      },
    },
    remove: {
      summary: 'remove a direct membership',
      usage: '(--project <path> | --group <path>) --user <user>',
      flags: { ...TARGET_FLAGS, user: { type: 'string' } },
      async run(values, _args, io) {
        const target = targetFlags(values);
        await io.store.removeMember({ ...target, user: requiredFlag(values, 'user') });
        io.out(`removed ${requiredFlag(values, 'user')} from ${where(target)}`);
        return 0;
      },
    },
    list: {
      summary: 'list the direct members of a project or group',
      usage: '(--project <path> | --group <path>)',
      flags: TARGET_FLAGS,
      async run(values, _args, io) {
        const members = await io.store.listMembers(targetFlags(values));
        for (const line of table(
          ['USER', 'ROLE', 'SINCE'],
          members.map((m) => [m.username, m.role, m.createdAt]),
        ))
          io.out(line);
        return 0;
      },
    },
  },
};
