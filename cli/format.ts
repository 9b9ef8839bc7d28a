/** Plain-text rendering: aligned tables, key/value blocks, colours on a TTY, short names and times. */

export interface Style {
  color: boolean;
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes
const ANSI = /\x1b\[[0-9;]*m/g;
const width = (s: string) => s.replace(ANSI, '').length;

export function paint(style: Style, code: 'red' | 'green' | 'yellow' | 'dim' | 'bold', s: string): string {
  if (!style.color) return s;
  const c = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 }[code];
  return `\x1b[${c}m${s}\x1b[0m`;
}

/** Colours a state word: green when settled, yellow while moving, red when failed. */
export function state(style: Style, s: string): string {
  if (['COMPLETED', 'ACTIVE', 'RUNNING', 'PRIMARY'].includes(s)) return paint(style, 'green', s);
  if (['FAILED', 'ROLLED_BACK', 'STOPPED', 'INACTIVE', 'DRAINING', 'PAUSED'].includes(s)) return paint(style, s === 'INACTIVE' ? 'dim' : 'red', s);
  if (['IN_PROGRESS', 'PENDING', 'PROVISIONING', 'ACTIVATING'].includes(s)) return paint(style, 'yellow', s);
  return s;
}

/** Columns aligned on the widest cell; the last column is not padded. */
export function table(style: Style, headers: string[], rows: Array<Array<string | number | undefined>>): string {
  const cells = rows.map((r) => headers.map((_, i) => (r[i] === undefined || r[i] === '' ? '-' : String(r[i]))));
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - width(c))))
      .join('  ')
      .trimEnd();
  return [paint(style, 'bold', line(headers)), ...cells.map(line)].join('\n');
}

/** `key   value` lines, keys aligned; undefined values are left out. */
export function fields(style: Style, pairs: Array<[string, string | number | undefined]>): string {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== '');
  const w = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${paint(style, 'dim', k.padEnd(w))}  ${v}`).join('\n');
}

/** `arn:aws:ecs:…:task-definition/web:3` → `web:3`. */
export function shortTaskDefinition(arn: string | undefined): string {
  if (!arn) return '-';
  const i = arn.indexOf(':task-definition/');
  return i >= 0 ? arn.slice(i + ':task-definition/'.length) : arn;
}

/** The last part of an ECS ARN (`…:container-instance/prod/8a1…` → `8a1…`). */
export function arnId(arn: string | undefined): string {
  if (!arn) return '-';
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86_400)}d`;
}

/** `3m ago` / `in 40s`, from an ISO time. */
export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return t > now + 1000 ? `in ${duration(t - now)}` : `${duration(now - t)} ago`;
}

/** A fixed-width bar: `█████░░░░░`. */
export function bar(done: number, total: number, size = 20): string {
  const f = total <= 0 ? size : Math.max(0, Math.min(size, Math.round((done / total) * size)));
  return '█'.repeat(f) + '░'.repeat(size - f);
}

/** `15m`, `90s`, `1h`, `500ms`, or plain seconds → milliseconds; undefined when unreadable. */
export function parseDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return n * unit;
}
