/**
 * The examples of AWS's EventBridge documentation ("Amazon EventBridge event patterns", "Content
 * filtering in Amazon EventBridge event patterns", "Arrays …", "Matching null values …", and the
 * Event Ruler README EventBridge is built on), each with the events the docs say match and do not.
 */
import { describe, expect, it } from 'vitest';
import { matchesEventPattern } from '../../local/sim/events/pattern';

type Case = { pattern: object | string; matches: object[]; misses: object[] };

function check(c: Case): void {
  for (const e of c.matches) expect(matchesEventPattern(c.pattern, e), JSON.stringify(e)).toBe(true);
  for (const e of c.misses) expect(matchesEventPattern(c.pattern, e), JSON.stringify(e)).toBe(false);
}

const ec2Terminated = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

/** The Event Ruler README's sample event. */
const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', 'instance-id': 'i-000000aaaaaa00000', state: 'running' },
};

const withDetail = (detail: object) => ({ ...rulerEvent, detail });

describe('event patterns (Amazon EventBridge event patterns)', () => {
  it('matches EC2 instance-termination events and nothing else', () => {
    check({
      pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } },
      matches: [ec2Terminated],
      misses: [
        { ...ec2Terminated, detail: { ...ec2Terminated.detail, state: 'running' } },
        { ...ec2Terminated, source: 'aws.fargate' },
        { ...ec2Terminated, detail: {} },
      ],
    });
  });

  it('matches any of several values of a field', () => {
    check({
      pattern: { source: ['aws.ec2', 'aws.fargate'] },
      matches: [ec2Terminated, { ...ec2Terminated, source: 'aws.fargate' }],
      misses: [{ ...ec2Terminated, source: 'aws.ecs' }],
    });
  });

  it('ignores fields the pattern does not name, but needs every field it names', () => {
    check({
      pattern: { detail: { state: ['terminated'], 'instance-id': ['i-1234567890abcdef0'] } },
      matches: [ec2Terminated],
      misses: [{ ...ec2Terminated, detail: { state: 'terminated' } }],
    });
  });

  it('compares strings exactly, without case folding', () => {
    check({ pattern: { source: ['aws.ec2'] }, matches: [ec2Terminated], misses: [{ ...ec2Terminated, source: 'AWS.EC2' }] });
  });

  it('matches nested values (the Macie alert: risk score 80, trigger risk 8)', () => {
    const macie = {
      ...ec2Terminated,
      'detail-type': 'Macie Alert',
      source: 'aws.macie',
      detail: { 'notification-type': 'ALERT_CREATED', tags: ['Custom_Alert', 'Insider'], 'risk-score': 80, trigger: { 'alert-type': 'basic', risk: 8 } },
    };
    check({
      pattern: { source: ['aws.macie'], 'detail-type': ['Macie Alert'], detail: { 'risk-score': [80], trigger: { risk: [8] } } },
      matches: [macie],
      misses: [{ ...macie, detail: { ...macie.detail, trigger: { risk: 7 } } }, { ...macie, detail: { ...macie.detail, 'risk-score': '80' } }],
    });
  });
});

describe('null values and empty strings', () => {
  const launch = {
    ...ec2Terminated,
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };

  it('matches an empty string with [""] and null with [null]', () => {
    check({ pattern: { detail: { eventVersion: [''] } }, matches: [launch], misses: [] });
    check({ pattern: { source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance Launch Successful'], detail: { responseElements: [null] } }, matches: [launch], misses: [] });
  });

  it('does not treat null and the empty string as interchangeable', () => {
    check({ pattern: { detail: { eventVersion: [null] } }, matches: [], misses: [launch] });
    check({ pattern: { detail: { responseElements: [''] } }, matches: [], misses: [launch] });
  });
});

describe('arrays', () => {
  it('matches when the pattern array and the event array intersect', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const event = {
      ...ec2Terminated,
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    check({ pattern, matches: [event], misses: [{ ...event, resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }, { ...event, resources: [] }] });
  });

  it('treats objects in an array as values of the parent field, one element at a time (Event Ruler)', () => {
    const employees = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    };
    check({ pattern: { employees: { firstName: ['Anna'] } }, matches: [employees], misses: [] });
    check({ pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } }, matches: [employees], misses: [] });
    // Fields from different elements of one array never combine.
    check({ pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } }, matches: [], misses: [employees] });
    const nested = { employees: [[{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }], [{ firstName: 'Peter', lastName: 'Jones' }]] };
    check({ pattern: { employees: { firstName: ['Anna'] } }, matches: [nested], misses: [] });
    check({ pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } }, matches: [], misses: [nested] });
  });
});

