/**
 * Deterministic payload files for the benchmark, pre-generated in a temp dir under /tmp so
 * that the client only streams from the page cache during a measurement.
 *
 * Content is AES-256-CTR keystream under a fixed key (a fast deterministic PRNG, and
 * incompressible); sha256 digests of the whole file and of fixed-size slices are computed
 * while writing, so no measurement has to hash on the client side before sending.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { MiB } from './stats.mjs';

const BLOCK = MiB;

/**
 * Writes `size` deterministic bytes (seeded by `seed`) to `path`.
 * @param sliceSizes sizes (multiples of 1 MiB dividing `size`) whose per-slice digests are wanted.
 * @returns `{ path, size, digest, slices: { [sliceSize]: string[] } }`
 */
export async function generatePayload(path, size, seed, sliceSizes = []) {
  if (size % BLOCK !== 0) throw new Error(`payload size must be a multiple of 1 MiB, got ${size}`);
  for (const s of sliceSizes) {
    if (s % BLOCK !== 0 || size % s !== 0) throw new Error(`slice size ${s} must be a multiple of 1 MiB dividing ${size}`);
  }
  const key = createHash('sha256').update(`wharf-bench-key-${seed}`).digest();
  const iv = createHash('sha256').update(`wharf-bench-iv-${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const zeros = Buffer.alloc(BLOCK);
  const whole = createHash('sha256');
  const slices = Object.fromEntries(sliceSizes.map((s) => [s, []]));
  const current = new Map(sliceSizes.map((s) => [s, createHash('sha256')]));
  const fh = await open(path, 'w');
  try {
    for (let offset = 0; offset < size; offset += BLOCK) {
      const block = cipher.update(zeros);
      whole.update(block);
      for (const s of sliceSizes) {
        const h = current.get(s);
        h.update(block);
        if ((offset + BLOCK) % s === 0) {
          slices[s].push(`sha256:${h.digest('hex')}`);
          current.set(s, createHash('sha256'));
        }
      }
      await fh.write(block, 0, block.length);
    }
  } finally {
    await fh.close();
  }
  return { path, size, digest: `sha256:${whole.digest('hex')}`, slices };
}
