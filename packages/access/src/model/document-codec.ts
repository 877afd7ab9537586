/**
 * Between the access file's JSON (entities in objects keyed by id) and the document in memory
 * (entities in `Map`s). The file format stays what it always was; only the in-memory shape
 * changed, so that no lookup by a typed name can reach `Object.prototype`.
 *
 * Reading validates with {@link accessFileSchema} first, so a `Map` is only ever built from
 * own keys that passed the schema; writing builds plain data objects with `Object.fromEntries`
 * (own data properties, whatever the key).
 * @module
 */
import { repeatedNumber, withNumbers } from './numbering.js';
import { type AccessDocument, type AccessFile, accessFileSchema } from './schema.js';

/** Where and why a value is not an access file, for error messages. */
export interface DocumentProblem {
  /** Dotted path of the first bad field, or `(top level)`. */
  readonly where: string;
  readonly message: string;
}

function toMap<T>(record: Readonly<Record<string, T>>): Map<string, T> {
  return new Map(Object.entries(record));
}

/**
 * Validate parsed JSON as an access file and convert it to the in-memory document.
 * @returns the document, or the first problem found
 */
export function decodeDocument(json: unknown): { doc: AccessDocument } | { problem: DocumentProblem } {
  const result = accessFileSchema.safeParse(withNumbers(json));
  if (!result.success) {
    const issue = result.error.issues[0];
    return { problem: { where: issue?.path.length ? issue.path.join('.') : '(top level)', message: issue?.message ?? 'invalid' } };
  }
  const file = result.data;
  const doc: AccessDocument = {
      format: file.format,
      revision: file.revision,
      users: toMap(file.users),
      groups: toMap(file.groups),
      projects: toMap(file.projects),
      members: file.members,
      personalAccessTokens: toMap(file.personalAccessTokens),
      deployTokens: toMap(file.deployTokens),
      jobs: toMap(file.jobs),
      counters: file.counters,
  };
  const repeated = repeatedNumber(doc);
  if (repeated) return { problem: { where: repeated.kind, message: `the number ${repeated.number} is used twice` } };
  return { doc };
}

/** The file form of a document (not validated; {@link decodeDocument} it to check). */
export function encodeDocument(doc: AccessDocument): AccessFile {
  return {
    format: doc.format,
    revision: doc.revision,
    users: Object.fromEntries(doc.users),
    groups: Object.fromEntries(doc.groups),
    projects: Object.fromEntries(doc.projects),
    members: doc.members,
    personalAccessTokens: Object.fromEntries(doc.personalAccessTokens),
    deployTokens: Object.fromEntries(doc.deployTokens),
    jobs: Object.fromEntries(doc.jobs),
    counters: doc.counters,
  };
}
