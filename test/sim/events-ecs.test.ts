/** EventBridge composed with ECS by startSimulator: ECS's events reach a rule's target. */
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { VirtualClock } from '../../local/sim/clock';
import { startSimulator, type Simulator } from '../../local/sim/index';
import type { EventEnvelope } from '../../local/sim/types';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:onContainerInstanceStateChange';
let sim: Simulator;
let events: EventBridgeClient;

beforeAll(async () => {
  sim = await startSimulator({ clock: 'virtual' });
  events = new EventBridgeClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
});
afterAll(async () => {
  events.destroy();
  await sim.close();
});

it('delivers ECS container instance events to a rule’s bound target', async () => {
  await events.send(
    new PutRuleCommand({ Name: 'instances', EventPattern: JSON.stringify({ source: ['aws.ecs'], 'detail-type': ['ECS Container Instance State Change'] }) }),
  );
  await events.send(new PutTargetsCommand({ Rule: 'instances', Targets: [{ Id: 'fn', Arn: FN }] }));
  const got: EventEnvelope[] = [];
  sim.events.bindTarget(FN, (e) => {
    got.push(e);
  });
  sim.autoscaling.createGroup({ name: 'g', cluster: 'prod', instanceType: 'm5.large', availabilityZones: ['us-east-1a'], min: 0, max: 1, desired: 1 });
  await sim.events.drain();
  expect(got).toEqual([]);
  await (sim.clock as VirtualClock).advance(60_000);
  await sim.events.drain();
  const [instance] = sim.autoscaling.instances('g');
  expect(got.length).toBeGreaterThan(0);
  expect(got.every((e) => e.source === 'aws.ecs' && e.region === 'us-east-1')).toBe(true);
  expect(got.map((e) => e.detail.ec2InstanceId)).toContain(instance?.instanceId);
});
