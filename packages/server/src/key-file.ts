/**
 * The standalone server's token-signing keys, in a file of the data directory.
 *
 * The file holds private keys, so it is created with mode 0600 (its temp files too) in a
 * directory created with mode 0700, and an existing file that others could read (restored
 * from a backup, copied by hand) is tightened to 0600 when it is opened.
 *
 * Creating it is race-free: the ring is written to a temporary file and hard-linked into
 * place, which fails if another process got there first (then its ring is used). A rotation
 * (`wharf keys rotate`, possibly from another process) replaces the file atomically; a running
 * server notices the change within {@link RELOAD_CHECK_MS} and reloads the ring in place.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyRing } from '@wharf/core';

/** Mode of the key file and its temp files: owner read and write only. */
export const KEY_FILE_MODE = 0o600;

/** How often a server looks at the key file's modification time. */
export const RELOAD_CHECK_MS = 5_000;

/** A key ring backed by a file; see the module doc. */
export class KeyFile {
  #checkedAt = 0;
  #version: string;

  private constructor(
    readonly path: string,
    readonly ring: KeyRing,
    version: string,
  ) {
    this.#version = version;
  }

  /** Load the ring at `path`, creating it with one fresh ES256 key when there is none. */
  static async open(path: string): Promise<KeyFile> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    try {
      return await KeyFile.#load(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const ring = await KeyRing.generate();
    await writeExclusive(path, ring);
    // Whoever won the race, the file now holds the ring everyone uses.
    return KeyFile.#load(path);
  }

  /** Reload the ring if the file changed since the last look (at most every {@link RELOAD_CHECK_MS}). */
  async refresh(now = Date.now()): Promise<void> {
    if (now - this.#checkedAt < RELOAD_CHECK_MS) return;
    this.#checkedAt = now;
    const version = await versionOf(this.path).catch(() => this.#version);
    if (version === this.#version) return;
    await this.ring.reload(JSON.parse(await readFile(this.path, 'utf8')));
    this.#version = version;
  }

  /**
   * Add a new signing key and drop keys superseded more than `graceMs` ago, then save.
   * @returns the new key's id.
   */
  async rotate(graceMs?: number): Promise<string> {
    const kid = await this.ring.rotate();
    this.ring.prune(graceMs);
    await replace(this.path, this.ring);
    this.#version = await versionOf(this.path);
    return kid;
  }

  static async #load(path: string): Promise<KeyFile> {
    await restrictToOwner(path);
    const version = await versionOf(path);
    let data: unknown;
    try {
      data = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
      throw new Error(`the key file ${path} is not valid JSON; restore it from a backup or delete it (which ends every session)`);
    }
    return new KeyFile(path, await KeyRing.fromJSON(data), version);
  }
}

/**
 * Drop the group and other bits of an existing key file (ENOENT is passed on: no file yet).
 * A file of another owner (EPERM) or on a read-only mount (EROFS) is read as it is.
 */
async function restrictToOwner(path: string): Promise<void> {
  const { mode } = await stat(path);
  if ((mode & 0o077) === 0) return;
  await chmod(path, mode & 0o700).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPERM' && error.code !== 'EROFS') throw error;
  });
}

async function versionOf(path: string): Promise<string> {
  const info = await stat(path);
  return `${info.ino}:${info.mtimeMs}:${info.size}`;
}

async function writeTemp(path: string, ring: KeyRing): Promise<string> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', KEY_FILE_MODE);
  try {
    await handle.writeFile(`${JSON.stringify(ring.toJSON(), null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

async function writeExclusive(path: string, ring: KeyRing): Promise<void> {
  const temp = await writeTemp(path, ring);
  try {
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
  await syncDir(dirname(path));
}

async function replace(path: string, ring: KeyRing): Promise<void> {
  const temp = await writeTemp(path, ring);
  await rename(temp, path);
  await syncDir(dirname(path));
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
