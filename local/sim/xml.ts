/** Helpers for query-protocol (XML) answers. */
export const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** `<name>value</name>`, omitted when value is undefined. */
export function el(name: string, value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** `<name><member>…</member>…</name>` for a list (query protocol's default list shape). */
export function members<T>(name: string, items: readonly T[], render: (item: T) => string): string {
  return `<${name}>${items.map((i) => `<member>${render(i)}</member>`).join('')}</${name}>`;
}

/** Reads a query-protocol list parameter: `Name.member.1`, `Name.member.2`, … */
export function listParam(params: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; ; i++) {
    const v = params.get(`${name}.member.${i}`);
    if (v === null) break;
    out.push(v);
  }
  return out;
}
