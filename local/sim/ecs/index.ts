/**
 * An in-process simulation of Amazon ECS (EC2 launch type) on the JSON 1.1 protocol, driven by the
 * simulator's clock. Composed with the other simulators by local/sim/index.ts.
 */
import { SimError } from '../errors';
import type { JsonProtocolService } from '../server';
import type { Ec2Host, EcsHostRegistry, EventSink, SimContext } from '../types';
import { createCluster, describeClusters, listClusters } from './clusters';
import type { Core, Handler } from './core';
import { EcsEvents } from './events';
import { FailureModels, type FailureModel } from './failureModels';
import { taskEndpoints, type TaskEndpoint } from './endpoints';
import { disconnectAgent, reconnectAgent, terminateHost } from './hosts';
import {
  deregisterContainerInstance,
  describeContainerInstances,
  listContainerInstances,
  updateContainerInstancesState,
} from './instances';
import { Lifecycle } from './lifecycle';
import { resolveOptions, type EcsSimOptions } from './options';
import { registerContainerInstance, registerHost } from './registration';
import { runTask, startTask } from './runTask';
import { snapshot, type EcsSnapshot } from './snapshot';
import { EcsState } from './state';
import { listTagsForResource, tagResource, untagResource } from './tags';
import { describeTasks, listTasks, stopTask } from './tasks';
import {
  deregisterTaskDefinition,
  describeTaskDefinition,
  listTaskDefinitions,
  registerTaskDefinition,
} from './taskDefinitions';

export type { EcsSimOptions, LifecycleDelays } from './options';
export type { FailureModel } from './failureModels';
export type { EcsSnapshot, InstanceSnapshot, TaskSnapshot } from './snapshot';
export type { TaskEndpoint } from './endpoints';

const HANDLERS: Record<string, Handler> = {
  CreateCluster: createCluster,
  DescribeClusters: describeClusters,
  ListClusters: listClusters,
  RegisterTaskDefinition: registerTaskDefinition,
  DescribeTaskDefinition: describeTaskDefinition,
  DeregisterTaskDefinition: deregisterTaskDefinition,
  ListTaskDefinitions: listTaskDefinitions,
  RegisterContainerInstance: registerContainerInstance,
  DeregisterContainerInstance: deregisterContainerInstance,
  ListContainerInstances: listContainerInstances,
  DescribeContainerInstances: describeContainerInstances,
  UpdateContainerInstancesState: updateContainerInstancesState,
  RunTask: runTask,
  StartTask: startTask,
  StopTask: stopTask,
  ListTasks: listTasks,
  DescribeTasks: describeTasks,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

export class EcsSimulator implements JsonProtocolService, EcsHostRegistry {
  readonly name = 'ecs' as const;
  readonly targetPrefix = 'AmazonEC2ContainerServiceV20141113';
  private readonly core: Core;

  constructor(ctx: SimContext, sink: EventSink, opts: EcsSimOptions = {}) {
    const resolved = resolveOptions(opts);
    const state = new EcsState();
    const events = new EcsEvents(ctx, sink);
    const failureModels = new FailureModels(opts.defaultFailureModel);
    for (const [key, model] of Object.entries(opts.failureModels ?? {})) failureModels.set(key, model);
    this.core = {
      ctx,
      state,
      opts: resolved,
      events,
      failureModels,
      lifecycle: new Lifecycle(ctx.clock, ctx.random, resolved.delays, events, state),
      clientTokens: new Map(),
    };
  }

  handle(action: string, input: Record<string, unknown>): unknown {
    const handler = HANDLERS[action];
    if (!handler) throw new SimError('UnknownOperationException', `The ECS simulator does not implement ${action}.`);
    return handler(this.core, input);
  }

  /** The ECS agent of a booted host registers; returns its containerInstanceArn. */
  registerHost(host: Ec2Host): string {
    return registerHost(this.core, host);
  }

  /** The host is gone: its tasks stop (TerminationNotice) and its container instance goes INACTIVE. */
  terminateHost(ec2InstanceId: string): void {
    terminateHost(this.core, ec2InstanceId);
  }

  /** Sets how tasks of a task definition family (or one revision, by ARN) behave from now on. */
  setFailureModel(familyOrArn: string, model: FailureModel): void {
    this.core.failureModels.set(familyOrArn, model);
  }

  clearFailureModel(familyOrArn: string): void {
    this.core.failureModels.clear(familyOrArn);
  }

  setDefaultFailureModel(model: FailureModel): void {
    this.core.failureModels.setDefault(model);
  }

  /** The instance's agent drops its connection: no placements there; its reports wait. */
  disconnectAgent(containerInstanceArn: string): void {
    disconnectAgent(this.core, containerInstanceArn);
  }

  reconnectAgent(containerInstanceArn: string): void {
    reconnectAgent(this.core, containerInstanceArn);
  }

  /** Clusters, container instances (with resource accounting) and tasks, as plain data. */
  snapshot(): EcsSnapshot {
    return snapshot(this.core.state);
  }

  /** Where each task (stopped ones while still describable) is reachable and when it answers there: what a load balancer sees. */
  taskEndpoints(): TaskEndpoint[] {
    return taskEndpoints(this.core);
  }
}
