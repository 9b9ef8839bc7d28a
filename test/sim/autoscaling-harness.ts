import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { AutoScalingSimulator, type AutoScalingSimOptions } from '../../local/sim/autoscaling';
import { CallLog } from '../../local/sim/calls';
import { VirtualClock } from '../../local/sim/clock';
import { Faults } from '../../local/sim/faults';
import { seededRandom } from '../../local/sim/random';
import { startSimServer } from '../../local/sim/server';
import type { Ec2Host, EcsHostRegistry, SimContext } from '../../local/sim/types';

/** A stand-in for the ECS simulator's host registry that records what Auto Scaling tells it. */
export class FakeEcsHosts implements EcsHostRegistry {
  readonly hosts = new Map<string, Ec2Host>();
  readonly terminated: string[] = [];
  /** Clusters whose registration fails, as for a cluster that does not exist. */
  readonly missingClusters = new Set<string>();

  registerHost(host: Ec2Host): string {
    if (this.missingClusters.has(host.cluster)) throw new Error(`Cluster not found: ${host.cluster}`);
    this.hosts.set(host.ec2InstanceId, host);
    return `arn:aws:ecs:us-east-1:123456789012:container-instance/${host.cluster}/${host.ec2InstanceId.slice(2)}`;
  }

  terminateHost(ec2InstanceId: string): void {
    if (!this.hosts.delete(ec2InstanceId)) throw new Error(`unknown host ${ec2InstanceId}`);
    this.terminated.push(ec2InstanceId);
  }
}

export interface AutoScalingHarness {
  clock: VirtualClock;
  ctx: SimContext;
  ecs: FakeEcsHosts;
  autoscaling: AutoScalingSimulator;
  client: AutoScalingClient;
  close(): Promise<void>;
}

/** The Auto Scaling simulator alone on a loopback endpoint (against a fake ECS), with the real SDK client. */
export async function startAutoScaling(opts: AutoScalingSimOptions & { seed?: number } = {}): Promise<AutoScalingHarness> {
  const clock = new VirtualClock();
  const ctx: SimContext = { clock, random: seededRandom(opts.seed ?? 3), accountId: '123456789012', region: 'us-east-1' };
  const ecs = new FakeEcsHosts();
  const autoscaling = new AutoScalingSimulator(ctx, ecs, opts);
  const server = await startSimServer({ json: [], query: [autoscaling], faults: new Faults(seededRandom(1)), calls: new CallLog() });
  const client = new AutoScalingClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  return {
    clock,
    ctx,
    ecs,
    autoscaling,
    client,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}
