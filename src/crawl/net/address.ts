/**
 * The address guard: which IP addresses the crawler may connect to. Only public unicast
 * is allowed by default; everything else (loopback, private, link-local and the cloud
 * metadata address, CGNAT, multicast, unspecified, broadcast, reserved, documentation and
 * benchmark ranges, IPv6 unique-local and link-local) is refused. IPv6 forms that carry an
 * IPv4 address (IPv4-mapped, SIIT, NAT64, 6to4) are judged by that IPv4 address, so
 * ::ffff:10.0.0.1 is as private as 10.0.0.1. Range tables come from ipaddr.js.
 */
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** What may be reached although it is not public. */
export interface AddressAllow {
  /** Loopback, RFC 1918, CGNAT and IPv6 unique-local (link-local and metadata still need `hosts`). */
  private?: boolean | undefined;
  /** Hostnames, IP addresses or CIDRs ("127.0.0.1", "127.0.0.0/8", "::1", "intranet.example"). */
  hosts?: string[] | undefined;
}

export interface AddressClass {
  /** The range name (ipaddr.js's, plus "ipv4Compatible", "nonGlobalIpv6"); "unicast" for public addresses. */
  range: string;
  /** For IPv6 forms carrying an IPv4 address: that address, which decided the range. */
  embedded?: string;
}

export interface AddressVerdict {
  address: string;
  allowed: boolean;
  range: string;
  /** Why it was refused (or "allowed by …"). */
  reason: string;
}

/** Ranges no HTTP server lives in: refused even when allowed by name or CIDR. */
const NEVER = new Set(["unspecified", "multicast", "broadcast"]);
/** Ranges that `private: true` opens. */
const PRIVATE = new Set(["loopback", "private", "carrierGradeNat", "uniqueLocal"]);

/** Readable names for the ranges in messages. */
const LABELS: Record<string, string> = {
  linkLocal: "link-local (incl. cloud metadata)",
  carrierGradeNat: "carrier-grade NAT",
  uniqueLocal: "unique-local",
  ipv4Compatible: "IPv4-compatible IPv6",
  nonGlobalIpv6: "non-global IPv6",
  deprecatedSiteLocal: "site-local",
  rfc6052: "NAT64 local-use",
};

/** An IP literal as a URL hostname or DNS answer may spell it: brackets and zone removed. */
function parseIp(text: string): Address | null {
  const bare = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  // ipaddr.isValid also takes odd IPv4 spellings (octal, one-part); a URL parser has
  // normalised those already, and a resolver never returns them.
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (!ipaddr.IPv6.isValid(bare)) return null;
  // ipaddr.js reads "::a.b.c.d" as "::ffff:a.b.c.d"; spell the dotted tail in hex so
  // the IPv4-compatible form keeps its own bits.
  const hex = bare.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) =>
    [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)].map((x) => x.toString(16)).join(":"),
  );
  return ipaddr.IPv6.isValid(hex) ? ipaddr.IPv6.parse(hex) : null;
}

/** Whether a URL hostname is an IP literal ("10.0.0.1", "[::1]"). */
export function isIpLiteral(host: string): boolean {
  return parseIp(host) !== null;
}

/** The IPv4 address an IPv6 address carries, for the forms that route to it. */
function embeddedIpv4(v6: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = v6.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  switch (range) {
    case "ipv4Mapped": // ::ffff:a.b.c.d
    case "rfc6145": // ::ffff:0:a.b.c.d (SIIT)
      return v4(p[6] ?? 0, p[7] ?? 0);
    case "rfc6052": // 64:ff9b::a.b.c.d (NAT64 well-known prefix)
      return p[2] === 0 ? v4(p[6] ?? 0, p[7] ?? 0) : null; // 64:ff9b:1::/48 is local-use: refused as a whole
    case "6to4": // 2002:AABB:CCDD::/48
      return v4(p[1] ?? 0, p[2] ?? 0);
    default:
      return null;
  }
}

