/**
 * The ELBv2 calls: register and deregister a task's targets, read their health, read a target
 * group's deregistration delay (cached per Lambda container for a few minutes: it rarely changes).
 * Register and deregister are idempotent in ELBv2 (registering a registered target, or
 * deregistering an unknown one, changes nothing).
 */
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Target, TargetState } from '../core/targets';

function byGroup(targets: Target[]): Map<string, Target[]> {
  const out = new Map<string, Target[]>();
  for (const t of targets) out.set(t.targetGroupArn, [...(out.get(t.targetGroupArn) ?? []), t]);
  return out;
}

export async function registerTargets(elb: ElasticLoadBalancingV2Client, targets: Target[]): Promise<void> {
  for (const [arn, list] of byGroup(targets)) {
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: list.map((t) => ({ Id: t.id, Port: t.port })) }));
  }
}

export async function deregisterTargets(elb: ElasticLoadBalancingV2Client, targets: Target[]): Promise<void> {
  for (const [arn, list] of byGroup(targets)) {
    try {
      await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: list.map((t) => ({ Id: t.id, Port: t.port })) }));
    } catch (err) {
      // A target group deleted meanwhile has nothing left to deregister.
      if ((err as { name?: string }).name !== 'TargetGroupNotFoundException') throw err;
    }
  }
}

export const targetKey = (t: Pick<Target, 'targetGroupArn' | 'id' | 'port'>) => `${t.targetGroupArn}|${t.id}|${t.port}`;

/** The state of each of the given targets (one DescribeTargetHealth per target group), by targetKey. */
export async function targetStates(elb: ElasticLoadBalancingV2Client, targets: Target[]): Promise<Map<string, TargetState>> {
  const out = new Map<string, TargetState>();
  for (const [arn, list] of byGroup(targets)) {
    // The whole group, filtered here: naming targets makes ELBv2 fail the call (InvalidTarget) when
    // one of their instances is gone, which would freeze the health of every other task.
    const wanted = new Set(list.map(targetKey));
    const res = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
    for (const d of res.TargetHealthDescriptions ?? []) {
      if (!wanted.has(targetKey({ targetGroupArn: arn, id: d.Target?.Id ?? '', port: d.Target?.Port ?? 0 }))) continue;
      if (!d.Target?.Id) continue;
      out.set(targetKey({ targetGroupArn: arn, id: d.Target.Id, port: d.Target.Port ?? 0 }), (d.TargetHealth?.State ?? 'unavailable') as TargetState);
    }
  }
  return out;
}

const DELAY_CACHE_MS = 5 * 60_000;
const delays = new Map<string, { seconds: number; until: number }>();

/** `deregistration_delay.timeout_seconds` of each group (default 300, as ELBv2). */
export async function deregistrationDelays(elb: ElasticLoadBalancingV2Client, targetGroupArns: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const now = Date.now();
  for (const arn of new Set(targetGroupArns)) {
    const hit = delays.get(arn);
    if (hit && hit.until > now) {
      out.set(arn, hit.seconds);
      continue;
    }
    const res = await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
    const v = Number(res.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value ?? 300);
    const seconds = Number.isFinite(v) ? v : 300;
    delays.set(arn, { seconds, until: now + DELAY_CACHE_MS });
    out.set(arn, seconds);
  }
  return out;
}
