import { SimError } from '../errors';

/** Readers for JSON-protocol input fields that fail the way AWS does (ValidationException, SerializationException). */

const memberName = (field: string): string => field.charAt(0).toLowerCase() + field.slice(1);

export function validationError(message: string): SimError {
  return new SimError('ValidationException', message);
}

function wrongType(field: string, expected: string): SimError {
  return new SimError('SerializationException', `${field} must be ${expected}`);
}

export function optString(input: Record<string, unknown>, field: string): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw wrongType(field, 'a string');
  return v;
}

export function reqString(input: Record<string, unknown>, field: string): string {
  const v = optString(input, field);
  if (v === undefined) {
    throw validationError(
      `1 validation error detected: Value null at '${memberName(field)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

export function optNumber(input: Record<string, unknown>, field: string): number | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(field, 'a number');
  return v;
}

export function optBoolean(input: Record<string, unknown>, field: string): boolean | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw wrongType(field, 'a boolean');
  return v;
}

export function optArray(input: Record<string, unknown>, field: string): unknown[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw wrongType(field, 'a list');
  return v as unknown[];
}

export function reqArray(input: Record<string, unknown>, field: string): unknown[] {
  const v = optArray(input, field);
  if (v === undefined) {
    throw validationError(
      `1 validation error detected: Value null at '${memberName(field)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

export function asRecord(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw wrongType(field, 'a structure');
  return v as Record<string, unknown>;
}

/** Checks a length range and a character pattern, in AWS's wording. */
export function checkName(value: string, field: string, pattern: RegExp, max: number): string {
  const at = memberName(field);
  if (value.length < 1 || value.length > max) {
    throw validationError(
      `1 validation error detected: Value '${value}' at '${at}' failed to satisfy constraint: ` +
        `Member must have length less than or equal to ${max} and greater than or equal to 1`,
    );
  }
  if (!pattern.test(value)) {
    throw validationError(
      `1 validation error detected: Value '${value}' at '${at}' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ${pattern.source.replace(/^\^|\$$/g, '')}`,
    );
  }
  return value;
}

/** A `Limit` between 1 and 100 (EventBridge's list calls). */
export function optLimit(input: Record<string, unknown>): number | undefined {
  const limit = optNumber(input, 'Limit');
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) {
    throw validationError(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: ` +
        'Member must have value less than or equal to 100 and greater than or equal to 1',
    );
  }
  return limit;
}

/** Pages a sorted list with an opaque NextToken (the offset, encoded). */
export function page<T>(items: readonly T[], input: Record<string, unknown>, defaultLimit = 100): { items: T[]; nextToken?: string } {
  const limit = optLimit(input) ?? defaultLimit;
  const token = optString(input, 'NextToken');
  let start = 0;
  if (token !== undefined) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (!/^\d+$/.test(decoded)) throw validationError('The nextToken provided is invalid.');
    start = Number(decoded);
  }
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return next === undefined ? { items: slice } : { items: slice, nextToken: next };
}
