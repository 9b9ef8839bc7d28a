import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

export type Item = Record<string, AttributeValue>;

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity', 'expiresAt'];

export function toItem(value: Record<string, unknown>): Item {
  return marshall(value, { removeUndefinedValues: true, convertEmptyValues: false });
}

/** Turns a stored item back into its domain object (without the table's key attributes). */
export function fromItem<T>(item: Item): T {
  const out = unmarshall(item);
  for (const k of KEY_ATTRIBUTES) delete out[k];
  return out as T;
}

export function toValue(value: unknown): AttributeValue {
  return marshall({ v: value }, { removeUndefinedValues: true }).v as AttributeValue;
}
