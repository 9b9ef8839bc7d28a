/**
 * Reads serverless.yml so local runs wire Shepherd's functions exactly as the deployed stack does:
 * the same EventBridge patterns, schedules, stream filters and HTTP routes. Nothing is restated
 * locally, so local wiring cannot drift from the deployed one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags } from 'yaml';

export type FunctionEvent =
  | { kind: 'eventBridge'; pattern: Record<string, unknown> }
  | { kind: 'schedule'; rateMs: number; expression: string }
  | { kind: 'stream'; batchSize: number; filterPatterns: Record<string, unknown>[] }
  | { kind: 'httpApi'; method: string; path: string };

export interface StackFunction {
  name: string;
  /** Module path relative to the repo, without extension, e.g. functions/onTaskStateChange */
  module: string;
  exportName: string;
  events: FunctionEvent[];
  timeoutSeconds: number;
}

export interface StackDescription {
  service: string;
  functions: StackFunction[];
}

// CloudFormation short-form tags, kept as their long-form objects (local wiring never evaluates them).
const cfnTags: Tags = ['Ref', 'GetAtt', 'Sub', 'If', 'Split', 'Join', 'Equals', 'Select', 'ImportValue', 'Not', 'And', 'Or', 'FindInMap', 'Base64', 'GetAZs', 'Cidr'].flatMap((name) =>
  (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag: `!${name}`,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (value: unknown) => ({ [name === 'Ref' ? 'Ref' : `Fn::${name}`]: value }),
  })),
) as unknown as Tags;

/** Replaces ${sls:stage}, ${param:x}, ${opt:x, default} and ${self:...} where local runs can know them. */
function interpolate(value: unknown, vars: { stage: string; params: Record<string, string> }): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([^}]+)\}/g, (whole, expr: string) => {
      const e = expr.trim();
      if (e === 'sls:stage') return vars.stage;
      if (e.startsWith('param:')) return vars.params[e.slice(6)] ?? whole;
      const opt = /^opt:[\w-]+\s*,\s*'([^']*)'$/.exec(e);
      if (opt) return opt[1] ?? whole;
      return whole;
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars)]));
  }
  return value;
}

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(30 seconds)` … as milliseconds. */
export function rateToMs(expression: string): number {
  const m = /^rate\((\d+)\s+(second|seconds|minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!m) throw new Error(`unsupported schedule expression for local runs: ${expression}`);
  const n = Number(m[1]);
  const unit = m[2]!.replace(/s$/, '');
  const ms = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 }[unit]!;
  return n * ms;
}

export function readStack(opts: { root?: string; stage?: string; params?: Record<string, string> } = {}): StackDescription {
  const root = opts.root ?? process.cwd();
  const doc = parse(readFileSync(join(root, 'serverless.yml'), 'utf8'), { customTags: cfnTags }) as {
    service: string;
    params?: { default?: Record<string, string> };
    provider?: { timeout?: number };
    functions: Record<string, { handler: string; timeout?: number; events?: Array<Record<string, Record<string, unknown>>> }>;
  };
  const vars = { stage: opts.stage ?? 'local', params: { ...(doc.params?.default ?? {}), ...(opts.params ?? {}) } };
  const functions: StackFunction[] = Object.entries(doc.functions).map(([name, fn]) => {
    const dot = fn.handler.lastIndexOf('.');
    const events: FunctionEvent[] = [];
    for (const raw of fn.events ?? []) {
      const ev = interpolate(raw, vars) as Record<string, Record<string, unknown>>;
      if (ev.eventBridge) events.push({ kind: 'eventBridge', pattern: ev.eventBridge.pattern as Record<string, unknown> });
      if (ev.schedule) {
        const expression = String(ev.schedule.rate ?? ev.schedule);
        events.push({ kind: 'schedule', expression, rateMs: rateToMs(expression) });
      }
      if (ev.stream) {
        events.push({
          kind: 'stream',
          batchSize: Number(ev.stream.batchSize ?? 100),
          filterPatterns: (ev.stream.filterPatterns as Record<string, unknown>[] | undefined) ?? [],
        });
      }
      if (ev.httpApi) events.push({ kind: 'httpApi', method: String(ev.httpApi.method), path: String(ev.httpApi.path) });
    }
    return {
      name,
      module: fn.handler.slice(0, dot),
      exportName: fn.handler.slice(dot + 1),
      events,
      timeoutSeconds: fn.timeout ?? doc.provider?.timeout ?? 6,
    };
  });
  return { service: doc.service, functions };
}
