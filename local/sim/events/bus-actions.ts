import { SimError } from '../errors';
import { checkName, optString, page, reqString, validationError } from './input';
import { DEFAULT_BUS, EventBridgeStore, type Bus } from './store';

const BUS_NAME = /^[/.\-_A-Za-z0-9]+$/;
const epochSeconds = (ms: number): number => ms / 1000;

function describe(bus: Bus): Record<string, unknown> {
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.description !== undefined ? { Description: bus.description } : {}),
    CreationTime: epochSeconds(bus.createdAt),
    LastModifiedTime: epochSeconds(bus.modifiedAt),
  };
}

export function createEventBus(store: EventBridgeStore, input: Record<string, unknown>): unknown {
  const name = checkName(reqString(input, 'Name'), 'Name', BUS_NAME, 256);
  const description = optString(input, 'Description');
  if (store.buses.has(name)) throw new SimError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
  const bus = store.addBus(name, description);
  return { EventBusArn: bus.arn, ...(description !== undefined ? { Description: description } : {}) };
}

export function describeEventBus(store: EventBridgeStore, input: Record<string, unknown>): unknown {
  return describe(store.bus(optString(input, 'Name')));
}

export function listEventBuses(store: EventBridgeStore, input: Record<string, unknown>): unknown {
  const prefix = optString(input, 'NamePrefix') ?? '';
  const all = [...store.buses.values()].filter((b) => b.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  const { items, nextToken } = page(all, input);
  return { EventBuses: items.map(describe), ...(nextToken ? { NextToken: nextToken } : {}) };
}

/** Deletes a custom bus and, as EventBridge does, its rules. Deleting a missing bus succeeds. */
export function deleteEventBus(store: EventBridgeStore, input: Record<string, unknown>, onRuleGone: (arn: string) => void): unknown {
  const name = EventBridgeStore.busName(reqString(input, 'Name'));
  if (name === DEFAULT_BUS) throw validationError('Cannot delete event bus default.');
  const bus = store.buses.get(name);
  if (bus) {
    for (const rule of bus.rules.values()) onRuleGone(rule.arn);
    store.buses.delete(name);
  }
  return {};
}
