/**
 * The operator and the infrastructure: container instances drained for maintenance (ECS
 * UpdateContainerInstancesState through the SDK) and set ACTIVE again a few minutes later, and
 * instances that die (the Auto Scaling group replaces them). At most one instance is dead and one
 * draining at a time, so the cluster keeps room for every service at maximumPercent.
 */
import { UpdateContainerInstancesStateCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { Simulator } from '../../../local/sim';

export class Operator {
  drains = 0;
  kills = 0;
  private readonly draining = new Map<string, number>();

  constructor(
    private readonly sim: Simulator,
    private readonly ecs: ECSClient,
    private readonly cluster: string,
    private readonly group: string,
  ) {}

  /** Drains one ACTIVE instance (picked by `draw`) until `untilMs` of simulated time. */
  async drain(draw: number, untilMs: number): Promise<string | undefined> {
    if (this.draining.size > 0) return undefined;
    const candidates = this.usable();
    if (candidates.length < 3) return undefined;
    const arn = candidates[Math.floor(draw * candidates.length)]!;
    this.draining.set(arn, untilMs);
    this.drains++;
    await this.setState(arn, 'DRAINING');
    return arn;
  }

  /** Ends the drains that are due (all of them with `all`). */
  async reactivate(nowMs: number, all = false): Promise<void> {
    for (const [arn, until] of [...this.draining]) {
      if (!all && until > nowMs) continue;
      this.draining.delete(arn);
      const inst = this.sim.ecs.snapshot().instances.find((i) => i.arn === arn);
      if (inst?.status === 'DRAINING') await this.setState(arn, 'ACTIVE');
    }
  }

  /** An instance (picked by `draw`) dies, unless one is already dead or too few are left. */
  kill(draw: number): string | undefined {
    const group = this.sim.autoscaling.instances(this.group);
    if (group.some((i) => i.healthStatus !== 'Healthy' || i.lifecycleState !== 'InService')) return undefined;
    const usable = new Set(this.usable());
    const live = group.filter((i) => i.containerInstanceArn && usable.has(i.containerInstanceArn));
    if (live.length < 3) return undefined;
    const victim = live[Math.floor(draw * live.length)]!;
    this.kills++;
    this.sim.autoscaling.killInstance(victim.instanceId);
    return victim.containerInstanceArn;
  }

  private usable(): string[] {
    return this.sim.ecs
      .snapshot()
      .instances.filter((i) => i.status === 'ACTIVE' && i.agentConnected && !this.draining.has(i.arn))
      .map((i) => i.arn)
      .sort();
  }

  private async setState(arn: string, status: 'ACTIVE' | 'DRAINING'): Promise<void> {
    const out = await this.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: this.cluster, containerInstances: [arn], status }));
    if (out.failures?.length) throw new Error(`UpdateContainerInstancesState ${status}: ${JSON.stringify(out.failures)}`);
  }
}
