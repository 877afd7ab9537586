/**
 * How storage paths map onto object keys.
 *
 * ```text
 * <prefix>/a/b/c                 the file /a/b/c (no prefix: a/b/c)
 * <prefix>#uploads/a/b/c#state   an unfinished writer of /a/b/c: its state (JSON)
 * <prefix>#uploads/a/b/c#data    … its multipart upload, or its bytes once read back
 * <prefix>#uploads/a/b/c#tail-…  … the bytes after its last full part
 * ```
 *
 * `#` cannot occur in a storage path, so a writer's keys never collide with a file's, nor with
 * another writer's, and the writers' tree sits beside the files' tree instead of inside it:
 * listing a directory never sees unfinished uploads (no filtering, and a directory holding only
 * an unfinished upload does not exist), and deleting a directory finds the writers beneath it
 * under one prefix of the writers' tree.
 * @module
 */
import { isValidPath } from '@wharf/core/storage';

/** Marks the writers' tree and the writer keys; not a path character. */
const MARK = '#';

/** Key arithmetic for one bucket prefix. */
export class KeyMap {
  /** Prefix of every file key: `<prefix>/`, or empty for the whole bucket. */
  readonly files: string;
  /** Prefix of every writer key: `<prefix>#uploads/`. */
  readonly writers: string;

  /**
   * @param prefix key prefix without leading or trailing slashes (`team/registry`), or empty.
   * @throws Error when a component is not a valid path component.
   */
  constructor(readonly prefix = '') {
    const trimmed = prefix.replace(/^\/+|\/+$/g, '');
    if (trimmed && !isValidPath(`/${trimmed}`)) {
      throw new Error(`invalid S3 key prefix ${JSON.stringify(prefix)}: use components of [A-Za-z0-9._-] separated by "/"`);
    }
    this.prefix = trimmed;
    this.files = trimmed ? `${trimmed}/` : '';
    this.writers = `${trimmed}${MARK}uploads/`;
  }

  /** Key of the file at a storage path (`/a/b` → `<prefix>/a/b`). */
  file(path: string): string {
    return this.files + path.slice(1);
  }

  /** Prefix under which a directory's descendants live (`/a` → `<prefix>/a/`; `/` → `<prefix>/`). */
  dir(path: string): string {
    return path === '/' ? this.files : `${this.files}${path.slice(1)}/`;
  }

  /** Storage path of a child listed under `dir(path)`, or `null` for names that are not ours. */
  child(path: string, name: string): string | null {
    if (!name || name.includes('/') || !isValidPath(`/${name}`)) return null;
    return path === '/' ? `/${name}` : `${path}/${name}`;
  }

  /** The keys of the writer of a path. */
  writer(path: string): WriterKeys {
    const base = this.writers + path.slice(1);
    return {
      prefix: `${base}${MARK}`,
      state: `${base}${MARK}state`,
      data: `${base}${MARK}data`,
      tail: (id: string) => `${base}${MARK}tail-${id}`,
    };
  }

  /** Prefix of the writers of every path beneath a directory. */
  writersBeneath(path: string): string {
    return `${this.writers}${path.slice(1)}/`;
  }
}

/** The keys one writer uses. */
export interface WriterKeys {
  /** Every key of this writer starts with it (and no other writer's does). */
  readonly prefix: string;
  /** The state object (JSON). */
  readonly state: string;
  /** The multipart upload's key, and the bytes read back from it. */
  readonly data: string;
  /** A tail object; each close writes a new one. */
  tail(id: string): string;
}
