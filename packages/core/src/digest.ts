/**
 * Digests (`algorithm:encoded`, image-spec descriptor.md) and streaming digesters.
 * @module
 */
import { createHash, type Hash } from 'node:crypto';
import { RegistryError } from './errors/registry-error.js';

/** Algorithms the registry computes and accepts. */
export const DIGEST_ALGORITHMS = {
  sha256: { hashName: 'sha256', hexLength: 64 },
  sha512: { hashName: 'sha512', hexLength: 128 },
} as const;

export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

/** A parsed, validated digest. */
export interface Digest {
  readonly algorithm: DigestAlgorithm;
  /** Lowercase hex. */
  readonly hex: string;
  /** `algorithm:hex`. */
  readonly value: string;
}

/** The general grammar of descriptor.md, before algorithm-specific rules. */
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Whether `algorithm` is one the registry supports. */
export function isDigestAlgorithm(algorithm: string): algorithm is DigestAlgorithm {
  return Object.hasOwn(DIGEST_ALGORITHMS, algorithm);
}

/**
 * Parse a digest string.
 * @throws RegistryError DIGEST_INVALID when malformed or of an unsupported algorithm.
 */
export function parseDigest(value: string): Digest {
  const parsed = tryParseDigest(value);
  if (!parsed) {
    throw new RegistryError('DIGEST_INVALID', `invalid digest ${JSON.stringify(value.slice(0, 200))}: expected sha256:<64 hex> or sha512:<128 hex>`, {
      detail: { digest: value.slice(0, 200) },
    });
  }
  return parsed;
}

/** Parse a digest, or `null` when it is not a valid, supported one. */
export function tryParseDigest(value: string): Digest | null {
  if (value.length > 300 || !DIGEST_GRAMMAR.test(value)) return null;
  const colon = value.indexOf(':');
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  if (!isDigestAlgorithm(algorithm)) return null;
  const { hexLength } = DIGEST_ALGORITHMS[algorithm];
  if (hex.length !== hexLength || !/^[0-9a-f]+$/.test(hex)) return null;
  return { algorithm, hex, value };
}

/** Whether a string looks like a digest (has the general grammar), supported or not. */
export function looksLikeDigest(value: string): boolean {
  return value.includes(':');
}

/** Incremental digest computation. */
export class Digester {
  readonly #hash: Hash;
  #size = 0;

  constructor(
    readonly algorithm: DigestAlgorithm = 'sha256',
    hash?: Hash,
  ) {
    this.#hash = hash ?? createHash(DIGEST_ALGORITHMS[algorithm].hashName);
  }

  /** Bytes seen so far. */
  get size(): number {
    return this.#size;
  }

  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.#size += chunk.byteLength;
  }

  /** An independent copy, so a checkpoint survives a failed continuation. */
  copy(): Digester {
    const d = new Digester(this.algorithm, this.#hash.copy());
    d.#size = this.#size;
    return d;
  }

  /** The digest of everything seen (the digester stays usable: it digests a copy). */
  digest(): string {
    return `${this.algorithm}:${this.#hash.copy().digest('hex')}`;
  }
}

/** Digest of a byte array. */
export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(DIGEST_ALGORITHMS[algorithm].hashName).update(bytes).digest('hex')}`;
}
