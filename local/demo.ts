/** The demo `npm start` seeds: a cluster with an Auto Scaling group of 3 instances and two services. */
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
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
  // Services through the public API, exactly as a user would create them.
  for (const body of [
    { name: 'web', cluster: DEMO_CLUSTER, taskDefinition: 'web:1', desiredCount: 6, placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }], tags: { demo: 'true' } },
    { name: 'log-agent', cluster: DEMO_CLUSTER, taskDefinition: 'log-agent:1', schedulingStrategy: 'DAEMON', tags: { demo: 'true' } },
  ]) {
    const res = await sb.apiFetch('/services', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201 && res.status !== 200) throw new Error(`seeding ${body.name}: ${res.status} ${await res.text()}`);
  }
  // Shepherd sizes the group (never below the 3 instances the demo starts with), so the
  // dashboard's Terminate goes through the API: POST /clusters/demo/instances/{id}/terminate.
  // Target 100: no spare instance, so the demo stays at its 3 instances until work needs more.
  const capacity = { autoScalingGroupName: 'demo-asg', minSize: 3, maxSize: 6, targetUtilizationPercent: 100 };
  const res = await sb.apiFetch(`/clusters/${DEMO_CLUSTER}/capacity`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(capacity) });
  if (res.status !== 200) throw new Error(`seeding the capacity of ${DEMO_CLUSTER}: ${res.status} ${await res.text()}`);
}
