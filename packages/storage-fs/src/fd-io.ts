/**
 * Small-file I/O on raw file descriptors through Node's callback API.
 *
 * Registry metadata (tags, links, manifests, upload state) is read and written in files of a
 * few hundred bytes, many times per push and pull. `fs/promises` wraps every descriptor in a
 * FileHandle and `readFile` adds an fstat, which on this workload costs about three times the
 * system calls' own price; plain descriptors keep a tag lookup at three thread-pool hops
 * (open, read, close).
 * @module
 */
import { close, fdatasync, fsync, open, read, write } from 'node:fs';
import { promisify } from 'node:util';

const openFd = promisify(open);
const closeFd = promisify(close);
const readFd = promisify(read);
const writeFd = promisify(write);
const fdatasyncFd = promisify(fdatasync);
const fsyncFd = promisify(fsync);

/** Reads start with this much; most metadata files fit, bigger ones take more reads. */
const FIRST_READ = 16 * 1024;

/** Read a whole file. Rejects with the system error (ENOENT, EISDIR, …). */
export async function readSmallFile(file: string): Promise<Buffer> {
  const fd = await openFd(file, 'r');
  try {
    let buffer = Buffer.allocUnsafe(FIRST_READ);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 4);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const { bytesRead } = await readFd(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await closeFd(fd);
  }
}

/**
 * Create `file` exclusively, write `content` and (with `durable`) fdatasync it.
 * Rejects with the system error; on failure after creation the caller removes the file.
 */
export async function writeNewFile(file: string, content: Uint8Array, durable: boolean): Promise<void> {
  const fd = await openFd(file, 'wx');
  try {
    let offset = 0;
    while (offset < content.byteLength) {
      const { bytesWritten } = await writeFd(fd, content, offset, content.byteLength - offset, offset);
      offset += bytesWritten;
    }
    if (durable) await fdatasyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}

/** fsync a directory by path. */
export async function fsyncPath(path: string): Promise<void> {
  const fd = await openFd(path, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}
