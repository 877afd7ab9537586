/**
 * GitLab's numeric ids. Every user, group, project, token and job has a `number` from a
 * sequence of its kind (`counters.numbers`), given when it is created and never reused, so the
 * REST API can show and accept ids the way GitLab does (`/api/v4/projects/2`).
 *
 * Files written before numbers existed are numbered when read: the entities of each kind in
 * the order they were created (then by ulid), after the highest number already present. The
 * order depends on the file alone, so two processes reading the same old file agree, and the
 * next write stores the numbers.
 * @module
 */
import { AccessError } from './access-error.js';
import { type AccessDocument, NUMBERED_KINDS, type NumberedKind } from './schema.js';

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of a parsed access file in which every numbered entity has a `number` and
 * `counters.numbers` is at least the highest one. Anything malformed is left as it is, for the
 * schema to report.
 */
export function withNumbers(json: unknown): unknown {
  if (!isObject(json) || !isObject(json.counters)) return json;
  const stored = isObject(json.counters.numbers) ? json.counters.numbers : {};
  const counters: Loose = {};
  const copy: Loose = { ...json };
  for (const kind of NUMBERED_KINDS) {
    const entities = json[kind];
    const last = typeof stored[kind] === 'number' ? stored[kind] : 0;
    if (!isObject(entities)) {
      counters[kind] = last;
      continue;
    }
    const records = Object.entries(entities);
    let highest = last;
    for (const [, record] of records) if (isObject(record) && typeof record.number === 'number') highest = Math.max(highest, record.number);
    const missing = records
      .filter(([, record]) => isObject(record) && record.number === undefined)
      .sort(([a, x], [b, y]) => String((x as Loose).createdAt).localeCompare(String((y as Loose).createdAt)) || a.localeCompare(b));
    if (missing.length > 0) {
      const numbered: Loose = { ...entities };
      for (const [key, record] of missing) numbered[key] = { ...(record as Loose), number: ++highest };
      copy[kind] = numbered;
    }
    counters[kind] = highest;
  }
  copy.counters = { ...json.counters, numbers: counters };
  return copy;
}

/**
 * The first kind whose numbers repeat, for the document check; `null` when all are unique.
 * Tag protection rules live inside their projects but are numbered across all of them.
 */
export function repeatedNumber(doc: AccessDocument): { kind: NumberedKind | 'containerTagRules'; number: number } | null {
  for (const kind of NUMBERED_KINDS) {
    const seen = new Set<number>();
    for (const record of (doc[kind] as Map<string, { number: number }>).values()) {
      if (seen.has(record.number)) return { kind, number: record.number };
      seen.add(record.number);
    }
  }
  const rules = new Set<number>();
  for (const project of doc.projects.values()) {
    for (const rule of project.containerTagRules ?? []) {
      if (rules.has(rule.number)) return { kind: 'containerTagRules', number: rule.number };
      rules.add(rule.number);
    }
  }
  return null;
}

/**
 * The next tag protection rule number. The sequence starts with the first rule; should a file
 * hold rules numbered above its counter (edited by hand), numbering continues above them.
 */
export function nextTagRuleNumber(doc: AccessDocument): number {
  let highest = doc.counters.containerTagRules ?? 0;
  for (const project of doc.projects.values()) for (const rule of project.containerTagRules ?? []) highest = Math.max(highest, rule.number);
  const next = highest + 1;
  if (!Number.isSafeInteger(next)) throw new AccessError('CONFLICT', 'no tag protection rule number left');
  doc.counters.containerTagRules = next;
  return next;
}

/** The next number of a kind, taken from the document's sequence. */
export function nextNumber(doc: AccessDocument, kind: NumberedKind): number {
  const next = doc.counters.numbers[kind] + 1;
  if (!Number.isSafeInteger(next)) throw new AccessError('CONFLICT', `no ${kind} number left`);
  doc.counters.numbers[kind] = next;
  return next;
}
