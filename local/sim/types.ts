import type { Clock } from './clock';
import type { Random } from './random';

/** What every simulated service is given: the same clock, PRNG, account and region. */
export interface SimContext {
  clock: Clock;
  random: Random;
  accountId: string;
  region: string;
}

/** An event in EventBridge's envelope, exactly as EventBridge hands it to a target. */
export interface EventEnvelope<D = Record<string, unknown>> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: D;
}

/** Where a simulated service sends the events it emits (the EventBridge simulator's default bus). */
export interface EventSink {
  emit(event: EventEnvelope): void;
}

/** A simulated EC2 host, as an Auto Scaling group launches it. */
export interface Ec2Host {
  ec2InstanceId: string;
  instanceType: string;
  availabilityZone: string;
  /** ECS cluster name the host's agent registers with. */
  cluster: string;
  /** Extra ECS attributes to register (name → value). */
  attributes?: Record<string, string>;
}

/**
 * What the Auto Scaling simulator needs from the ECS simulator: a booted host's agent registers
 * with its cluster, and a terminated host disappears (its tasks stop, events flow).
 */
export interface EcsHostRegistry {
  /** Registers the host as a container instance; returns its containerInstanceArn. */
  registerHost(host: Ec2Host): string;
  /** The EC2 instance is gone: its tasks stop and its container instance leaves the cluster. */
  terminateHost(ec2InstanceId: string): void;
}

/** Registered resources of the instance types the simulator knows (as the ECS agent reports them). */
export interface InstanceTypeSpec {
  cpu: number;
  memory: number;
}

export const INSTANCE_TYPES: Record<string, InstanceTypeSpec> = {
  't3.micro': { cpu: 2048, memory: 943 },
  't3.small': { cpu: 2048, memory: 1939 },
  't3.medium': { cpu: 2048, memory: 3920 },
  't3.large': { cpu: 2048, memory: 7953 },
  'm5.large': { cpu: 2048, memory: 7680 },
  'm5.xlarge': { cpu: 4096, memory: 15690 },
  'm5.2xlarge': { cpu: 8192, memory: 31570 },
  'c5.large': { cpu: 2048, memory: 3745 },
  'c5.xlarge': { cpu: 4096, memory: 7629 },
  'r5.large': { cpu: 2048, memory: 15690 },
};
