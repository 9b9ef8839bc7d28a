/** ELBv2 simulator: target groups, their attributes and paging, through the real ELBv2 client. */
import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
  paginateDescribeTargetGroups,
  type CreateTargetGroupCommandInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from './ecs-harness';
import { startElb, type ElbHarness } from './elbv2-harness';

let h: ElbHarness;
beforeAll(async () => {
  h = await startElb();
});
afterAll(() => h.close());

const VPC = 'vpc-0abc1234def567890';
const ARN = /^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;
const create = async (input: Partial<CreateTargetGroupCommandInput> & { Name: string }) =>
  (await h.elb.send(new CreateTargetGroupCommand({ Protocol: 'HTTP', Port: 80, VpcId: VPC, ...input }))).TargetGroups?.[0];
const attributesOf = async (arn: string | undefined) =>
  Object.fromEntries(
    ((await h.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }))).Attributes ?? []).map((a) => [a.Key, a.Value]),
  );

describe('CreateTargetGroup', () => {
  it('creates an HTTP group with AWS’s defaults filled in', async () => {
    const tg = await create({ Name: 'web-http', Tags: [{ Key: 'team', Value: 'web' }] });
    expect(tg?.TargetGroupArn).toMatch(ARN);
    expect(tg?.TargetGroupArn).toContain(':targetgroup/web-http/');
    expect(tg).toMatchObject({
      TargetGroupName: 'web-http',
      Protocol: 'HTTP',
      Port: 80,
      VpcId: VPC,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port',
      HealthCheckEnabled: true,
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 6,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200' },
      LoadBalancerArns: [],
      TargetType: 'instance',
      ProtocolVersion: 'HTTP1',
      IpAddressType: 'ipv4',
    });
  });

  it('gives a TCP group TCP health checks, without path or matcher', async () => {
    const tg = await create({ Name: 'web-tcp', Protocol: 'TCP', TargetType: 'ip' });
    expect(tg).toMatchObject({ Protocol: 'TCP', TargetType: 'ip', HealthCheckProtocol: 'TCP', HealthCheckTimeoutSeconds: 10 });
    expect(tg?.HealthCheckPath).toBeUndefined();
    expect(tg?.Matcher).toBeUndefined();
  });

  it('is idempotent on the same name and settings, and refuses the name with other settings', async () => {
    const first = await create({ Name: 'same', HealthCheckIntervalSeconds: 10 });
    const again = await create({ Name: 'same', HealthCheckIntervalSeconds: 10 });
    expect(again?.TargetGroupArn).toBe(first?.TargetGroupArn);
    const err = await rejection(create({ Name: 'same', HealthCheckIntervalSeconds: 15 }));
    expect(err.name).toBe('DuplicateTargetGroupNameException');
  });

  it('refuses invalid settings with ValidationError', async () => {
    const cases: (Partial<CreateTargetGroupCommandInput> & { Name: string })[] = [
      { Name: 'bad-', Port: 80 },
      { Name: 'has_underscore' },
      { Name: 'x'.repeat(33) },
      { Name: 'no-port', Port: undefined },
      { Name: 'no-vpc', VpcId: undefined },
      { Name: 'no-protocol', Protocol: undefined },
      { Name: 'port-zero', Port: 0 },
      { Name: 'fast', HealthCheckIntervalSeconds: 4 },
      { Name: 'slow-timeout', HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 10 },
      { Name: 'threshold', HealthyThresholdCount: 11 },
      { Name: 'tcp-check', HealthCheckProtocol: 'TCP' },
    ];
    for (const input of cases) {
      const err = await rejection(create(input));
      expect(err.name, input.Name).toBe('ValidationError');
    }
    const unknownProtocol = await rejection(
      h.elb.send(new CreateTargetGroupCommand({ Name: 'odd', Protocol: 'FTP' as 'HTTP', Port: 21, VpcId: VPC })),
    );
    expect(unknownProtocol.name).toBe('ValidationError');
    expect(unknownProtocol.message).toContain('Member must satisfy enum value set');
    const names = (await h.elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups?.map((g) => g.TargetGroupName);
    expect(names).not.toContain('fast');
  });

  it('creates groups through the code API too, visible on the API', async () => {
    const arn = h.sim.elbv2.createTargetGroup({ name: 'from-code', port: 8080, healthCheckIntervalSeconds: 5, healthyThresholdCount: 2 });
    expect(arn).toMatch(ARN);
    const tg = (await h.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }))).TargetGroups?.[0];
    expect(tg).toMatchObject({ TargetGroupName: 'from-code', Port: 8080, HealthCheckIntervalSeconds: 5, HealthyThresholdCount: 2 });
  });
});

