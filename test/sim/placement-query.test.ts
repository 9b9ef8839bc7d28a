import { describe, expect, it } from 'vitest';
import { matchesQuery, parseQuery } from '../../local/sim/ecs/placement';
import { candidate, invalidParameter, tasksOf } from './placement-helpers';

// A small fleet; expected selections below are worked out by hand from the cluster query
// language documentation, not from the implementation.
const fleet = [
  candidate({
    name: 'A', type: 't2.small', zone: 'us-east-1a', ec2InstanceId: 'i-abcd1234',
    agentVersion: '1.14.4', registeredAt: Date.UTC(2018, 1, 12, 10), tasks: tasksOf('service:production', 1),
  }),
  candidate({
    name: 'B', type: 't2.medium', zone: 'us-east-1b', ec2InstanceId: 'i-wxyx7890',
    agentVersion: '1.14.5', registeredAt: Date.UTC(2018, 1, 13), tasks: tasksOf('database', 2),
  }),
  candidate({ name: 'C', type: 'g2.2xlarge', zone: 'us-east-1d', agentVersion: '1.20.0', registeredAt: Date.UTC(2019, 0, 1) }),
  candidate({
    name: 'D', type: 'g2.2xlarge', zone: 'us-east-1a', agentConnected: false,
    tasks: [...tasksOf('service:production', 1), ...tasksOf('database', 1)],
  }),
  candidate({ name: 'E', type: 'm5.large', zone: 'us-east-1d', attributes: { stack: 'prod', weight: '10' } }),
  candidate({ name: 'F', type: 'm5.large', zone: 'us-east-1c', attributes: { stack: 'dev', weight: '9', os: 'Windows Server 2019' } }),
];

function select(expression: string): string {
  const query = parseQuery(expression);
  return fleet
    .filter((c) => matchesQuery(query, c))
    .map((c) => c.ec2InstanceId === 'i-abcd1234' ? 'A' : c.ec2InstanceId === 'i-wxyx7890' ? 'B' : c.ec2InstanceId.slice(2))
    .join(',');
}

describe('cluster query language: the documented examples', () => {
  it.each([
    ['attribute:ecs.instance-type == t2.small', 'A'],
    ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', 'A,B,D'],
    ['attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d', 'D'],
    ['attribute:ecs.instance-type =~ t2.*', 'A,B'],
    ['not(attribute:ecs.instance-type =~ t2.*)', 'C,D,E,F'],
    ['attribute:ecs.instance-type == t2.small and attribute:ecs.availability-zone != us-east-1d', 'A'],
    ['attribute:ecs.instance-type in [t2.small, t2.medium]', 'A,B'],
    ['attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a', 'A'],
    ['task:group == service:production', 'A,D'],
    ['not(task:group == database)', 'A,C,E,F'],
    ['runningTasksCount == 1', 'A'],
    ['agentVersion < 1.14.5', 'A'],
    ['registeredAt < 2018-02-13', 'A'],
    ["ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", 'A,B'],
    // "lists the instances with the custom attribute stack unless the attribute value is prod"
    ['attribute:stack != prod', 'F'],
    ['attribute:stack == prod', 'E'],
  ])('%s selects %s', (expression, expected) => {
    expect(select(expression)).toBe(expected);
  });
});

