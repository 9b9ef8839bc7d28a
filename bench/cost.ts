/**
 * Cost: how many of a cluster's raw ECS events invoke one of Shepherd's functions once the
 * EventBridge rules from serverless.yml have filtered them. The events come from the simulator
 * running a mixed cluster: Shepherd's tasks next to other tasks, crashes, a drain and a host loss.
 */
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, UpdateContainerInstancesStateCommand, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { readStack } from '../local/stack';
import { startSimulator } from '../local/sim';
import type { VirtualClock } from '../local/sim/clock';
import { matchesEventPattern } from '../local/sim/events/pattern';
import { round } from './stats';

export interface CostFigures {
  rawEcsEvents: number;
  invocations: number;
  invocationShare: number;
  byFunction: Record<string, number>;
}

export async function ruleFiltering(): Promise<CostFigures> {
  const stage = 'bench';
  const sim = await startSimulator({ clock: 'virtual', seed: 7 });
  const clock = sim.clock as VirtualClock;
  const ecs = new ECSClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));
    for (const family of ['web', 'batch']) {
      await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image: 'x', cpu: 128, memory: 256, essential: true }] }));
    }
    sim.ecs.setFailureModel('web', { kind: 'crash', probability: 0.3, minMs: 60_000, maxMs: 600_000 });
    sim.autoscaling.createGroup({ name: 'bench-asg', cluster: 'bench', instanceType: 'm5.large', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], min: 0, max: 6, desired: 4 });
    await clock.advance(5 * 60_000);
    // Shepherd's tasks and, beside them, tasks other tools started (a native ECS service, batch jobs).
    for (let i = 0; i < 3; i++) {
      await ecs.send(new RunTaskCommand({ cluster: 'bench', taskDefinition: 'web', count: 10, startedBy: `shepherd/${stage}`, group: 'shepherd:web' }));
      await ecs.send(new RunTaskCommand({ cluster: 'bench', taskDefinition: 'batch', count: 10, startedBy: 'ecs-svc/1234567890', group: 'service:native' }));
    }
    await clock.advance(20 * 60_000);
    const instances = await ecs.send(new ListContainerInstancesCommand({ cluster: 'bench' }));
    const [first, second] = instances.containerInstanceArns ?? [];
    if (first) await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'bench', containerInstances: [first], status: 'DRAINING' }));
    await clock.advance(10 * 60_000);
    const victim = sim.autoscaling.instances('bench-asg').find((i) => second && sim.ecs.snapshot().instances.some((ci) => ci.arn === second && ci.ec2InstanceId === i.instanceId));
    if (victim) sim.autoscaling.killInstance(victim.instanceId);
    await clock.advance(20 * 60_000);
    await sim.events.drain();

    const raw = sim.events.history('default').filter((e) => e.source === 'aws.ecs');
    const byFunction: Record<string, number> = {};
    let invocations = 0;
    for (const fn of readStack({ stage }).functions) {
      for (const ev of fn.events) {
        if (ev.kind !== 'eventBridge') continue;
        const n = raw.filter((e) => matchesEventPattern(ev.pattern, e)).length;
        byFunction[fn.name] = (byFunction[fn.name] ?? 0) + n;
        invocations += n;
      }
    }
    return { rawEcsEvents: raw.length, invocations, invocationShare: round(invocations / Math.max(1, raw.length), 3), byFunction };
  } finally {
    ecs.destroy();
    await sim.close();
  }
}