describe('content filtering', () => {
  it('prefix: time starting with 2017-10-02', () => {
    check({
      pattern: { time: [{ prefix: '2017-10-02' }] },
      matches: [{ ...rulerEvent, time: '2017-10-02T18:43:48Z' }],
      misses: [{ ...rulerEvent, time: '2017-10-03T18:43:48Z' }, { ...rulerEvent, time: 20171002 }],
    });
  });

  it('prefix ignoring case: service starting with EventB in any case', () => {
    check({
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      matches: [withDetail({ service: 'EventBridge' }), withDetail({ service: 'EVENTBRIDGE' }), withDetail({ service: 'eventbus' })],
      misses: [withDetail({ service: 'Lambda' })],
    });
  });

  it('suffix, and suffix ignoring case: FileName ending with .png', () => {
    check({
      pattern: { FileName: [{ suffix: '.png' }] },
      matches: [{ FileName: 'image.png' }],
      misses: [{ FileName: 'image.PNG' }, { FileName: 'image.jpg' }],
    });
    check({
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      matches: [withDetail({ FileName: 'image.png' }), withDetail({ FileName: 'image.PNG' })],
      misses: [withDetail({ FileName: 'image.jpg' })],
    });
  });

  it('anything-but a string and a number', () => {
    check({
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      matches: [withDetail({ state: 'running' })],
      misses: [withDetail({ state: 'initializing' }), withDetail({})],
    });
    check({
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      matches: [withDetail({ 'x-limit': 124 })],
      misses: [withDetail({ 'x-limit': 123 })],
    });
  });

  it('anything-but a list of strings, and a list of numbers', () => {
    check({
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      matches: [withDetail({ state: 'running' })],
      misses: [withDetail({ state: 'stopped' }), withDetail({ state: 'overloaded' })],
    });
    check({
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      matches: [rulerEvent],
      misses: [withDetail({ 'x-limit': 200 })],
    });
  });

  it('anything-but a prefix, a suffix, ignoring case, and a wildcard', () => {
    check({
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      matches: [withDetail({ state: 'running' })],
      misses: [withDetail({ state: 'initializing' })],
    });
    check({
      pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
      matches: [withDetail({ FileName: 'a.txt' })],
      misses: [withDetail({ FileName: 'a.png' })],
    });
    check({
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
      matches: [withDetail({ state: 'running' })],
      misses: [withDetail({ state: 'INITIALIZING' }), withDetail({ state: 'initializing' })],
    });
    check({
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
      matches: [withDetail({ FilePath: 'dir/bin/tool' })],
      misses: [withDetail({ FilePath: 'dir/lib/tool' })],
    });
  });

  it('numeric: true only when every range holds', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    check({
      pattern,
      matches: [rulerEvent],
      misses: [
        withDetail({ ...rulerEvent.detail, 'c-count': 0 }),
        withDetail({ ...rulerEvent.detail, 'c-count': 6 }),
        withDetail({ ...rulerEvent.detail, 'd-count': 10 }),
        withDetail({ ...rulerEvent.detail, 'x-limit': 301.9 }),
        withDetail({ ...rulerEvent.detail, 'c-count': '5' }),
      ],
    });
  });

  it('IP address matching: 10.0.0.0/24, and IPv6', () => {
    check({
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      matches: [withDetail({ sourceIPAddress: '10.0.0.0' }), withDetail({ sourceIPAddress: '10.0.0.255' })],
      misses: [withDetail({ sourceIPAddress: '10.0.1.0' }), withDetail({ sourceIPAddress: 'not-an-ip' })],
    });
    check({
      pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/64' }] } },
      matches: [withDetail({ sourceIPAddress: '2001:db8::ff00:42:8329' })],
      misses: [withDetail({ sourceIPAddress: '2001:db9::1' }), withDetail({ sourceIPAddress: '10.0.0.1' })],
    });
  });

  it('exists true: the EC2 pending event has detail.state, the c-count event does not', () => {
    const pending = {
      version: '0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      account: '123456789012',
      time: '2015-11-11T21:29:54Z',
      region: 'us-east-1',
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
      detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
    };
    const noState = {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      detail: { 'c-count': { c1: 100 } },
    };
    check({ pattern: { detail: { state: [{ exists: true }] } }, matches: [pending], misses: [noState] });
  });

  it('exists false: matches when the leaf is absent, including when it is an object rather than a leaf', () => {
    const states = { 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['initializing', 'running'] } };
    const cCountObject = { ...states, detail: { ...states.detail, 'c-count': { c1: 100 } } };
    check({
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      matches: [states, cCountObject],
      misses: [withDetail({ 'c-count': 5 })],
    });
  });

  it('equals-ignore-case', () => {
    check({
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      matches: [{ Name: 'Alice' }, { Name: 'ALICE' }],
      misses: [{ Name: 'Alicia' }],
    });
  });

  it('wildcard: "*.png" ends with .png, "*Title*" contains Title, "Simple*Service"', () => {
    check({ pattern: { key: [{ wildcard: '*.png' }] }, matches: [{ key: 'a/b/c.png' }, { key: '.png' }], misses: [{ key: 'c.png.txt' }] });
    check({ pattern: { key: [{ wildcard: '*Title*' }] }, matches: [{ key: 'A Title Here' }, { key: 'Title' }], misses: [{ key: 'title' }] });
    check({ pattern: { source: [{ wildcard: 'Simple*Service' }] }, matches: [{ source: 'SimpleQueueService' }, { source: 'SimpleService' }], misses: [{ source: 'SimpleQueue' }] });
    check({
      pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      matches: [{ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/myEventBus' }],
      misses: [{ EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/myEventBus' }],
    });
    check({ pattern: { key: [{ wildcard: 'a\\*b' }] }, matches: [{ key: 'a*b' }], misses: [{ key: 'axb' }] });
  });

  it('the complex example combining prefix, anything-but, numeric and cidr', () => {
    check({
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
          'source-ip': [{ cidr: '10.0.0.0/8' }],
        },
      },
      matches: [rulerEvent],
      misses: [withDetail({ ...rulerEvent.detail, state: 'initializing' }), withDetail({ ...rulerEvent.detail, 'source-ip': '11.0.0.1' })],
    });
  });

  it('uses the last of duplicated keys', () => {
    check({
      pattern: '{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}',
      matches: [withDetail({ location: 'eu-west' })],
      misses: [withDetail({ location: 'us-east' })],
    });
  });
});

describe('$or (Event Ruler)', () => {
  const cw = (fields: object) => ({ source: 'aws.cloudwatch', ...fields });

  it('source AND (metricName OR namespace)', () => {
    check({
      pattern: { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] },
      matches: [cw({ metricName: 'ReadLatency' }), cw({ namespace: 'AWS/ES' })],
      misses: [cw({ metricName: 'WriteLatency' }), { metricName: 'CPUUtilization' }],
    });
  });

  it('parallel ORs at two levels', () => {
    check({
      pattern: {
        $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
        detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
      },
      matches: [{ namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } }],
      misses: [{ namespace: 'AWS/EC2', detail: { source: 'aws.ec2' } }, { detail: { source: 'aws.cloudwatch' } }],
    });
  });

  it('an AND inside an OR, and nested ORs', () => {
    check({
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
          { scope: ['Service'] },
        ],
      },
      matches: [cw({ metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 }), cw({ scope: 'Service' })],
      misses: [cw({ metricType: 'MetricType', namespace: 'AWS/EC2' }), cw({ metricType: 'MetricType', metricId: 1234 })],
    });
  });
});
