/**
 * Readers for request fields. A value of the wrong JSON type is a SerializationException, as the
 * JSON protocol answers it; unknown fields are ignored, as AWS does.
 */
import { SimError } from '../errors';
import type { Tag } from './state';

export type Input = Record<string, unknown>;

export const invalid = (message: string) => new SimError('InvalidParameterException', message);
export const clientError = (message: string) => new SimError('ClientException', message);
const serialization = (field: string, type: string) =>
  new SimError('SerializationException', `${field} must be ${type}`);

const present = (v: unknown) => v !== undefined && v !== null;

export function optString(input: Input, field: string): string | undefined {
  const v = input[field];
  if (!present(v)) return undefined;
  if (typeof v !== 'string') throw serialization(field, 'a string');
  return v;
}

export function requireString(input: Input, field: string): string {
  const v = optString(input, field);
  if (v === undefined || v === '') throw invalid(`${field} can not be blank.`);
  return v;
}

export function optNumber(input: Input, field: string): number | undefined {
  const v = input[field];
  if (!present(v)) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw serialization(field, 'a number');
  return v;
}

export function optInteger(input: Input, field: string): number | undefined {
  const v = optNumber(input, field);
  if (v !== undefined && !Number.isInteger(v)) throw serialization(field, 'an integer');
  return v;
}

export function optBoolean(input: Input, field: string): boolean | undefined {
  const v = input[field];
  if (!present(v)) return undefined;
  if (typeof v !== 'boolean') throw serialization(field, 'a boolean');
  return v;
}

export function optObject(input: Input, field: string): Input | undefined {
  const v = input[field];
  if (!present(v)) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw serialization(field, 'an object');
  return v as Input;
}

export function optList(input: Input, field: string): unknown[] | undefined {
  const v = input[field];
  if (!present(v)) return undefined;
  if (!Array.isArray(v)) throw serialization(field, 'a list');
  return v;
}

export function optObjectList(input: Input, field: string): Input[] | undefined {
  const list = optList(input, field);
  if (!list) return undefined;
  return list.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw serialization(`${field} member`, 'an object');
    return item as Input;
  });
}

export function optStringList(input: Input, field: string): string[] | undefined {
  const list = optList(input, field);
  if (!list) return undefined;
  return list.map((item) => {
    if (typeof item !== 'string') throw serialization(`${field} member`, 'a string');
    return item;
  });
}

export function optEnum<T extends string>(input: Input, field: string, allowed: readonly T[]): T | undefined {
  const v = optString(input, field);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    throw invalid(`${field} must be one of [${allowed.join(', ')}].`);
  }
  return v as T;
}

/** `maxResults` of a List call: 1–100. */
export function maxResults(input: Input): number {
  const n = optInteger(input, 'maxResults');
  if (n === undefined) return 100;
  if (n < 1 || n > 100) throw invalid('maxResults must be between 1 and 100.');
  return n;
}

/** `tags` as ECS validates them: ≤ 50, keys 1–128 chars, values ≤ 256, keys unique. */
export function readTags(input: Input, field = 'tags'): Tag[] {
  const list = optObjectList(input, field) ?? [];
  if (list.length > 50) throw invalid('Tags can have a maximum of 50 items.');
  const seen = new Set<string>();
  return list.map((t) => {
    const key = optString(t, 'key');
    const value = optString(t, 'value') ?? '';
    if (!key || key.length > 128) throw invalid('Tag keys must be between 1 and 128 characters.');
    if (value.length > 256) throw invalid('Tag values must be at most 256 characters.');
    if (seen.has(key)) throw invalid(`Duplicate tag key: ${key}.`);
    seen.add(key);
    return { key, value };
  });
}

/** The `include` list of a Describe call, checked against the values the action accepts. */
export function readInclude(input: Input, allowed: readonly string[]): Set<string> {
  const list = optStringList(input, 'include') ?? [];
  for (const v of list) if (!allowed.includes(v)) throw invalid(`include must contain only [${allowed.join(', ')}].`);
  return new Set(list);
}
