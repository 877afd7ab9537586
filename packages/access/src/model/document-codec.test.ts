import { describe, expect, it } from 'vitest';
import { decodeDocument, encodeDocument } from './document-codec.js';
import { emptyDocument } from './schema.js';

const USER_ID = '01JNM7XG7ZP8Y3D6T4Q2R5S8VW';
const GROUP_ID = '01JNM7XG80000000000000000A';

/** A document exactly as the store wrote it before the in-memory `Map`s (format wharf-access/1). */
const STORED = `{
 "format": "wharf-access/1",
 "revision": 3,
 "users": {
  "${USER_ID}": {
   "id": "${USER_ID}",
   "username": "admin",
   "passwordHash": {
    "algorithm": "scrypt",
    "N": 1024,
    "r": 8,
    "p": 1,
    "keyLength": 32,
    "salt": "c2FsdHNhbHRzYWx0c2FsdA==",
    "hash": "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g="
   },
   "admin": true,
   "twoFactor": false,
   "blocked": false,
   "external": false,
   "createdAt": "2026-03-01T12:00:00.000Z"
  }
 },
 "groups": {
  "${GROUP_ID}": { "id": "${GROUP_ID}", "path": "team", "parentId": null, "visibility": "public", "createdAt": "2026-03-01T12:00:00.000Z" }
 },
 "projects": {},
 "members": [
  { "userId": "${USER_ID}", "target": { "type": "group", "id": "${GROUP_ID}" }, "role": "owner", "createdAt": "2026-03-01T12:00:00.000Z" }
 ],
 "personalAccessTokens": {},
 "deployTokens": {},
 "jobs": {},
 "counters": { "deployTokens": 0 }
}
`;

function problemOf(json: unknown): string {
  const result = decodeDocument(json);
  if (!('problem' in result)) throw new Error('expected a problem');
  return `${result.problem.where}: ${result.problem.message}`;
}

describe('access document codec', () => {
  it('should load a document in the stored file format into maps and write it back with numeric ids added', () => {
    const result = decodeDocument(JSON.parse(STORED));
    if (!('doc' in result)) throw new Error(result.problem.message);
    const { doc } = result;
    expect(doc.users).toBeInstanceOf(Map);
    expect(doc.users.get(USER_ID)?.username).toBe('admin');
    expect(doc.groups.get(GROUP_ID)?.path).toBe('team');
    expect(doc.users.get('constructor')).toBeUndefined();
    const expected = JSON.parse(STORED);
    expected.users[USER_ID].number = 1;
    expected.groups[GROUP_ID].number = 1;
    expected.counters.numbers = { users: 1, groups: 1, projects: 0, personalAccessTokens: 0, deployTokens: 0, jobs: 0 };
    expect(JSON.parse(JSON.stringify(encodeDocument(doc)))).toEqual(expected);
  });

  it('should number entities of a file without numbers in creation order, after the highest number present', () => {
    const stored = JSON.parse(STORED);
    const group = stored.groups[GROUP_ID];
    stored.groups = {
      B: { ...group, id: 'B', path: 'b', createdAt: '2026-03-02T00:00:00.000Z' },
      A: { ...group, id: 'A', path: 'a', createdAt: '2026-03-03T00:00:00.000Z' },
      C: { ...group, id: 'C', path: 'c', createdAt: '2026-03-02T00:00:00.000Z' },
      D: { ...group, id: 'D', path: 'd', number: 7 },
    };
    const result = decodeDocument(stored);
    if (!('doc' in result)) throw new Error(result.problem.message);
    const numbers = Object.fromEntries([...result.doc.groups.values()].map((g) => [g.id, g.number]));
    expect(numbers).toEqual({ B: 8, C: 9, A: 10, D: 7 });
    expect(result.doc.counters.numbers.groups).toBe(10);
    // The same file read again numbers the same way (two processes agree before either writes).
    const again = decodeDocument(stored);
    if (!('doc' in again)) throw new Error(again.problem.message);
    expect(Object.fromEntries([...again.doc.groups.values()].map((g) => [g.id, g.number]))).toEqual(numbers);
  });

  it('should refuse a file in which two entities of a kind share a number', () => {
    const stored = JSON.parse(STORED);
    const group = stored.groups[GROUP_ID];
    stored.groups = { A: { ...group, id: 'A', path: 'a', number: 3 }, B: { ...group, id: 'B', path: 'b', number: 3 } };
    expect(problemOf(stored)).toBe('groups: the number 3 is used twice');
  });

  it('should refuse __proto__, constructor and prototype as entity keys, at any collection', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      for (const collection of ['users', 'groups', 'projects', 'personalAccessTokens', 'deployTokens', 'jobs']) {
        const doc = JSON.parse(STORED);
        // JSON.parse makes "__proto__" an own property, as a hand-edited file would have it.
        doc[collection] = JSON.parse(`{ ${JSON.stringify(key)}: { "id": ${JSON.stringify(key)} } }`);
        expect(problemOf(doc)).toMatch(new RegExp(`^${collection}\\.${key}: a reserved key`));
      }
    }
  });

  it('should refuse unknown fields anywhere, including __proto__ inside a record', () => {
    const top = JSON.parse(STORED);
    top.extra = 1;
    expect(problemOf(top)).toMatch(/extra/);
    const inner = JSON.parse(STORED.replace('"admin": true,', '"admin": true, "__proto__": { "blocked": false },'));
    expect(problemOf(inner)).toMatch(new RegExp(`users\\.${USER_ID}.*__proto__`));
    const hash = JSON.parse(STORED.replace('"keyLength": 32,', '"keyLength": 32, "pepper": "x",'));
    expect(problemOf(hash)).toMatch(/passwordHash.*pepper/);
  });

  it('should refuse an entity stored under a key that is not its id', () => {
    const doc = JSON.parse(STORED.replace(`"${GROUP_ID}": {`, '"01JNM7XG80000000000000000B": {'));
    expect(problemOf(doc)).toMatch(/groups\.01JNM7XG80000000000000000B\.id: the id differs/);
  });

  it('should encode an empty document to the empty file form and back', () => {
    const encoded = encodeDocument(emptyDocument());
    expect(encoded.users).toEqual({});
    expect(decodeDocument(JSON.parse(JSON.stringify(encoded)))).toEqual({ doc: emptyDocument() });
  });
});
