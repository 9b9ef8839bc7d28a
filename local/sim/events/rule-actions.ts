import { SimError } from '../errors';
import { checkName, optString, page, reqString, validationError } from './input';
import { EventPatternError, parseEventPattern, matchesEventPattern, type CompiledPattern } from './pattern';
import { schedulePeriodMs } from './schedule';
import { DEFAULT_BUS, type EventBridgeStore, type Rule, type RuleState } from './store';

const RULE_NAME = /^[.\-_A-Za-z0-9]+$/;
const STATES: readonly RuleState[] = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'];

/** Compiles an EventPattern, answering InvalidEventPatternException with EventBridge's reason. */
export function compileOrThrow(json: string): CompiledPattern {
  try {
    return parseEventPattern(json);
  } catch (err) {
    if (err instanceof EventPatternError) {
      throw new SimError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${err.message}`);
    }
    throw err;
  }
}

function describe(rule: Rule, accountId: string): Record<string, unknown> {
  return {
    Name: rule.name,
    Arn: rule.arn,
    ...(rule.eventPattern !== undefined ? { EventPattern: rule.eventPattern } : {}),
    ...(rule.scheduleExpression !== undefined ? { ScheduleExpression: rule.scheduleExpression } : {}),
    State: rule.state,
    ...(rule.description !== undefined ? { Description: rule.description } : {}),
    ...(rule.roleArn !== undefined ? { RoleArn: rule.roleArn } : {}),
    EventBusName: rule.busName,
    CreatedBy: accountId,
  };
}

/** Creates or replaces a rule (replacing keeps its targets; omitted fields are not kept, as in AWS). */
export function putRule(store: EventBridgeStore, input: Record<string, unknown>): Rule {
  const name = checkName(reqString(input, 'Name'), 'Name', RULE_NAME, 64);
  const bus = store.bus(optString(input, 'EventBusName'));
  const eventPattern = optString(input, 'EventPattern');
  const scheduleExpression = optString(input, 'ScheduleExpression');
  if (eventPattern === undefined && scheduleExpression === undefined) {
    throw validationError('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  }
  if (scheduleExpression !== undefined) {
    if (bus.name !== DEFAULT_BUS) throw validationError('ScheduleExpression is supported only on the default event bus.');
    schedulePeriodMs(scheduleExpression);
  }
  const compiled = eventPattern !== undefined ? compileOrThrow(eventPattern) : undefined;
  const state = (optString(input, 'State') ?? 'ENABLED') as RuleState;
  if (!STATES.includes(state)) {
    throw validationError(
      `1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${STATES.join(', ')}]`,
    );
  }
  const existing = bus.rules.get(name);
  const rule: Rule = { name, arn: store.ruleArn(bus.name, name), busName: bus.name, state, targets: existing?.targets ?? new Map() };
  if (eventPattern !== undefined) rule.eventPattern = eventPattern;
  if (compiled !== undefined) rule.compiled = compiled;
  if (scheduleExpression !== undefined) rule.scheduleExpression = scheduleExpression;
  const description = optString(input, 'Description');
  if (description !== undefined) rule.description = description;
  const roleArn = optString(input, 'RoleArn');
  if (roleArn !== undefined) rule.roleArn = roleArn;
  bus.rules.set(name, rule);
  return rule;
}

export function describeRule(store: EventBridgeStore, accountId: string, input: Record<string, unknown>): unknown {
  return describe(store.rule(optString(input, 'EventBusName'), reqString(input, 'Name')), accountId);
}

export function listRules(store: EventBridgeStore, accountId: string, input: Record<string, unknown>): unknown {
  const bus = store.bus(optString(input, 'EventBusName'));
  const prefix = optString(input, 'NamePrefix') ?? '';
  const all = [...bus.rules.values()].filter((r) => r.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  const { items, nextToken } = page(all, input);
  return { Rules: items.map((r) => describe(r, accountId)), ...(nextToken ? { NextToken: nextToken } : {}) };
}

/** Deletes a rule that has no targets; a missing rule is not an error. Returns the deleted rule. */
export function deleteRule(store: EventBridgeStore, input: Record<string, unknown>): Rule | undefined {
  const name = reqString(input, 'Name');
  const bus = store.bus(optString(input, 'EventBusName'));
  const rule = bus.rules.get(name);
  if (!rule) return undefined;
  if (rule.targets.size > 0) throw validationError("Rule can't be deleted since it has targets.");
  bus.rules.delete(name);
  return rule;
}

export function setRuleState(store: EventBridgeStore, input: Record<string, unknown>, state: RuleState): Rule {
  const rule = store.rule(optString(input, 'EventBusName'), reqString(input, 'Name'));
  rule.state = state;
  return rule;
}

const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

/** TestEventPattern: the event must be a JSON object with EventBridge's envelope fields. */
export function testEventPattern(input: Record<string, unknown>): unknown {
  const pattern = compileOrThrow(reqString(input, 'EventPattern'));
  const eventText = reqString(input, 'Event');
  let event: unknown;
  try {
    event = JSON.parse(eventText);
  } catch {
    throw validationError('Parameter Event is not valid.');
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw validationError('Parameter Event is not valid.');
  }
  if (REQUIRED_EVENT_FIELDS.some((f) => !(f in event))) throw validationError('Parameter Event is not valid.');
  return { Result: matchesEventPattern(pattern, event) };
}

export function isEnabled(rule: Rule): boolean {
  return rule.state !== 'DISABLED';
}
