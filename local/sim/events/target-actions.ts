import { SimError } from '../errors';
import { asRecord, checkName, optString, page, reqArray, reqString, validationError } from './input';
import type { EventBridgeStore, StoredTarget } from './store';

const TARGET_ID = /^[.\-_A-Za-z0-9]+$/;
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/;
/** EventBridge's quota of targets per rule. */
export const MAX_TARGETS_PER_RULE = 5;

function lengthBetween(list: unknown[], field: string, min: number, max: number): void {
  if (list.length < min || list.length > max) {
    throw validationError(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: ` +
        `Member must have length less than or equal to ${max} and greater than or equal to ${min}`,
    );
  }
}

function parseTarget(raw: unknown, i: number): StoredTarget {
  const t = asRecord(raw, `Targets[${i}]`);
  const id = checkName(reqString(t, 'Id'), 'Id', TARGET_ID, 64);
  const arn = reqString(t, 'Arn');
  if (!ARN.test(arn)) throw validationError(`Parameter(s) Arn is not valid. Reason: Provided Arn is not in correct format.`);
  return { ...t, Id: id, Arn: arn };
}

/**
 * PutTargets: adds or replaces targets by Id. Malformed input fails the whole call, as in AWS; the
 * per-entry failures AWS can report (ConcurrentModificationException, InternalFailure) are not simulated,
 * so FailedEntries is always empty.
 */
export function putTargets(store: EventBridgeStore, input: Record<string, unknown>): unknown {
  const ruleName = reqString(input, 'Rule');
  const targets = reqArray(input, 'Targets');
  lengthBetween(targets, 'targets', 1, 10);
  const parsed = targets.map(parseTarget);
  const rule = store.rule(optString(input, 'EventBusName'), ruleName);
  const ids = new Set([...rule.targets.keys(), ...parsed.map((t) => t.Id)]);
  if (ids.size > MAX_TARGETS_PER_RULE) {
    throw new SimError('LimitExceededException', 'The requested resource exceeds the maximum number allowed.');
  }
  for (const t of parsed) rule.targets.set(t.Id, t);
  return { FailedEntryCount: 0, FailedEntries: [] };
}

/** RemoveTargets: removes the named targets; Ids the rule does not have are ignored, as in AWS. */
export function removeTargets(store: EventBridgeStore, input: Record<string, unknown>): unknown {
  const ruleName = reqString(input, 'Rule');
  const ids = reqArray(input, 'Ids');
  lengthBetween(ids, 'ids', 1, 100);
  const rule = store.rule(optString(input, 'EventBusName'), ruleName);
  for (const id of ids) {
    if (typeof id !== 'string') throw new SimError('SerializationException', 'Ids must be a list of strings');
    rule.targets.delete(id);
  }
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export function listTargetsByRule(store: EventBridgeStore, input: Record<string, unknown>): unknown {
  const ruleName = reqString(input, 'Rule');
  const bus = store.bus(optString(input, 'EventBusName'));
  const rule = bus.rules.get(ruleName);
  if (!rule) throw new SimError('ResourceNotFoundException', `Rule ${ruleName} does not exist.`);
  const { items, nextToken } = page([...rule.targets.values()], input);
  return { Targets: items, ...(nextToken ? { NextToken: nextToken } : {}) };
}