/** The range an address falls in; for IPv6 carrying IPv4, the IPv4 address's range. */
export function classifyAddress(address: string): AddressClass {
  const ip = parseIp(address);
  if (!ip) return { range: "invalid" };
  if (ip.kind() === "ipv4") return { range: ip.range() };
  const v6 = ip as ipaddr.IPv6;
  const range = v6.range();
  const v4 = embeddedIpv4(v6, range);
  if (v4) return { range: v4.range(), embedded: v4.toString() };
  if (range !== "unicast") return { range };
  // Deprecated IPv4-compatible ::a.b.c.d (::/96 minus :: and ::1, which ipaddr names).
  if (v6.parts.slice(0, 6).every((x) => x === 0)) return { range: "ipv4Compatible" };
  // Global unicast is 2000::/3; anything else "unicast" is unassigned space.
  if (((v6.parts[0] ?? 0) & 0xe000) !== 0x2000) return { range: "nonGlobalIpv6" };
  return { range };
}

type AllowEntry = { kind: "host"; name: string } | { kind: "cidr"; range: [Address, number] };

function normaliseHost(name: string): string {
  return name.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
}

function parseAllowEntry(entry: string): AllowEntry {
  const text = normaliseHost(entry);
  if (text.includes("/")) {
    try {
      return { kind: "cidr", range: ipaddr.parseCIDR(text) };
    } catch {
      throw new Error(`not a CIDR: ${entry}`);
    }
  }
  const ip = parseIp(text);
  if (ip) return { kind: "cidr", range: [ip, ip.kind() === "ipv4" ? 32 : 128] };
  return { kind: "host", name: text };
}

/** Whether `ip` lies in `range`, comparing IPv4-mapped IPv6 with IPv4 ranges (and back). */
function inRange(ip: Address, range: [Address, number]): boolean {
  const [net, bits] = range;
  if (ip.kind() === net.kind()) return ip.match(range);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) return (ip as ipaddr.IPv6).toIPv4Address().match(range);
  if (ip.kind() === "ipv4" && (net as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return ip.match([(net as ipaddr.IPv6).toIPv4Address(), bits - 96]);
  }
  return false;
}

export type AddressGuard = (address: string, hostname?: string) => AddressVerdict;

/**
 * A guard for an allow-list. `guard(address, hostname)` says whether a connection to
 * `address` (which `hostname` resolved to) may be opened. An entry in `allow.hosts`
 * opens any address it matches, by IP/CIDR or by the hostname asked for, except the
 * never-reachable ranges (unspecified, multicast, broadcast).
 */
export function createAddressGuard(allow: AddressAllow = {}): AddressGuard {
  const entries = (allow.hosts ?? []).map(parseAllowEntry);
  return (address, hostname) => {
    const ip = parseIp(address);
    if (!ip) return { address, allowed: false, range: "invalid", reason: "not an IP address" };
    const { range, embedded } = classifyAddress(address);
    const label = LABELS[range] ?? range;
    const what = embedded ? `${label} (embedded IPv4 ${embedded})` : label;
    if (range === "unicast") return { address, allowed: true, range, reason: "public unicast" };
    if (NEVER.has(range)) return { address, allowed: false, range, reason: `${what} address` };
    const host = hostname === undefined ? null : normaliseHost(hostname);
    const embeddedIp = embedded ? parseIp(embedded) : null;
    for (const entry of entries) {
      if (entry.kind === "host" ? entry.name === host : inRange(ip, entry.range) || (embeddedIp !== null && inRange(embeddedIp, entry.range))) {
        return { address, allowed: true, range, reason: `${what} address allowed by the allow-list` };
      }
    }
    if (allow.private && PRIVATE.has(range)) return { address, allowed: true, range, reason: `${what} address allowed (private allowed)` };
    return { address, allowed: false, range, reason: `${what} address` };
  };
}
