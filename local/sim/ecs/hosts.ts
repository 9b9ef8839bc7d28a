/** What happens to a container instance's host and agent outside the API: host loss, agent flaps. */
import type { Core } from './core';

/** ECS's wording for tasks whose host went away. */
export const hostStoppedReason = (ec2InstanceId: string) => `Host EC2 (instance ${ec2InstanceId}) stopped/terminated.`;

/**
 * The EC2 instance is gone: its agent drops (event), every task on it stops at once
 * (TerminationNotice, one event each), and the container instance leaves the cluster (INACTIVE, event,
 * its resources all free). An instance the simulator never saw is ignored.
 */
export function terminateHost(core: Core, ec2InstanceId: string): void {
  for (const ci of [...core.state.instances.values()]) {
    if (ci.ec2InstanceId !== ec2InstanceId) continue;
    if (ci.status === 'INACTIVE' && ci.liveTasks.size === 0) continue;
    if (ci.status !== 'INACTIVE' && ci.agentConnected) {
      ci.agentConnected = false;
      core.events.instanceChanged(ci);
    }
    for (const task of [...ci.liveTasks]) core.lifecycle.hostGone(task, hostStoppedReason(ec2InstanceId));
    if (ci.status !== 'INACTIVE') {
      ci.status = 'INACTIVE';
      core.events.instanceChanged(ci);
    }
  }
}

/** The agent loses its connection (normal a few times an hour): nothing new is placed there. */
export function disconnectAgent(core: Core, containerInstanceArn: string): void {
  const ci = core.state.instances.get(containerInstanceArn);
  if (!ci) throw new Error(`disconnectAgent: unknown container instance ${containerInstanceArn}`);
  if (ci.status === 'INACTIVE' || !ci.agentConnected) return;
  ci.agentConnected = false;
  core.events.instanceChanged(ci);
}

/** The agent is back: it reports what happened meanwhile and carries out what waited for it. */
export function reconnectAgent(core: Core, containerInstanceArn: string): void {
  const ci = core.state.instances.get(containerInstanceArn);
  if (!ci) throw new Error(`reconnectAgent: unknown container instance ${containerInstanceArn}`);
  if (ci.status === 'INACTIVE' || ci.agentConnected) return;
  ci.agentConnected = true;
  core.events.instanceChanged(ci);
  core.lifecycle.agentReconnected(ci);
}
