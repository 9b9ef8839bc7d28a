import { EventPatternError, type IpRange } from './types';

interface Ip {
  family: 4 | 6;
  value: bigint;
}

function parseV4(s: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let v = 0n;
  for (const part of m.slice(1)) {
    const n = Number(part);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseGroups(s: string): number[] | undefined {
  if (s === '') return [];
  const out: number[] = [];
  for (const g of s.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out.push(parseInt(g, 16));
  }
  return out;
}

function parseV6(s: string): bigint | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses an IPv4 dotted quad or an IPv6 address (with `::` compression); undefined if neither. */
export function parseIp(s: string): Ip | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return { family: 4, value: v4 };
  if (!s.includes(':')) return undefined;
  const v6 = parseV6(s);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/** A single address as a range of one, for exact pattern values that are IP addresses. */
export function ipAsRange(s: string): IpRange | undefined {
  const ip = parseIp(s);
  return ip ? { family: ip.family, low: ip.value, high: ip.value } : undefined;
}

/** Parses `{ "cidr": "10.0.0.0/24" }` (IPv4 or IPv6) the way EventBridge validates it. */
export function parseCidr(s: string): IpRange {
  const parts = s.split('/');
  if (parts.length !== 2) throw new EventPatternError("Malformed CIDR, one '/' required");
  const [addr = '', bitsText = ''] = parts;
  if (!/^\d+$/.test(bitsText)) throw new EventPatternError('Malformed CIDR, mask bits must be an integer');
  const ip = parseIp(addr);
  if (!ip) throw new EventPatternError(`Nonstandard IP address: ${addr}`);
  const width = ip.family === 4 ? 32 : 128;
  const bits = Number(bitsText);
  if (bits > width) throw new EventPatternError(`Malformed CIDR, mask bits must be between 0 and ${width}`);
  const hostBits = BigInt(width - bits);
  const low = (ip.value >> hostBits) << hostBits;
  const high = low | ((1n << hostBits) - 1n);
  return { family: ip.family, low, high };
}

export function ipInRange(range: IpRange, s: string): boolean {
  const ip = parseIp(s);
  return ip !== undefined && ip.family === range.family && ip.value >= range.low && ip.value <= range.high;
}
