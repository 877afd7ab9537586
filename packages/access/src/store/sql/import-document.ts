/**
 * Moving the access model from the JSON file (`access/access.json`, the store before the
 * metadata database) into the database, idempotently:
 *
 * - into an empty database: everything is written in one transaction (ids, GitLab's numbers and
 *   the counters as they were, so tokens, URLs and scripts that name a number keep working);
 * - into a database that already holds exactly that document: nothing to do (a second run, or
 *   a restart after the automatic import);
 * - into a database that holds something else: refused, unless `replace` — the database would
 *   lose its own changes, and the file is probably older than it.
 * @module
 */
import { AccessError } from '../../model/access-error.js';
import type { ReadonlyAccessDocument } from '../../model/access-state.js';
import { encodeDocument } from '../../model/document-codec.js';
import type { AccessDocument } from '../../model/schema.js';
import type { AccessStore } from '../access-store.js';

/** What an import did. */
export type ImportOutcome = 'imported' | 'already-imported' | 'replaced';

/** The document's content, for comparing: its revision left out, entities in key order. */
function content(doc: ReadonlyAccessDocument): string {
  const { revision: _revision, members, ...rest } = encodeDocument(doc as AccessDocument);
  const sortedMembers = [...members].sort((a, b) => `${a.userId}|${a.target.type}|${a.target.id}`.localeCompare(`${b.userId}|${b.target.type}|${b.target.id}`));
  return JSON.stringify({ ...rest, members: sortedMembers }, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value,
  );
}

const isEmpty = (doc: ReadonlyAccessDocument): boolean =>
  doc.users.size === 0 && doc.groups.size === 0 && doc.projects.size === 0 && doc.personalAccessTokens.size === 0 && doc.deployTokens.size === 0 && doc.jobs.size === 0;

/**
 * Put `source` (a validated JSON document) into `store` (a database store), as one revision.
 * @throws AccessError CONFLICT when the store holds other data and `replace` is not set
 */
export async function importAccessDocument(store: AccessStore, source: ReadonlyAccessDocument, options: { readonly replace?: boolean } = {}): Promise<ImportOutcome> {
  const wanted = content(source);
  return store.update((doc) => {
    if (content(doc) === wanted) return 'already-imported' as const;
    const empty = isEmpty(doc);
    if (!empty && !options.replace)
      throw new AccessError(
        'CONFLICT',
        'the database already holds other users, projects or tokens; importing would replace them (use --replace to do so anyway)',
      );
    doc.users = new Map(source.users);
    doc.groups = new Map(source.groups);
    doc.projects = new Map(source.projects);
    doc.members = [...source.members];
    doc.personalAccessTokens = new Map(source.personalAccessTokens);
    doc.deployTokens = new Map(source.deployTokens);
    doc.jobs = new Map(source.jobs);
    doc.counters = structuredClone(source.counters) as AccessDocument['counters'];
    return empty ? ('imported' as const) : ('replaced' as const);
  });
}
