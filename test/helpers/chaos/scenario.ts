/**
 * The soak's world: four services with different deployment settings and placements on four
 * m5.2xlarge instances (room for every service at maximumPercent with one instance dead and one
 * draining), the rates of everything that goes wrong, and how often people and the scheduled
 * reconciler act. Rates are per simulated second (the driver's step).
 */
import type { ServicePlan } from './users';

export const CLUSTER = 'prod';
export const GROUP = 'prod-asg';
export const INSTANCES = 4;
export const INSTANCE_TYPE = 'm5.2xlarge';
/** Task definition revisions registered per family; deployments move between them. */
export const REVISIONS = 3;

export interface SoakService extends ServicePlan {
  create: Record<string, unknown>;
}

export const SERVICES: SoakService[] = [
  {
    name: 'web',
    family: 'web',
    minDesired: 4,
    maxDesired: 12,
    create: { desiredCount: 8, placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] },
  },
  {
    name: 'api',
    family: 'api',
    minDesired: 2,
    maxDesired: 10,
    create: { desiredCount: 6, deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 }, placementStrategy: [{ type: 'binpack', field: 'memory' }] },
  },
  {
    name: 'jobs',
    family: 'web',
    minDesired: 2,
    maxDesired: 8,
    create: { desiredCount: 4, deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 }, placementStrategy: [{ type: 'spread', field: 'instanceId' }] },
  },
  {
    name: 'worker',
    family: 'api',
    minDesired: 0,
    maxDesired: 10,
    create: { desiredCount: 4, deploymentConfiguration: { minimumHealthyPercent: 0, maximumPercent: 150 }, placementStrategy: [{ type: 'random' }] },
  },
];

export const FAULTS = {
  duplicateRate: 0.2,
  reorderRate: 0.2,
  /** How long a reordered delivery is held back at most (ms): long enough for later events to overtake it. */
  maxDelayMs: 20_000,
  throttleRate: 0.05,
  crashRate: 0.02,
};

/** The workload itself churns: every task's app exits 70 s to 3 min after it started (never a quick crash, so no crash-loop backoff). */
export const TASK_CRASH = { kind: 'crash', probability: 1, minMs: 70_000, maxMs: 180_000 } as const;

export const PER_STEP = {
  /** A user scales or deploys a service. */
  userAction: 1 / 15,
  /** …and a second user changes the same service at the same moment (If-Match races). */
  secondUser: 0.3,
  /** Of user actions, the share that are deployments (the rest scale). */
  deployShare: 0.3,
  /** An instance starts draining (if none is), for 2 to 5 minutes. */
  drain: 1 / 120,
  /** An instance dies (if none is dead). */
  kill: 1 / 240,
};

/** The first drain and the first instance loss happen at these steps whatever the draws (then at random). */
export const FIRST_DRAIN_STEP = 40;
export const FIRST_KILL_STEP = 100;

export const RECONCILE_PERIOD_MS = 60_000;
export const STEP_MS = 1_000;
