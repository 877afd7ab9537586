/**
 * `WHARF_QUOTAS`: per-namespace storage quotas for the standalone server, as
 * `namespace=size[,namespace=size…]`, where `*` sets the quota of every other namespace and a
 * size is a number with an optional unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB).
 * Example: `WHARF_QUOTAS="team=50GiB,*=10GiB"`. What counts, and how the check stays exact across
 * processes, is in `@wharf/core`'s quota/namespace-quota.ts.
 * @module
 */
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Parsed quotas: per namespace, and the default for the others (`null`: none). */
export interface QuotaTable {
  readonly namespaces: ReadonlyMap<string, number>;
  readonly fallback: number | null;
}

/** @throws Error naming the bad entry. */
export function parseQuotas(text: string): QuotaTable {
  const namespaces = new Map<string, number>();
  let fallback: number | null = null;
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^([a-z0-9]+(?:[._-][a-z0-9]+)*|\*)=(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(entry);
    const unit = match?.[3] ? UNITS[match[3].toLowerCase()] : 1;
    if (!match || unit === undefined) {
      throw new Error(`WHARF_QUOTAS: cannot read ${JSON.stringify(entry)}; expected namespace=size such as team=10GiB (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), or *=size for every other namespace`);
    }
    const bytes = Math.floor(Number(match[2]) * unit);
    if (!Number.isSafeInteger(bytes)) throw new Error(`WHARF_QUOTAS: ${JSON.stringify(entry)} is too large; at most ${Number.MAX_SAFE_INTEGER} bytes (8 PiB)`);
    if (match[1] === '*') fallback = bytes;
    else namespaces.set(match[1] as string, bytes);
  }
  return { namespaces, fallback };
}

/** The quota of `namespace` under `table`. */
export function quotaFor(table: QuotaTable, namespace: string): number | null {
  return table.namespaces.get(namespace) ?? table.fallback;
}