describe('DescribeTargetGroups', () => {
  it('finds groups by name or ARN, and reports unknown ones as TargetGroupNotFound', async () => {
    const a = await create({ Name: 'find-a' });
    const b = await create({ Name: 'find-b' });
    const byName = await h.elb.send(new DescribeTargetGroupsCommand({ Names: ['find-b', 'find-a'] }));
    expect(byName.TargetGroups?.map((g) => g.TargetGroupName)).toEqual(['find-a', 'find-b']);
    const byArn = await h.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [b?.TargetGroupArn ?? ''] }));
    expect(byArn.TargetGroups?.map((g) => g.TargetGroupArn)).toEqual([b?.TargetGroupArn]);

    expect((await rejection(h.elb.send(new DescribeTargetGroupsCommand({ Names: ['find-a', 'nope'] })))).name).toBe('TargetGroupNotFoundException');
    const unknownArn = a?.TargetGroupArn?.replace(/[0-9a-f]{16}$/, '0000000000000000');
    expect((await rejection(h.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [unknownArn ?? ''] })))).name).toBe(
      'TargetGroupNotFoundException',
    );
    expect((await rejection(h.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: ['not-an-arn'] })))).name).toBe('ValidationError');
    const both = await rejection(h.elb.send(new DescribeTargetGroupsCommand({ Names: ['find-a'], TargetGroupArns: [a?.TargetGroupArn ?? ''] })));
    expect(both.name).toBe('ValidationError');
  });

  it('pages in name order with PageSize and NextMarker, also when groups go away between pages', async () => {
    const names = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e', 'page-f', 'page-g'];
    const arns = new Map<string, string>();
    for (const name of [...names].reverse()) arns.set(name, (await create({ Name: name }))?.TargetGroupArn ?? '');

    const all = (await h.elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups?.map((g) => g.TargetGroupName) ?? [];
    const expected = all.filter((n) => n?.startsWith('page-'));
    expect(expected).toEqual(names);

    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await h.elb.send(new DescribeTargetGroupsCommand({ PageSize: 3, Marker: marker }));
      expect(out.TargetGroups?.length).toBeLessThanOrEqual(3);
      seen.push(...(out.TargetGroups ?? []).map((g) => g.TargetGroupName ?? ''));
      marker = out.NextMarker;
      pages++;
    } while (marker);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 3));

    const paginated: string[] = [];
    for await (const page of paginateDescribeTargetGroups({ client: h.elb, pageSize: 2 }, {})) {
      paginated.push(...(page.TargetGroups ?? []).map((g) => g.TargetGroupName ?? ''));
    }
    expect(paginated).toEqual(all);

    const first = await h.elb.send(new DescribeTargetGroupsCommand({ Names: names, PageSize: 2 }));
    expect(first.TargetGroups?.map((g) => g.TargetGroupName)).toEqual(['page-a', 'page-b']);
    await h.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arns.get('page-b') }));
    await h.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arns.get('page-c') }));
    const second = await h.elb.send(new DescribeTargetGroupsCommand({ PageSize: 2, Marker: first.NextMarker }));
    expect(second.TargetGroups?.map((g) => g.TargetGroupName)).toEqual(['page-d', 'page-e']);

    for (const PageSize of [0, 401]) {
      expect((await rejection(h.elb.send(new DescribeTargetGroupsCommand({ PageSize })))).name).toBe('ValidationError');
    }
    expect((await rejection(h.elb.send(new DescribeTargetGroupsCommand({ Marker: 'garbage!' })))).name).toBe('ValidationError');
  });
});

describe('target group attributes', () => {
  it('starts with a 300 s deregistration delay and round-trips changes', async () => {
    const tg = await create({ Name: 'attrs' });
    const arn = tg?.TargetGroupArn;
    expect(await attributesOf(arn)).toMatchObject({
      'deregistration_delay.timeout_seconds': '300',
      'stickiness.enabled': 'false',
      'stickiness.type': 'lb_cookie',
    });
    const out = await h.elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: arn,
        Attributes: [
          { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
          { Key: 'stickiness.enabled', Value: 'true' },
        ],
      }),
    );
    expect(out.Attributes).toEqual(expect.arrayContaining([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]));
    expect(await attributesOf(arn)).toMatchObject({ 'deregistration_delay.timeout_seconds': '30', 'stickiness.enabled': 'true' });
  });

  it('refuses bad values and unknown keys, changing nothing', async () => {
    const arn = (await create({ Name: 'attrs-bad' }))?.TargetGroupArn;
    const modify = (Key: string, Value: string) =>
      rejection(
        h.elb.send(
          new ModifyTargetGroupAttributesCommand({
            TargetGroupArn: arn,
            Attributes: [
              { Key: 'stickiness.enabled', Value: 'true' },
              { Key, Value },
            ],
          }),
        ),
      );
    expect((await modify('deregistration_delay.timeout_seconds', '3601')).name).toBe('ValidationError');
    expect((await modify('deregistration_delay.timeout_seconds', 'soon')).name).toBe('ValidationError');
    expect((await modify('no.such.attribute', '1')).name).toBe('ValidationError');
    expect(await attributesOf(arn)).toMatchObject({ 'deregistration_delay.timeout_seconds': '300', 'stickiness.enabled': 'false' });
  });

  it('answers TargetGroupNotFound for a group that does not exist', async () => {
    const arn = (await create({ Name: 'attrs-gone' }))?.TargetGroupArn;
    await h.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    const err = await rejection(h.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn })));
    expect(err.name).toBe('TargetGroupNotFoundException');
  });
});

describe('DeleteTargetGroup', () => {
  it('deletes the group; deleting it again succeeds; its targets can no longer be registered', async () => {
    const arn = (await create({ Name: 'doomed' }))?.TargetGroupArn;
    await h.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    await h.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    expect((await rejection(h.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn ?? ''] })))).name).toBe(
      'TargetGroupNotFoundException',
    );
    const err = await rejection(h.elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: 'i-0123456789abcdef0' }] })));
    expect(err.name).toBe('TargetGroupNotFoundException');
  });
});
