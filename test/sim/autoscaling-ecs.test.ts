/** Auto Scaling and ECS together, through startSimulator: hosts join the cluster and leave it. */
import { AutoScalingClient, TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateClusterCommand, DescribeContainerInstancesCommand, ECSClient, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { VirtualClock } from '../../local/sim/clock';
import { startSimulator, type Simulator } from '../../local/sim/index';

let sim: Simulator;
let ecs: ECSClient;
let autoscaling: AutoScalingClient;
const clock = () => sim.clock as VirtualClock;
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

beforeAll(async () => {
  sim = await startSimulator({ clock: 'virtual' });
  ecs = new ECSClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials });
  autoscaling = new AutoScalingClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials });
});
afterAll(async () => {
  ecs.destroy();
  autoscaling.destroy();
  await sim.close();
});

it('registers a group’s instances as container instances, and a termination takes one out', async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
  sim.autoscaling.createGroup({
    name: 'prod-ecs',
    cluster: 'prod',
    instanceType: 'm5.large',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    min: 0,
    max: 4,
    desired: 2,
  });
  expect((await ecs.send(new ListContainerInstancesCommand({ cluster: 'prod' }))).containerInstanceArns).toEqual([]);

  await clock().advance(60_000);
  const asgInstances = sim.autoscaling.instances('prod-ecs');
  const arns = (await ecs.send(new ListContainerInstancesCommand({ cluster: 'prod' }))).containerInstanceArns ?? [];
  expect(arns.sort()).toEqual(asgInstances.map((i) => i.containerInstanceArn).sort());
  const described = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'prod', containerInstances: arns }));
  for (const ci of described.containerInstances ?? []) {
    const asg = asgInstances.find((i) => i.instanceId === ci.ec2InstanceId);
    expect(asg).toBeDefined();
    expect(ci.status).toBe('ACTIVE');
    expect(ci.attributes).toEqual(expect.arrayContaining([
      { name: 'ecs.availability-zone', value: asg?.availabilityZone },
      { name: 'ecs.instance-type', value: 'm5.large' },
    ]));
  }

  const [victim, survivor] = asgInstances;
  await autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: victim?.instanceId, ShouldDecrementDesiredCapacity: true }));
  await clock().advance(30_000);
  const after = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'prod', containerInstances: arns }));
  const statusOf = (id: string | undefined) => after.containerInstances?.find((ci) => ci.ec2InstanceId === id)?.status;
  expect(statusOf(victim?.instanceId)).toBe('INACTIVE');
  expect(statusOf(survivor?.instanceId)).toBe('ACTIVE');
  expect((await ecs.send(new ListContainerInstancesCommand({ cluster: 'prod', status: 'ACTIVE' }))).containerInstanceArns).toEqual([survivor?.containerInstanceArn]);

  // ECS reported it on the default bus.
  const instanceEvents = sim.events.history('default').filter((e) => e['detail-type'] === 'ECS Container Instance State Change');
  expect(instanceEvents.some((e) => e.detail.ec2InstanceId === victim?.instanceId && e.detail.status === 'INACTIVE')).toBe(true);
});
