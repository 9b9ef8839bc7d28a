import { SimError } from '../errors';
import { listParam } from '../xml';

/** Readers for query-protocol parameters that fail the way Auto Scaling does (ValidationError). */

const memberName = (field: string): string => field.charAt(0).toLowerCase() + field.slice(1);

export function validationError(message: string): SimError {
  return new SimError('ValidationError', message);
}

function missing(field: string): SimError {
  return validationError(
    `1 validation error detected: Value null at '${memberName(field)}' failed to satisfy constraint: Member must not be null`,
  );
}

export function optString(params: URLSearchParams, name: string): string | undefined {
  return params.get(name) ?? undefined;
}

export function reqString(params: URLSearchParams, name: string): string {
  const v = params.get(name);
  if (v === null || v === '') throw missing(name);
  return v;
}

export function optInt(params: URLSearchParams, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  if (!/^-?\d+$/.test(raw)) throw validationError(`Value '${raw}' at '${memberName(name)}' is not a valid integer.`);
  const n = Number(raw);
  if (n < min) {
    throw validationError(
      `1 validation error detected: Value '${n}' at '${memberName(name)}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
    );
  }
  if (n > max) {
    throw validationError(
      `1 validation error detected: Value '${n}' at '${memberName(name)}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  }
  return n;
}

export function reqInt(params: URLSearchParams, name: string, min = 0): number {
  const n = optInt(params, name, min);
  if (n === undefined) throw missing(name);
  return n;
}

export function optBool(params: URLSearchParams, name: string): boolean | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  if (raw !== 'true' && raw !== 'false') throw validationError(`Value '${raw}' at '${memberName(name)}' is not a valid boolean.`);
  return raw === 'true';
}

export function reqBool(params: URLSearchParams, name: string): boolean {
  const b = optBool(params, name);
  if (b === undefined) throw missing(name);
  return b;
}

/** `Name.member.N` strings, with an upper bound on how many. */
export function stringList(params: URLSearchParams, name: string, max = Number.MAX_SAFE_INTEGER): string[] {
  const list = listParam(params, name);
  if (list.length > max) {
    throw validationError(
      `1 validation error detected: Value at '${memberName(name)}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    );
  }
  return list;
}

/** `Name.member.N.Field` structures, as records of their fields. */
export function structList(params: URLSearchParams, name: string): Array<Map<string, string>> {
  const out: Array<Map<string, string>> = [];
  for (let i = 1; ; i++) {
    const prefix = `${name}.member.${i}.`;
    const fields = new Map<string, string>();
    for (const [k, v] of params) if (k.startsWith(prefix)) fields.set(k.slice(prefix.length), v);
    if (fields.size === 0) break;
    out.push(fields);
  }
  return out;
}

/** Pages a list with an opaque NextToken (the offset, encoded). */
export function page<T>(items: readonly T[], params: URLSearchParams, defaultMax: number, max: number): { items: T[]; nextToken?: string } {
  const limit = optInt(params, 'MaxRecords', 1, max) ?? defaultMax;
  const token = params.get('NextToken');
  let start = 0;
  if (token !== null) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (!/^\d+$/.test(decoded)) throw new SimError('InvalidNextToken', `The token '${token}' is invalid.`);
    start = Number(decoded);
  }
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return next === undefined ? { items: slice } : { items: slice, nextToken: next };
}
