/**
 * Value formats of the cluster query language's ordered subjects: agent versions, registration
 * dates and counts. Each parser returns undefined for text that is not of its format.
 */

const VERSION = /^v?(\d+(?:\.\d+)*)$/;
const INTEGER = /^\d+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?)?$/;

/** "1.14.5" → [1, 14, 5]. */
export function parseVersion(text: string): number[] | undefined {
  const m = VERSION.exec(text.trim());
  return m?.[1] ? m[1].split('.').map(Number) : undefined;
}

/** Compares dotted versions part by part; missing parts count as 0 (1.14 == 1.14.0). */
export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function parseCount(text: string): number | undefined {
  return INTEGER.test(text) ? Number(text) : undefined;
}

/**
 * The date formats the documentation accepts for `registeredAt`: 2018-06-18T22:28:28+00:00,
 * 2018-06-18T22:28:28Z, 2018-06-18T22:28:28 and 2018-06-18 (the last two read as UTC).
 * Returns epoch milliseconds.
 */
export function parseDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  const utc = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  if (zone === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const offsetMinutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
  return utc - sign * offsetMinutes * 60_000;
}

/**
 * Orders two attribute values: as numbers when both are numbers, as versions when both are
 * dotted versions, otherwise as strings.
 */
export function compareText(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return Math.sign(na - nb);
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (va && vb) return compareVersions(va, vb);
  return a < b ? -1 : a > b ? 1 : 0;
}
