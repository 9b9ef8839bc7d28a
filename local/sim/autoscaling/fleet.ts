import { hexId } from '../random';
import type { EcsHostRegistry, SimContext } from '../types';
import { isLive, type SimGroup, type SimInstance } from './model';
import { validationError } from './params';
import { launchZone, scaleInVictims } from './termination';

export interface FleetTimings {
  /** Launch to InService, when the host's ECS agent registers. */
  warmupMs: number;
  /** Terminating to Terminated, when the host leaves ECS. */
  terminateDelayMs: number;
  /** How long an instance that died (killInstance) stays in the group before a health check replaces it. */
  healthCheckMs: number;
}

/**
 * The groups' instances over time: converges each group to its desired capacity, launches and
 * warms up instances (registering them with ECS), terminates them (removing them from ECS), and
 * replaces instances that died.
 */
export class Fleet {
  readonly groups = new Map<string, SimGroup>();
  private readonly byInstance = new Map<string, SimInstance>();
  private launches = 0;

  constructor(
    private readonly ctx: SimContext,
    private readonly ecs: EcsHostRegistry,
    readonly timings: FleetTimings,
  ) {}

  group(name: string): SimGroup {
    const g = this.groups.get(name);
    if (!g) throw validationError(`AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
    return g;
  }

  /** A managed instance that is not yet terminated. */
  instance(id: string): SimInstance | undefined {
    return this.byInstance.get(id);
  }

  add(group: SimGroup): void {
    this.groups.set(group.name, group);
    this.converge(group);
  }

  /** Launches or terminates instances until the live ones equal the desired capacity (if protection allows). */
  converge(group: SimGroup): void {
    const all = [...group.instances.values()];
    const live = all.filter(isLive);
    for (let n = live.length; n < group.desired; n++) this.launch(group);
    if (live.length > group.desired) {
      for (const victim of scaleInVictims(all, group.availabilityZones, live.length - group.desired)) this.beginTermination(victim);
    }
  }

  /** Starts terminating an instance: Terminating now, Terminated (and gone from ECS) after the shutdown delay. */
  beginTermination(inst: SimInstance): void {
    if (!isLive(inst)) return;
    this.clearTimer(inst);
    inst.lifecycle = 'Terminating';
    inst.timer = this.ctx.clock.setTimer(this.timings.terminateDelayMs, () => {
      inst.timer = undefined;
      if (inst.containerInstanceArn !== undefined && !inst.hostGone) {
        inst.hostGone = true;
        this.ecs.terminateHost(inst.id);
      }
      inst.lifecycle = 'Terminated';
      const group = this.groups.get(inst.groupName);
      group?.instances.delete(inst.id);
      this.byInstance.delete(inst.id);
      if (group) this.converge(group);
    });
  }

  /** The host dies outside Auto Scaling's control: it leaves ECS now; a health check later replaces it. */
  kill(id: string): void {
    const inst = this.byInstance.get(id);
    if (!inst || !isLive(inst)) throw new Error(`no live instance ${id} in any Auto Scaling group`);
    this.clearTimer(inst);
    inst.health = 'Unhealthy';
    if (inst.containerInstanceArn !== undefined && !inst.hostGone) this.ecs.terminateHost(inst.id);
    inst.hostGone = true;
    inst.timer = this.ctx.clock.setTimer(this.timings.healthCheckMs, () => {
      inst.timer = undefined;
      this.beginTermination(inst);
      const group = this.groups.get(inst.groupName);
      if (group) this.converge(group);
    });
  }

  private launch(group: SimGroup): void {
    const inst: SimInstance = {
      id: `i-${hexId(this.ctx.random, 17)}`,
      groupName: group.name,
      instanceType: group.instanceType,
      availabilityZone: launchZone([...group.instances.values()], group.availabilityZones),
      lifecycle: 'Pending',
      health: 'Healthy',
      protectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
      launchedAt: this.ctx.clock.now(),
      seq: ++this.launches,
      hostGone: false,
    };
    group.instances.set(inst.id, inst);
    this.byInstance.set(inst.id, inst);
    inst.timer = this.ctx.clock.setTimer(group.warmupMs, () => {
      inst.timer = undefined;
      inst.lifecycle = 'InService';
      this.register(group, inst);
    });
  }

  private register(group: SimGroup, inst: SimInstance): void {
    try {
      inst.containerInstanceArn = this.ecs.registerHost({
        ec2InstanceId: inst.id,
        instanceType: inst.instanceType,
        availabilityZone: inst.availabilityZone,
        cluster: group.cluster,
      });
    } catch (err) {
      inst.registrationError = err instanceof Error ? err.message : String(err);
    }
  }

  private clearTimer(inst: SimInstance): void {
    if (inst.timer !== undefined) this.ctx.clock.clearTimer(inst.timer);
    inst.timer = undefined;
  }
}
