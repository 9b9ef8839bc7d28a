/**
 * Pattern validation and the edge cases of matching, with the reasons EventBridge answers
 * (InvalidEventPatternException: "Event pattern is not valid. Reason: …") as AWS words them.
 */
import { describe, expect, it } from 'vitest';
import { eventPatternProblem, matchesEventPattern } from '../../local/sim/events/pattern';

describe('invalid patterns are rejected with EventBridge reasons', () => {
  const cases: Array<[string, string]> = [
    ['{"int": 42}', '"int" must be an object or an array'],
    ['{"string": "my-value"}', '"string" must be an object or an array'],
    ['["not", "a", "dict"]', 'Filter is not an object'],
    ['{}', 'Empty objects are not allowed'],
    ['{"detail": {}}', 'Empty objects are not allowed'],
    ['{"resources": []}', 'Empty arrays are not allowed'],
    ['{"a": [[1]]}', 'Match value must be String, number, true, false, or null'],
    ['{"a": [{}]}', 'Match expression name not found'],
    ['{"my_key": [{"EXISTS": true}]}', 'Unrecognized match type EXISTS'],
    ['{"detail": {"equal": [{"NUMERIC": ["=", 5]}]}}', 'Unrecognized match type NUMERIC'],
    ['{"a": [{"exists": "yes"}]}', 'exists match pattern must be either true or false.'],
    ['{"time": [{"prefix": ["2022-07-13"]}]}', 'prefix match pattern must be a string'],
    ['{"time": [{"prefix": 123}]}', 'prefix match pattern must be a string'],
    ['{"FileName": [{"suffix": [".png"]}]}', 'suffix match pattern must be a string'],
    ['{"a": [{"prefix": "x", "suffix": "y"}]}', 'Only one key allowed in match expression'],
    ['{"detail-type": [{"equals-ignore-case": ["ec2"]}]}', 'equals-ignore-case match pattern must be a string'],
    ['{"EventBusArn": [{"wildcard": 123}]}', 'wildcard match pattern must be a string'],
    ['{"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:**:event-bus/*"}]}', 'Consecutive wildcard characters at pos 26'],
    ['{"c": [{"numeric": [">", 0, ">", 0]}]}', 'Bad numeric range operator: >'],
    ['{"c": [{"numeric": [">", 0, "<"]}]}', 'Value of < must be numeric'],
    ['{"c": [{"numeric": ["=", "5"]}]}', 'Value of equals must be numeric'],
    ['{"c": [{"numeric": ["!=", 5]}]}', 'Unrecognized numeric range operator: !='],
    ['{"c": [{"numeric": ["<", 5, 6]}]}', 'Too many elements in numeric expression'],
    ['{"c": [{"numeric": [">", 0, "<", 5, 6]}]}', 'Too many terms in numeric range expression'],
    ['{"c": [{"numeric": 5}]}', 'Value of numeric must be an array.'],
    ['{"c": [{"numeric": ["<", 6e9]}]}', 'Value must be between -5.0E9 and 5.0E9, inclusive'],
    ['{"ip": [{"cidr": "10.0.0.0"}]}', "Malformed CIDR, one '/' required"],
    ['{"ip": [{"cidr": "10.0.0.0/x"}]}', 'Malformed CIDR, mask bits must be an integer'],
    ['{"ip": [{"cidr": "xx.11.xx/24"}]}', 'Nonstandard IP address: xx.11.xx'],
    ['{"ip": [{"cidr": "xxxx:db8:1234:1a00::/64"}]}', 'Nonstandard IP address: xxxx:db8:1234:1a00::'],
    ['{"ip": [{"cidr": ["bad-type"]}]}', 'prefix match pattern must be a string'],
    ['{"s": [{"anything-but": null}]}', 'Value of anything-but must be an array or single string/number value.'],
    ['{"s": [{"anything-but": [null]}]}', 'Inside anything but list, start|null|boolean is not supported.'],
    ['{"s": [{"anything-but": ["a", 1]}]}', 'Inside anything but list, either all values are number or string, mixed type is not supported'],
    ['{"s": [{"anything-but": {"prefix": 123}}]}', 'prefix/suffix match pattern must be a string'],
    ['{"s": [{"anything-but": {"suffix": [123, ".txt"]}}]}', 'prefix/suffix match pattern must be a string'],
    ['{"s": [{"anything-but": {"prefix": ""}}]}', 'Null prefix/suffix not allowed'],
    ['{"s": [{"anything-but": {"prefix": {"equals-ignore-case": "file"}}}]}', 'Value of anything-but must be an array or single string/number value.'],
    ['{"s": [{"anything-but": {"equals-ignore-case": 123}}]}', 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.'],
    ['{"s": [{"anything-but": {"wildcard": [123, "*/dir/*"]}}]}', 'wildcard match pattern must be a string'],
    ['{"s": [{"anything-but": {"numeric": [">", 1]}}]}', 'Unsupported anything-but pattern: numeric'],
    ['{"$or": [{"a": ["x"]}]}', 'There must have at least 2 Objects in $or relationship.'],
    ['{"$or": {"a": ["x"]}}', 'It must be an Array followed with $or.'],
    ['{"$or": [{"a": ["x"]}, "b"]}', 'Only JSON object is allowed in array of $or relationship.'],
    ['{"$or": [{"numeric": [1]}, {"prefix": ["a"]}]}', 'numeric is Ruler reserved fieldName which cannot be used inside $or.'],
  ];

  it.each(cases)('%s → %s', (pattern, reason) => {
    expect(eventPatternProblem(pattern)).toBe(reason);
  });

  it('rejects text that is not JSON', () => {
    expect(eventPatternProblem("{'bad': 'quotation'}")).toBeDefined();
    expect(eventPatternProblem('this is not json')).toBeDefined();
  });

  it('accepts every operator in its documented form', () => {
    const valid = {
      a: ['x', 1, true, false, null, ''],
      b: [{ prefix: 'p' }, { prefix: { 'equals-ignore-case': 'P' } }, { suffix: 's' }, { suffix: { 'equals-ignore-case': 'S' } }],
      c: [{ 'equals-ignore-case': 'x' }, { wildcard: 'a*b*c' }, { exists: true }, { exists: false }],
      d: [{ numeric: ['=', 1] }, { numeric: ['<', 1] }, { numeric: ['<=', 1] }, { numeric: ['>', 1] }, { numeric: ['>=', 1, '<', 2] }],
      e: [{ cidr: '10.0.0.0/8' }, { cidr: '2001:db8::/32' }],
      f: [{ 'anything-but': 'x' }, { 'anything-but': 1 }, { 'anything-but': ['x', 'y'] }, { 'anything-but': [1, 2] }],
      g: [{ 'anything-but': { prefix: 'p' } }, { 'anything-but': { suffix: 's' } }, { 'anything-but': { 'equals-ignore-case': ['x'] } }],
      h: [{ 'anything-but': { wildcard: '*/lib/*' } }, { 'anything-but': { prefix: ['a', 'b'] } }],
      $or: [{ i: ['1'] }, { j: { k: ['2'] } }],
    };
    expect(eventPatternProblem(valid)).toBeUndefined();
  });
});

describe('matching edge cases', () => {
  it('anything-but needs the field to be present, but matches null and other types', () => {
    const p = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(matchesEventPattern(p, { detail: {} })).toBe(false);
    expect(matchesEventPattern(p, { detail: { state: null } })).toBe(true);
    expect(matchesEventPattern(p, { detail: { state: 12 } })).toBe(true);
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, { detail: { state: 12 } })).toBe(true);
  });

  it('anything-but on an array field matches when some element is not excluded', () => {
    const p = { tags: [{ 'anything-but': 'a' }] };
    expect(matchesEventPattern(p, { tags: ['a', 'b'] })).toBe(true);
    expect(matchesEventPattern(p, { tags: ['a'] })).toBe(false);
  });

  it('an empty array is no value: exists true fails, [null] fails, exists false holds', () => {
    expect(matchesEventPattern({ resources: [{ exists: true }] }, { resources: [] })).toBe(false);
    expect(matchesEventPattern({ resources: [null] }, { resources: [] })).toBe(false);
    expect(matchesEventPattern({ resources: [{ exists: false }] }, { resources: [] })).toBe(true);
  });

  it('a missing parent satisfies exists false, and an OR of operators picks either', () => {
    const p = { dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } } };
    expect(matchesEventPattern(p, { dynamodb: { NewImage: { purchased: { N: '789' } } } })).toBe(true);
    expect(matchesEventPattern(p, { dynamodb: { NewImage: { homemade: { S: 'tulips' } } } })).toBe(true);
    expect(matchesEventPattern(p, { dynamodb: { NewImage: { homemade: { S: 'roses' } } } })).toBe(false);
  });

  it('compares numbers by value (an int pattern matches a float of the same value)', () => {
    expect(matchesEventPattern({ n: [{ numeric: ['>', 100] }] }, { n: 101.0 })).toBe(true);
    expect(matchesEventPattern({ n: [300] }, JSON.parse('{"n": 3.0e2}'))).toBe(true);
    expect(matchesEventPattern({ n: [300] }, { n: '300' })).toBe(false);
    expect(matchesEventPattern({ n: [{ numeric: ['<', 10] }] }, { n: null })).toBe(false);
  });

  it('joins nested keys with dots, as EventBridge does', () => {
    expect(matchesEventPattern({ detail: { 'state.status': ['running'] } }, { detail: { state: { status: 'running' } } })).toBe(true);
    expect(matchesEventPattern({ detail: { state: { status: ['running'] } } }, { detail: { 'state.status': 'running' } })).toBe(true);
  });

  it('matches keys case-sensitively', () => {
    expect(matchesEventPattern({ Source: ['aws.ec2'] }, { source: 'aws.ec2' })).toBe(false);
  });

  it('matches booleans only by the JSON literal', () => {
    expect(matchesEventPattern({ ok: [true] }, { ok: true })).toBe(true);
    expect(matchesEventPattern({ ok: [true] }, { ok: 'true' })).toBe(false);
  });
});
