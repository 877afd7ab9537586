/**
 * `wharf admin group …` and `wharf admin project …`: create, list, update (visibility; for a
 * project also its container registry, `--container-registry enabled|disabled`), delete.
 * @module
 */
import { registryAccessLevel } from '../model/namespaces.js';
import { CONTAINER_REGISTRY_ACCESS_LEVELS, type ContainerRegistryAccessLevel, VISIBILITIES } from '../model/roles.js';
import type { GroupRecord, ProjectRecord } from '../model/schema.js';
import type { AccessStore } from '../store/access-store.js';
import { choiceFlag, type Noun, table, UsageError } from './verb.js';

interface NamespaceApi {
  create(store: AccessStore, input: { path: string; visibility?: (typeof VISIBILITIES)[number] }): Promise<GroupRecord | ProjectRecord>;
  list(store: AccessStore): Promise<(GroupRecord | ProjectRecord)[]>;
  setVisibility(store: AccessStore, ref: string, visibility: (typeof VISIBILITIES)[number]): Promise<GroupRecord | ProjectRecord>;
  remove(store: AccessStore, ref: string): Promise<GroupRecord | ProjectRecord>;
  /** Projects only: turn the container registry on or off. */
  setRegistry?(store: AccessStore, ref: string, level: ContainerRegistryAccessLevel): Promise<ProjectRecord>;
}

const VISIBILITY_FLAG = { visibility: { type: 'string' } } as const;
const UPDATE_FLAGS = { ...VISIBILITY_FLAG, 'container-registry': { type: 'string' } } as const;

const registryColumn = (item: GroupRecord | ProjectRecord) => ('groupId' in item ? registryAccessLevel(item) : '');

function namespaceNoun(kind: 'group' | 'project', api: NamespaceApi, example: string, deleteNote: string): Noun {
  return {
    summary: `${kind}s: create, list, update, delete`,
    verbs: {
      create: {
        summary: `create a ${kind}`,
        usage: `<path> [--visibility private|internal|public]`,
        notes: [
          `Example: wharf admin ${kind} create ${example} --visibility internal`,
          "Visibility defaults to private and cannot exceed the parent group's.",
        ],
        args: ['path'],
        flags: VISIBILITY_FLAG,
        async run(values, [path], io) {
          const visibility = choiceFlag(values, 'visibility', VISIBILITIES);
          const created = await api.create(io.store, { path: path as string, ...(visibility && { visibility }) });
          io.out(`created ${kind} ${created.path} (${created.id}) ${created.visibility}`);
          return 0;
        },
      },
      list: {
        summary: `list ${kind}s`,
        usage: '',
        async run(_values, _args, io) {
          const items = (await api.list(io.store)).sort((a, b) => a.path.localeCompare(b.path));
          for (const line of table(
            api.setRegistry ? ['ID', 'PATH', 'VISIBILITY', 'REGISTRY'] : ['ID', 'PATH', 'VISIBILITY'],
            items.map((i) => (api.setRegistry ? [i.id, i.path, i.visibility, registryColumn(i)] : [i.id, i.path, i.visibility])),
          ))
            io.out(line);
          return 0;
        },
      },
      update: api.setRegistry
        ? {
            summary: `change a ${kind}'s visibility or turn its container registry off and on`,
            usage: `<${kind}> [--visibility private|internal|public] [--container-registry enabled|disabled]`,
            notes: [
              `Example: wharf admin ${kind} update ${example} --container-registry disabled`,
              'While the container registry is disabled, nobody (administrators included) may pull, push',
              'or delete its images; nothing is deleted, and enabling it again restores everything.',
            ],
            args: [kind],
            flags: UPDATE_FLAGS,
            async run(values, [ref], io) {
              const visibility = choiceFlag(values, 'visibility', VISIBILITIES);
              const level = choiceFlag(values, 'container-registry', CONTAINER_REGISTRY_ACCESS_LEVELS);
              if (!visibility && !level) throw new UsageError('give --visibility or --container-registry');
              if (visibility) {
                const updated = await api.setVisibility(io.store, ref as string, visibility);
                io.out(`${kind} ${updated.path} is now ${updated.visibility}`);
              }
              if (level && api.setRegistry) {
                const updated = await api.setRegistry(io.store, ref as string, level);
                io.out(`the container registry of ${kind} ${updated.path} is now ${level}`);
              }
              return 0;
            },
          }
        : {
            summary: `change a ${kind}'s visibility`,
            usage: `<${kind}> --visibility private|internal|public`,
            args: [kind],
            flags: VISIBILITY_FLAG,
            async run(values, [ref], io) {
              const visibility = choiceFlag(values, 'visibility', VISIBILITIES);
              if (!visibility) throw new UsageError('--visibility is required');
              const updated = await api.setVisibility(io.store, ref as string, visibility);
              io.out(`${kind} ${updated.path} is now ${updated.visibility}`);
              return 0;
            },
          },
      delete: {
        summary: `delete a ${kind}`,
        usage: `<${kind}>`,
        notes: [deleteNote],
        args: [kind],
        async run(_values, [ref], io) {
          const removed = await api.remove(io.store, ref as string);
          io.out(`deleted ${kind} ${removed.path}`);
          return 0;
        },
      },
    },
  };
}

export const groupCommands = namespaceNoun(
  'group',
  {
    create: (store, input) => store.createGroup(input),
    list: (store) => store.listGroups(),
    setVisibility: (store, ref, v) => store.setGroupVisibility(ref, v),
    remove: (store, ref) => store.deleteGroup(ref),
  },
  'team/backend',
  'Only empty groups can be deleted.',
);

export const projectCommands = namespaceNoun(
  'project',
  {
    create: (store, input) => store.createProject(input),
    list: (store) => store.listProjects(),
    setVisibility: (store, ref, v) => store.setProjectVisibility(ref, v),
    remove: (store, ref) => store.deleteProject(ref),
    setRegistry: (store, ref, level) => store.setProjectRegistryAccessLevel(ref, level),
  },
  'team/app',
  'The images stay in storage; they are reachable again if the project is recreated.',
);
