/**
 * The key a client address is throttled under. IPv4 addresses stand for themselves (also when
 * written IPv4-mapped, `::ffff:192.0.2.1`, as a dual-stack socket reports them); IPv6 addresses
 * are grouped by their /64, the block one host or home usually gets, so that an attacker cannot
 * mint a fresh address for every guess.
 * @module
 */

/**
 * The throttle key of `address`: `''` when unknown, the IPv4 address, or `<first 4 groups>::/64`.
 * Input that is not an IP address is returned lower-cased, as it is.
 * @example
 * addressKey('::ffff:10.0.0.1');          // '10.0.0.1'
 * addressKey('2001:db8:1:2:aaaa::1');      // '2001:db8:1:2::/64'
 */
export function addressKey(address: string | undefined): string {
  if (!address) return '';
  let a = address.trim().toLowerCase();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped?.[1]) return mapped[1];
  if (!a.includes(':')) return a;
  const groups = ipv6Groups(a);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : a;
}

/** The eight groups of an IPv6 address, without leading zeros, or null when malformed. */
function ipv6Groups(address: string): string[] | null {
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string | undefined): string[] | null => {
    if (!part) return [];
    const out: string[] = [];
    for (const group of part.split(':')) {
      if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(group)) {
        out.push('v4', 'v4'); // an embedded IPv4 address fills the last two groups
      } else if (/^[0-9a-f]{1,4}$/.test(group)) {
        out.push(parseInt(group, 16).toString(16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...head, ...Array<string>(missing).fill('0'), ...tail];
}
