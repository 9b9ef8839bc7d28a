/** The demo `npm start` seeds: a cluster with an Auto Scaling group of 3 instances and two services. */
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { DEFAULT_DEPLOYMENT_CONFIGURATION } from '../shared/core/service';
import { ConflictError } from '../shared/store';
import { LOCAL_CREDENTIALS } from './dynamodb';
import type { Sandbox } from './sandbox';

export const DEMO_CLUSTER = 'demo';

export async function seedDemo(sb: Sandbox): Promise<void> {
  const ecs = new ECSClient({ endpoint: sb.sim.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: DEMO_CLUSTER }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        networkMode: 'bridge',
        containerDefinitions: [{ name: 'app', image: 'nginx:stable', cpu: 256, memory: 512, essential: true, portMappings: [{ containerPort: 80, hostPort: 0 }] }],
      }),
    );
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'log-agent',
        networkMode: 'bridge',
        containerDefinitions: [{ name: 'agent', image: 'fluent-bit:latest', cpu: 64, memory: 128, essential: true }],
      }),
    );
  } finally {
    ecs.destroy();
  }
  // Now and then a web task crashes, so replacements are visible.
  sb.sim.ecs.setFailureModel('web', { kind: 'crash', probability: 0.25, minMs: 20_000, maxMs: 120_000, exitCode: 1 });
  sb.sim.autoscaling.createGroup({
    name: 'demo-asg',
    cluster: DEMO_CLUSTER,
    instanceType: 'm5.large',
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    min: 1,
    max: 6,
    desired: 3,
    tags: { 'shepherd:stage': sb.stage },
    // Real EC2 hosts take a minute or more to boot and register; the demo's boot in seconds.
    warmupMs: 5_000,
  });
  await sb.store.clusters.ensure(DEMO_CLUSTER);
  const common = {
    cluster: DEMO_CLUSTER,
    launchType: 'EC2' as const,
    placementConstraints: [],
    deploymentConfiguration: DEFAULT_DEPLOYMENT_CONFIGURATION,
    loadBalancers: [],
    tags: { demo: 'true' },
    paused: false,
  };
  for (const spec of [
    { ...common, name: 'web', taskDefinition: 'web:1', desiredCount: 6, schedulingStrategy: 'REPLICA' as const, placementStrategy: [{ type: 'spread' as const, field: 'attribute:ecs.availability-zone' }] },
    { ...common, name: 'log-agent', taskDefinition: 'log-agent:1', desiredCount: 0, schedulingStrategy: 'DAEMON' as const, placementStrategy: [] },
  ]) {
    try {
      await sb.store.services.create(spec);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }
}
