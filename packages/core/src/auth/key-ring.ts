/**
 * The token service's signing keys, with rotation.
 *
 * One key signs (the newest); every key that is not yet retired verifies, so tokens signed
 * before a rotation stay valid until they expire. The public half of all of them is published
 * as a JWKS, which is how a registry in another process (or another product) verifies Wharf's
 * tokens. Each key's `kid` is its RFC 7638 thumbprint, so the same key always has the same id.
 *
 * The ring is plain data as far as persistence goes: {@link KeyRing.toJSON} includes the
 * private keys, and the host stores it where it keeps secrets (the standalone server: a file
 * in its data directory, mode 0600).
 * @module
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';

/** Algorithms Wharf signs with. ES256 is the default: small keys, small tokens, fast. */
export type SigningAlgorithm = 'ES256' | 'RS256' | 'EdDSA';

/** One key as stored. */
export interface StoredKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
  /** ISO time the key was made. */
  readonly createdAt: string;
  /** ISO time a newer key replaced it for signing; absent for the current key. */
  readonly supersededAt?: string;
}

/** The persisted form of a {@link KeyRing}. */
export interface KeyRingJSON {
  readonly version: 1;
  readonly keys: readonly StoredKey[];
}

const jwkSchema = z.record(z.string(), z.unknown()).transform((v) => v as JWK);
const ringSchema = z.object({
  version: z.literal(1),
  keys: z
    .array(
      z.object({
        kid: z.string().min(1),
        alg: z.enum(['ES256', 'RS256', 'EdDSA']),
        privateJwk: jwkSchema,
        publicJwk: jwkSchema,
        createdAt: z.string(),
        supersededAt: z.string().optional(),
      }),
    )
    .min(1),
});

interface LoadedKey extends StoredKey {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

export class KeyRing {
  #keys: LoadedKey[];

  private constructor(keys: LoadedKey[]) {
    this.#keys = keys;
  }

  /** A ring with one fresh key. */
  static async generate(alg: SigningAlgorithm = 'ES256'): Promise<KeyRing> {
    return new KeyRing([await makeKey(alg)]);
  }

  /**
   * Load a ring saved with {@link toJSON}.
   * @throws Error naming what is wrong when the data is not a valid ring.
   */
  static async fromJSON(data: unknown): Promise<KeyRing> {
    const parsed = ringSchema.safeParse(data);
    if (!parsed.success) throw new Error(`invalid key ring: ${parsed.error.issues[0]?.message ?? 'unreadable'}`);
    const keys: LoadedKey[] = [];
    for (const stored of parsed.data.keys) {
      const privateKey = (await importJWK(stored.privateJwk, stored.alg)) as CryptoKey;
      const publicKey = (await importJWK(stored.publicJwk, stored.alg)) as CryptoKey;
      keys.push({ ...stored, privateKey, publicKey });
    }
    return new KeyRing(keys);
  }

  /**
   * Replace this ring's keys with those of `data` (the {@link toJSON} form), in place, so a
   * token service and verifiers holding this ring see a rotation made by another process.
   * @throws Error when the data is not a valid ring (the keys are left as they were).
   */
  async reload(data: unknown): Promise<void> {
    const loaded = await KeyRing.fromJSON(data);
    this.#keys = loaded.#keys;
  }

  /** The persisted form, private keys included. */
  toJSON(): KeyRingJSON {
    return { version: 1, keys: this.#keys.map(({ privateKey: _p, publicKey: _k, ...stored }) => stored) };
  }

  /** The key that signs new tokens. */
  get current(): { readonly kid: string; readonly alg: SigningAlgorithm; readonly privateKey: CryptoKey } {
    const key = this.#keys[this.#keys.length - 1] as LoadedKey;
    return { kid: key.kid, alg: key.alg, privateKey: key.privateKey };
  }

  /** Every key's public half, newest last, for verification and for the JWKS route. */
  get publicKeys(): ReadonlyArray<{ readonly kid: string; readonly alg: SigningAlgorithm; readonly key: CryptoKey; readonly jwk: JWK }> {
    return this.#keys.map((k) => ({ kid: k.kid, alg: k.alg, key: k.publicKey, jwk: k.publicJwk }));
  }

  /** `{ keys: [...] }` with `kid`, `alg` and `use: "sig"` on each public key. */
  jwks(): { keys: JWK[] } {
    return { keys: this.#keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.alg, use: 'sig' })) };
  }

  /**
   * Make a new key the signing key. The old ones keep verifying until {@link prune} drops
   * them, which should wait at least the longest token lifetime.
   * @returns the new key's id.
   */
  async rotate(alg: SigningAlgorithm = this.current.alg, now = new Date()): Promise<string> {
    const fresh = await makeKey(alg, now);
    this.#keys = [...this.#keys.map((k) => (k.supersededAt ? k : { ...k, supersededAt: now.toISOString() })), fresh];
    return fresh.kid;
  }

  /**
   * Drop keys superseded more than `graceMs` ago (default: 24 h, longer than any access token
   * lives). Refresh tokens signed by a dropped key stop working: their clients log in again.
   * @returns the ids of the dropped keys.
   */
  prune(graceMs = 24 * 3600_000, now = new Date()): string[] {
    const cutoff = now.getTime() - graceMs;
    const dropped = this.#keys.filter((k) => k.supersededAt && Date.parse(k.supersededAt) < cutoff);
    this.#keys = this.#keys.filter((k) => !dropped.includes(k));
    return dropped.map((k) => k.kid);
  }
}

async function makeKey(alg: SigningAlgorithm, now = new Date()): Promise<LoadedKey> {
  const pair = await generateKeyPair(alg, alg === 'EdDSA' ? { extractable: true, crv: 'Ed25519' } : { extractable: true });
  const privateJwk = await exportJWK(pair.privateKey);
  const publicJwk = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, alg, privateJwk, publicJwk, createdAt: now.toISOString(), privateKey: pair.privateKey, publicKey: pair.publicKey };
}
