import type { FailureModel } from './failureModels';

/** Simulated time each lifecycle step takes. */
export interface LifecycleDelays {
  /** PROVISIONING → PENDING. */
  provisioningMs: number;
  /** Image pull, from PENDING (pullStartedAt → pullStoppedAt). */
  pullMs: number;
  /** Container start after the pull (pullStoppedAt → RUNNING). */
  startMs: number;
  /** RUNNING → first health check result, for containers that have a health check. */
  healthyAfterMs: number;
  /** STOPPING → STOPPED. */
  stoppingMs: number;
  /** How long a STOPPED task stays describable before it vanishes (ECS: about an hour). */
  stoppedRetentionMs: number;
}

export interface EcsSimOptions {
  delays?: Partial<LifecycleDelays>;
  /** Failure model for tasks whose family/ARN has none (default: healthy forever). */
  defaultFailureModel?: FailureModel;
  /** Failure models by task definition family or ARN. */
  failureModels?: Record<string, FailureModel>;
  /** How long a RunTask clientToken is remembered (ECS: 24 hours). */
  clientTokenTtlMs?: number;
  /** TCP ports the agent reserves on hosts registered with registerHost (ECS agent default). */
  reservedPorts?: number[];
}

export interface ResolvedOptions {
  delays: LifecycleDelays;
  clientTokenTtlMs: number;
  reservedPorts: number[];
}

export const DEFAULT_DELAYS: LifecycleDelays = {
  provisioningMs: 1_000,
  pullMs: 3_000,
  startMs: 1_000,
  healthyAfterMs: 10_000,
  stoppingMs: 2_000,
  stoppedRetentionMs: 60 * 60_000,
};

/** The ECS agent's default reserved ports: SSH, the Docker daemon, the agent's introspection API. */
export const AGENT_RESERVED_PORTS = [22, 2375, 2376, 51678, 51679];

export function resolveOptions(opts: EcsSimOptions = {}): ResolvedOptions {
  return {
    delays: { ...DEFAULT_DELAYS, ...opts.delays },
    clientTokenTtlMs: opts.clientTokenTtlMs ?? 24 * 60 * 60_000,
    reservedPorts: opts.reservedPorts ?? AGENT_RESERVED_PORTS,
  };
}
