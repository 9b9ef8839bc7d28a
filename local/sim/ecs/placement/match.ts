import type { Condition, Operator, Query, Subject } from './query';
import type { PlacementCandidate } from './types';
import { compareText, compareVersions, parseCount, parseDate, parseVersion } from './values';

/**
 * Whether a container instance satisfies a parsed cluster query.
 *
 * Absent values: an `attribute:<name>` condition other than `!exists` is false on an instance
 * without that attribute — the documentation's example "attribute:stack != prod" lists "the
 * instances with the custom attribute stack unless the attribute value is prod" — so only
 * `not_exists` or `not(...)` select instances lacking it. Likewise `agentVersion` and
 * `registeredAt` conditions are false when the snapshot does not carry them.
 *
 * `task:group` is many-valued (the groups of the instance's live tasks): ==, in, =~ and the ordered
 * operators hold when some task's group does; !=, not_in and !~ are their plain negations, so
 * `task:group != database` selects the instances hosting no task of group database (the
 * documented anti-affinity `not(task:group == database)`), empty ones included.
 */
export function matchesQuery(query: Query, candidate: PlacementCandidate): boolean {
  switch (query.kind) {
    case 'and':
      return matchesQuery(query.left, candidate) && matchesQuery(query.right, candidate);
    case 'or':
      return matchesQuery(query.left, candidate) || matchesQuery(query.right, candidate);
    case 'not':
      return !matchesQuery(query.operand, candidate);
    case 'condition':
      return matchesCondition(query, candidate);
  }
}

const NEGATIONS: Partial<Record<Operator, Operator>> = {
  not_equals: 'equals',
  not_in: 'in',
  not_matches: 'matches',
  not_exists: 'exists',
};

function matchesCondition(condition: Condition, candidate: PlacementCandidate): boolean {
  const values = subjectValues(condition.subject, candidate);
  if (condition.operator === 'exists') return values.length > 0;
  if (condition.operator === 'not_exists') return values.length === 0;
  const positive = NEGATIONS[condition.operator];
  if (condition.subject.kind === 'field' && condition.subject.name === 'task:group') {
    const any = (op: Operator) => values.some((v) => holds(condition, op, v));
    return positive ? !any(positive) : any(condition.operator);
  }
  const value = values[0];
  if (value === undefined) return false;
  return positive ? !holds(condition, positive, value) : holds(condition, condition.operator, value);
}

/** The subject's values on this instance: none when absent, several for task:group. */
function subjectValues(subject: Subject, candidate: PlacementCandidate): string[] {
  if (subject.kind === 'attribute') {
    const value = candidate.attributes[subject.name];
    return value === undefined ? [] : [value];
  }
  switch (subject.name) {
    case 'agentConnected':
      return [String(candidate.agentConnected)];
    case 'ec2InstanceId':
      return [candidate.ec2InstanceId];
    case 'agentVersion':
      return candidate.agentVersion === undefined ? [] : [candidate.agentVersion];
    case 'registeredAt':
      return candidate.registeredAt === undefined ? [] : [String(candidate.registeredAt)];
    case 'runningTasksCount':
      return [String(candidate.runningTasksCount ?? candidate.tasks.length)];
    case 'task:group':
      return [...new Set(candidate.tasks.map((t) => t.group))];
  }
}

/** A positive operator applied to one actual value. */
function holds(condition: Condition, operator: Operator, actual: string): boolean {
  switch (operator) {
    case 'in':
      return 'values' in condition && condition.values.includes(actual);
    case 'matches':
      return 'pattern' in condition && condition.pattern.test(actual);
    case 'equals':
    case 'greater_than':
    case 'greater_than_equal':
    case 'less_than':
    case 'less_than_equal': {
      if (!('value' in condition)) return false;
      if (operator === 'equals' && !hasValueFormat(condition.subject)) return actual === condition.value;
      const order = compare(condition.subject, actual, condition.value);
      if (order === undefined) return false;
      if (operator === 'equals') return order === 0;
      if (operator === 'greater_than') return order > 0;
      if (operator === 'greater_than_equal') return order >= 0;
      if (operator === 'less_than') return order < 0;
      return order <= 0;
    }
    default:
      return false;
  }
}

/** Subjects whose values have a format (versions, dates, counts), so that 1.14 == 1.14.0. */
function hasValueFormat(subject: Subject): boolean {
  return subject.kind === 'field' && ['agentVersion', 'registeredAt', 'runningTasksCount'].includes(subject.name);
}

/**
 * Orders an actual value against the argument: by the subject's value format, or for others as
 * numbers, versions or strings (compareText); undefined when a value is unreadable.
 */
function compare(subject: Subject, actual: string, argument: string): number | undefined {
  const name = subject.kind === 'field' ? subject.name : undefined;
  if (name === 'agentVersion') {
    const a = parseVersion(actual);
    const b = parseVersion(argument);
    return a && b ? compareVersions(a, b) : undefined;
  }
  if (name === 'registeredAt') {
    const b = parseDate(argument);
    return b === undefined ? undefined : Math.sign(Number(actual) - b);
  }
  if (name === 'runningTasksCount') {
    const b = parseCount(argument);
    return b === undefined ? undefined : Math.sign(Number(actual) - b);
  }
  return compareText(actual, argument);
}
