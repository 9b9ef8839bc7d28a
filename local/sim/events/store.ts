import { SimError } from '../errors';
import type { SimContext } from '../types';
import type { CompiledPattern } from './pattern';

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** A target as PutTargets stored it (the caller's structure, echoed by ListTargetsByRule). */
export type StoredTarget = Record<string, unknown> & { Id: string; Arn: string };

export interface Rule {
  name: string;
  arn: string;
  busName: string;
  eventPattern?: string;
  compiled?: CompiledPattern;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  /** In insertion order, keyed by target Id. */
  targets: Map<string, StoredTarget>;
}

export interface Bus {
  name: string;
  arn: string;
  description?: string;
  createdAt: number;
  modifiedAt: number;
  rules: Map<string, Rule>;
}

export const DEFAULT_BUS = 'default';

/** EventBridge's buses, rules and targets, with the lookups (and not-found errors) the actions share. */
export class EventBridgeStore {
  readonly buses = new Map<string, Bus>();

  constructor(private readonly ctx: SimContext) {
    this.addBus(DEFAULT_BUS);
  }

  busArn(name: string): string {
    return `arn:aws:events:${this.ctx.region}:${this.ctx.accountId}:event-bus/${name}`;
  }

  ruleArn(busName: string, ruleName: string): string {
    const path = busName === DEFAULT_BUS ? ruleName : `${busName}/${ruleName}`;
    return `arn:aws:events:${this.ctx.region}:${this.ctx.accountId}:rule/${path}`;
  }

  addBus(name: string, description?: string): Bus {
    const now = this.ctx.clock.now();
    const bus: Bus = { name, arn: this.busArn(name), createdAt: now, modifiedAt: now, rules: new Map() };
    if (description !== undefined) bus.description = description;
    this.buses.set(name, bus);
    return bus;
  }

  /** An event bus named directly or by ARN (`…:event-bus/NAME`); undefined means the default bus. */
  static busName(nameOrArn: string | undefined): string {
    if (nameOrArn === undefined || nameOrArn === '') return DEFAULT_BUS;
    const m = /^arn:aws[a-z-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
    return m?.[1] ?? nameOrArn;
  }

  findBus(nameOrArn: string | undefined): Bus | undefined {
    return this.buses.get(EventBridgeStore.busName(nameOrArn));
  }

  bus(nameOrArn: string | undefined): Bus {
    const name = EventBridgeStore.busName(nameOrArn);
    const bus = this.buses.get(name);
    if (!bus) throw new SimError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  rule(busNameOrArn: string | undefined, ruleName: string): Rule {
    const bus = this.bus(busNameOrArn);
    const rule = bus.rules.get(ruleName);
    if (!rule) throw new SimError('ResourceNotFoundException', `Rule ${ruleName} does not exist on EventBus ${bus.name}.`);
    return rule;
  }
}
