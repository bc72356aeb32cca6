import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/*
 * Which IP addresses a webhook may be sent to. ipaddr.js classifies the ranges
 * (private, loopback, link-local incl. the 169.254.169.254 metadata service, CGNAT,
 * multicast, reserved, documentation, ULA incl. AWS's fd00:ec2::254, …): only plain
 * `unicast` is public. IPv6 that embeds an IPv4 address is judged by that address.
 */

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

// Only 2000::/3 is allocated for global unicast; anything else (e.g. the deprecated
// IPv4-compatible ::a.b.c.d, which ipaddr.js calls unicast) is refused.
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

const isPublicV4 = (address: IPv4) => address.range() === 'unicast';

const v4FromBytes = (bytes: number[]) => new ipaddr.IPv4(bytes);

/** IPv4 addresses carried inside an IPv6 address of a translation or tunnel range. */
function embeddedV4(address: IPv6): IPv4[] | undefined {
  const bytes = address.toByteArray();
  switch (address.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d
      return [v4FromBytes(bytes.slice(12))];
    case 'rfc6052': // NAT64 64:ff9b::a.b.c.d; its /48 local-use sibling is private
      return address.match(ipaddr.IPv6.parseCIDR('64:ff9b::/96')) ? [v4FromBytes(bytes.slice(12))] : [];
    case '6to4': // 2002:aabb:ccdd::/48
      return [v4FromBytes(bytes.slice(2, 6))];
    case 'teredo': // 2001:0:<server v4>:…:<client v4 inverted>
      return [v4FromBytes(bytes.slice(4, 8)), v4FromBytes(bytes.slice(12).map((byte) => byte ^ 0xff))];
    default:
      return undefined;
  }
}

function isPublicV6(address: IPv6): boolean {
  const embedded = embeddedV4(address);
  if (embedded) return embedded.length > 0 && embedded.every(isPublicV4);
  return address.match(GLOBAL_UNICAST_V6) && address.range() === 'unicast';
}

/**
 * True when `address` (an IP literal, as DNS answers it) is a public unicast address
 * a webhook may reach. Anything unparsable is not public.
 */
export function isPublicAddress(address: string): boolean {
  if (isIP(address) === 0) return false;
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv4' ? isPublicV4(parsed as IPv4) : isPublicV6(parsed as IPv6);
}