describe('cluster query language: operators', () => {
  it.each([
    ['attribute:ecs.availability-zone equals us-east-1d', 'C,E'],
    ['attribute:ecs.availability-zone not_equals us-east-1d', 'A,B,D,F'],
    ['attribute:ecs.availability-zone not_in [us-east-1a, us-east-1b]', 'C,E,F'],
    ['attribute:ecs.availability-zone !in [us-east-1a, us-east-1b]', 'C,E,F'],
    ['attribute:ecs.instance-type matches m5.*', 'E,F'],
    ['attribute:ecs.instance-type not_matches m5.*', 'A,B,C,D'],
    ['attribute:ecs.instance-type !~ m5.*', 'A,B,C,D'],
    ['attribute:stack exists', 'E,F'],
    ['attribute:stack !exists', 'A,B,C,D'],
    ['attribute:stack not_exists', 'A,B,C,D'],
    ['not(attribute:stack == prod)', 'A,B,C,D,F'],
    ['attribute:stack not_in [prod]', 'F'],
    ['agentConnected == false', 'D'],
    ['agentConnected != false', 'A,B,C,E,F'],
    ['agentConnected in [false]', 'D'],
    ['ec2InstanceId =~ i-[A-F]', 'C,D,E,F'],
    // numbers compare as numbers: 10 > 9 although "10" < "9" as text
    ['attribute:weight > 9', 'E'],
    ['attribute:weight <= 9', 'F'],
    ['agentVersion >= 1.14.5', 'B,C'],
    ['agentVersion greater_than 1.14', 'A,B,C'],
    ['agentVersion == 1.14.5', 'B'],
    ['registeredAt >= 2018-02-13T00:00:00Z', 'B,C'],
    // 01:00 at +01:00 is midnight UTC
    ['registeredAt less_than 2018-02-13T01:00:00+01:00', 'A'],
    ['registeredAt > 2018-06-18T22:28:28', 'C'],
    ['runningTasksCount > 0', 'A,B,D'],
    ['runningTasksCount less_than_equal 1', 'A,C,E,F'],
    ['task:group != database', 'A,C,E,F'],
    ['task:group in [database, other]', 'B,D'],
    ['task:group =~ service:.*', 'A,D'],
    ['task:group exists', 'A,B,D'],
    ['task:group !exists', 'C,E,F'],
  ])('%s selects %s', (expression, expected) => {
    expect(select(expression)).toBe(expected);
  });

  it('reads runningTasksCount from the snapshot when it is given', () => {
    const busy = candidate({ name: 'X', runningTasksCount: 3, tasks: tasksOf('g', 4) });
    expect(matchesQuery(parseQuery('runningTasksCount == 3'), busy)).toBe(true);
  });
});

describe('cluster query language: syntax', () => {
  it.each([
    // and binds tighter than or
    ['attribute:ecs.instance-type == t2.small or attribute:ecs.instance-type == g2.2xlarge and attribute:ecs.availability-zone == us-east-1a', 'A,D'],
    ['(attribute:ecs.instance-type == t2.small or attribute:ecs.instance-type == g2.2xlarge) and attribute:ecs.availability-zone == us-east-1d', 'C'],
    ['attribute:stack == prod || attribute:stack == dev', 'E,F'],
    ['attribute:ecs.instance-type =~ m5.* && !(attribute:stack == prod)', 'F'],
    ['! attribute:ecs.instance-type =~ t2.*', 'C,D,E,F'],
    ['not not attribute:stack == prod', 'E'],
    ['attribute:stack == prod OR attribute:stack == dev', 'E,F'],
    ['NOT(attribute:stack exists) AND attribute:ecs.availability-zone == us-east-1a', 'A,D'],
    ['attribute:ecs.instance-type==t2.small', 'A'],
    ['attribute:ecs.availability-zone in[us-east-1a,us-east-1b]', 'A,B,D'],
    ['  attribute:stack   ==   dev  ', 'F'],
    ['attribute:os == "Windows Server 2019"', 'F'],
    ["attribute:os == 'Windows Server 2019'", 'F'],
    ['attribute:stack in ["prod", \'dev\']', 'E,F'],
    // a pattern must match the whole value, as Java's String.matches does
    ['attribute:ecs.instance-type =~ 2.small', ''],
    ['attribute:ecs.instance-type =~ .*small', 'A'],
    ['attribute:ecs.instance-type =~ t[2].*', 'A,B'],
    ['attribute:ecs.instance-type =~ (t2|g2).*', 'A,B,C,D'],
    ['not(attribute:ecs.instance-type =~ (t2|g2).*)', 'E,F'],
    ["attribute:ecs.instance-type =~ 'g2\\.2xlarge'", 'C,D'],
  ])('%s selects %s', (expression, expected) => {
    expect(select(expression)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['attribute:'],
    ['attribute:stack'],
    ['foo == bar'],
    ['instanceType == t2.small'],
    ['attribute:stack =='],
    ['attribute:stack == prod dev'],
    ['attribute:stack ?? prod'],
    ['(attribute:stack == prod'],
    ['attribute:stack == prod)'],
    ['attribute:stack == prod and'],
    ['and attribute:stack == prod'],
    ['attribute:stack in prod, dev'],
    ['attribute:stack in [prod, dev'],
    ['attribute:stack in []'],
    ["attribute:stack == 'prod"],
    ['attribute:stack =~ "("'],
    ['agentConnected > 1'],
    ['agentConnected exists'],
    ['ec2InstanceId < i-1'],
    ['runningTasksCount =~ 1'],
    ['runningTasksCount > many'],
    ['agentVersion < latest'],
    ['registeredAt < yesterday'],
    ['registeredAt < 2018-13-01'],
  ])('rejects %j with InvalidParameterException', (expression) => {
    expect(invalidParameter(() => parseQuery(expression))).toContain('Invalid expression');
  });
});
