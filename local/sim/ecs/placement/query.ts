/**
 * The parsed form of an ECS cluster query language expression
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-query-language.html):
 * `subject operator [argument]`, combined with and/&&, or/||, not/! and parentheses.
 */

/** Subjects other than `attribute:<name>`, as the documentation lists them. */
export type FieldName =
  | 'agentConnected'
  | 'agentVersion'
  | 'ec2InstanceId'
  | 'registeredAt'
  | 'runningTasksCount'
  | 'task:group';

export type Subject = { kind: 'attribute'; name: string } | { kind: 'field'; name: FieldName };

/** Operators by their canonical (word) name; the symbols are aliases. */
export type Operator =
  | 'equals'
  | 'not_equals'
  | 'greater_than'
  | 'greater_than_equal'
  | 'less_than'
  | 'less_than_equal'
  | 'exists'
  | 'not_exists'
  | 'in'
  | 'not_in'
  | 'matches'
  | 'not_matches';

export type Condition =
  | { kind: 'condition'; subject: Subject; operator: 'exists' | 'not_exists' }
  | { kind: 'condition'; subject: Subject; operator: 'in' | 'not_in'; values: string[] }
  | { kind: 'condition'; subject: Subject; operator: 'matches' | 'not_matches'; pattern: RegExp; source: string }
  | {
      kind: 'condition';
      subject: Subject;
      operator: 'equals' | 'not_equals' | 'greater_than' | 'greater_than_equal' | 'less_than' | 'less_than_equal';
      value: string;
    };

export type Query =
  | Condition
  | { kind: 'and'; left: Query; right: Query }
  | { kind: 'or'; left: Query; right: Query }
  | { kind: 'not'; operand: Query };

/** Every spelling the language accepts, mapped to the canonical operator. */
export const OPERATOR_ALIASES: Readonly<Record<string, Operator>> = {
  '==': 'equals',
  equals: 'equals',
  '!=': 'not_equals',
  not_equals: 'not_equals',
  '>': 'greater_than',
  greater_than: 'greater_than',
  '>=': 'greater_than_equal',
  greater_than_equal: 'greater_than_equal',
  '<': 'less_than',
  less_than: 'less_than',
  '<=': 'less_than_equal',
  less_than_equal: 'less_than_equal',
  exists: 'exists',
  '!exists': 'not_exists',
  not_exists: 'not_exists',
  in: 'in',
  '!in': 'not_in',
  not_in: 'not_in',
  '=~': 'matches',
  matches: 'matches',
  '!~': 'not_matches',
  not_matches: 'not_matches',
};

const STRING_OPERATORS: readonly Operator[] = ['equals', 'not_equals', 'in', 'not_in', 'matches', 'not_matches'];
const ORDERED_OPERATORS: readonly Operator[] = [
  'equals',
  'not_equals',
  'greater_than',
  'greater_than_equal',
  'less_than',
  'less_than_equal',
];

/**
 * The operators the documentation lists as valid for each field subject. `attribute:<name>` and
 * `task:group` have no documented restriction and accept every operator.
 */
export const FIELD_OPERATORS: Readonly<Record<FieldName, readonly Operator[] | undefined>> = {
  agentConnected: STRING_OPERATORS,
  ec2InstanceId: STRING_OPERATORS,
  agentVersion: ORDERED_OPERATORS,
  registeredAt: ORDERED_OPERATORS,
  runningTasksCount: ORDERED_OPERATORS,
  'task:group': undefined,
};

export const FIELD_NAMES = Object.keys(FIELD_OPERATORS) as FieldName[];
