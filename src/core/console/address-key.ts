import { isIPv6 } from 'node:net';

/**
 * The key a client address is counted under for the sign-in limit. One IPv6 host usually
 * holds a whole /64 and may pick any address in it, so an IPv6 address counts as its /64;
 * an IPv4 address (also written IPv4-mapped, `::ffff:192.0.2.7`) counts as itself.
 */
export function addressKey(address: string): string {
  const bare = address.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(bare);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(bare)) return address;
  const groups = expand(bare);
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The eight groups of an IPv6 address; `::` filled with zeros, a trailing IPv4 part as two groups. */
function expand(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const parts = (text: string) => (text === '' ? [] : text.split(':').flatMap(ipv4AsGroups));
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  return [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
}

function ipv4AsGroups(part: string): string[] {
  const octets = part.split('.').map(Number);
  if (octets.length !== 4) return [part];
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
