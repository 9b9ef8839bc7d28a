/**
 * Shared setup for the ELBv2 simulator tests: the ECS harness (simulator on a virtual clock, real
 * ECS client) plus the real ELBv2 client, and a reader of DescribeTargetHealth.
 */
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SimulatorOptions } from '../../local/sim/index';
import { startEcs, type EcsHarness } from './ecs-harness';

export interface ElbHarness extends EcsHarness {
  elb: ElasticLoadBalancingV2Client;
}

export async function startElb(opts: SimulatorOptions = {}): Promise<ElbHarness> {
  const h = await startEcs(opts);
  const elb = new ElasticLoadBalancingV2Client({
    endpoint: h.sim.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  return {
    ...h,
    elb,
    close: async () => {
      elb.destroy();
      await h.close();
    },
  };
}

export interface HealthRow {
  id?: string;
  port?: number;
  state?: string;
  reason?: string;
}

/** DescribeTargetHealth, flattened to what the tests compare. */
export async function targetHealth(elb: ElasticLoadBalancingV2Client, targetGroupArn: string, targets?: TargetDescription[]): Promise<HealthRow[]> {
  const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn, ...(targets ? { Targets: targets } : {}) }));
  return (out.TargetHealthDescriptions ?? []).map((d) => ({
    id: d.Target?.Id,
    port: d.Target?.Port,
    state: d.TargetHealth?.State,
    ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
  }));
}
