/** Placement through RunTask, end to end (the placement engine's own cases are in placement-*.test.ts). */
import { CreateClusterCommand, RunTaskCommand, UpdateContainerInstancesStateCommand, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, registerTaskDefinition, startEcs, type EcsHarness, type InstanceSpec } from './ecs-harness';

let h: EcsHarness;
let clusters = 0;

beforeAll(async () => {
  h = await startEcs();
  await registerTaskDefinition(h.ecs, 'small', { cpu: 256, memory: 256 });
  await registerTaskDefinition(h.ecs, 'port80', { cpu: 128, memory: 128, portMappings: [{ containerPort: 80, hostPort: 80 }] });
  await registerTaskDefinition(h.ecs, 'dns', { cpu: 128, memory: 128, portMappings: [{ containerPort: 53, hostPort: 53, protocol: 'udp' }] });
});
afterAll(() => h.close());

/** A fresh cluster with these instances; returns the cluster name and the instance ARNs in order. */
async function cluster(...instances: Omit<InstanceSpec, 'cluster' | 'instanceId'>[]) {
  const name = `placement-${++clusters}`;
  await h.ecs.send(new CreateClusterCommand({ clusterName: name }));
  const arns: string[] = [];
  for (const [i, spec] of instances.entries()) {
    arns.push(await registerInstance(h.ecs, { ...spec, cluster: name, instanceId: `i-${String(clusters).padStart(8, '0')}${String(i).padStart(9, '0')}` }));
  }
  return { name, arns };
}

const run = (cluster: string, input: Partial<RunTaskCommandInput>) =>
  h.ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'small', ...input }));

const countBy = (values: (string | undefined)[]) => {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
};

describe('ECS simulator: placement through RunTask', () => {
  it('binpack on memory fills the instance with the least memory left', async () => {
    const c = await cluster({ memory: 8192 }, { memory: 2048 }, { memory: 4096 });
    const out = await run(c.name, { count: 4, placementStrategy: [{ type: 'binpack', field: 'memory' }] });
    expect(out.tasks?.map((t) => t.containerInstanceArn)).toEqual([c.arns[1], c.arns[1], c.arns[1], c.arns[1]]);
  });

  it('spread over availability zones puts the same number of tasks in each zone', async () => {
    const c = await cluster(
      { availabilityZone: 'us-east-1a' },
      { availabilityZone: 'us-east-1a' },
      { availabilityZone: 'us-east-1b' },
      { availabilityZone: 'us-east-1c' },
    );
    const out = await run(c.name, { count: 6, placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] });
    expect(countBy(out.tasks?.map((t) => t.availabilityZone) ?? [])).toEqual({ 'us-east-1a': 2, 'us-east-1b': 2, 'us-east-1c': 2 });
  });

  it('memberOf keeps tasks on the instances the expression selects', async () => {
    const c = await cluster({ instanceType: 't3.medium' }, { instanceType: 'm5.large' }, { instanceType: 'c5.large', attributes: { stack: 'prod' } });
    const byType = await run(c.name, { count: 3, placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ m5.*' }] });
    expect(byType.tasks?.map((t) => t.containerInstanceArn)).toEqual([c.arns[1], c.arns[1], c.arns[1]]);
    const custom = await run(c.name, {
      count: 2,
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:stack == prod or attribute:ecs.instance-type == t3.medium' }],
      placementStrategy: [{ type: 'spread', field: 'instanceId' }],
    });
    expect(custom.tasks?.map((t) => t.containerInstanceArn).sort()).toEqual([c.arns[0], c.arns[2]].sort());
  });

  it('a static host port goes once per instance; the rest fail with RESOURCE:PORTS next to the placed tasks', async () => {
    const c = await cluster({}, {});
    const out = await run(c.name, { taskDefinition: 'port80', count: 3 });
    expect(out.tasks?.map((t) => t.containerInstanceArn).sort()).toEqual([...c.arns].sort());
    expect(out.failures?.map((f) => [f.arn, f.reason]).sort()).toEqual(c.arns.map((a) => [a, 'RESOURCE:PORTS']).sort());
    const again = await run(c.name, { taskDefinition: 'port80' });
    expect(again.tasks).toEqual([]);
    expect(again.failures).toHaveLength(2);
  });

  it('a static UDP host port is given once per instance too', async () => {
    const c = await cluster({}, {});
    const out = await run(c.name, { taskDefinition: 'dns', count: 3 });
    expect(out.tasks?.map((t) => t.containerInstanceArn).sort()).toEqual([...c.arns].sort());
    expect(out.failures?.map((f) => [f.arn, f.reason]).sort()).toEqual(c.arns.map((a) => [a, 'RESOURCE:PORTS']).sort());
  });

  it('places nothing on a DRAINING instance', async () => {
    const c = await cluster({}, {}, {});
    await h.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: c.name, containerInstances: [c.arns[1] as string], status: 'DRAINING' }));
    const out = await run(c.name, { count: 8, placementStrategy: [{ type: 'spread', field: 'instanceId' }] });
    expect(out.tasks).toHaveLength(8);
    expect(out.tasks?.some((t) => t.containerInstanceArn === c.arns[1])).toBe(false);
  });

  it('places nothing on an instance whose agent is disconnected: failure AGENT', async () => {
    const c = await cluster({ cpu: 256 }, { cpu: 4096 });
    h.sim.ecs.disconnectAgent(c.arns[1] as string);
    const out = await run(c.name, { count: 2 });
    expect(out.tasks?.map((t) => t.containerInstanceArn)).toEqual([c.arns[0]]);
    expect(out.failures).toEqual(
      expect.arrayContaining([
        { arn: c.arns[0], reason: 'RESOURCE:CPU' },
        { arn: c.arns[1], reason: 'AGENT' },
      ]),
    );
    h.sim.ecs.reconnectAgent(c.arns[1] as string);
    const after = await run(c.name, {});
    expect(after.tasks?.[0]?.containerInstanceArn).toBe(c.arns[1]);
  });
});
