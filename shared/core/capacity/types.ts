/** The inputs and outputs of the capacity decision (see ../capacity.ts for the rules). */

/** ECS units: CPU units and MiB. */
export interface Resources {
  cpu: number;
  memory: number;
}

/** A live task on a host whose size is known (one of Shepherd's). */
export interface HostTask {
  service?: string;
  cpu: number;
  memory: number;
  daemon: boolean;
  /** distinctInstance / static host port: no two tasks of this service on one host */
  distinct: boolean;
}

/** An EC2 instance of the cluster's Auto Scaling group, with what ECS knows of it. */
export interface Host {
  /** EC2 instance id, as the group knows it. */
  instanceId: string;
  /** The group's LifecycleState, folded. */
  lifecycle: 'Pending' | 'InService' | 'Terminating' | 'Other';
  protectedFromScaleIn: boolean;
  /** Absent: not (yet) registered with ECS — booting. */
  ecs?: {
    containerInstanceArn: string;
    /** ACTIVE | DRAINING | … */
    status: string;
    agentConnected: boolean;
    registered: Resources;
    remaining: Resources;
    /** Live tasks whose size is known (Shepherd's). */
    tasks: HostTask[];
    /** Live tasks of unknown size (not Shepherd's): busy, unmovable. */
    otherTasks: number;
  };
}

/** Tasks a service wants and ECS has not placed. */
export interface Demand {
  service: string;
  count: number;
  cpu: number;
  memory: number;
  distinct: boolean;
}

/** Kept by the adapter between decisions (store); all ISO times, keyed by instance id. */
export interface CapacityState {
  /** First seen idle. */
  idleSince: Record<string, string>;
  /** First seen removable by consolidation. */
  consolidatableSince: Record<string, string>;
  /** Shepherd set it DRAINING. */
  drainingSince: Record<string, string>;
}

export interface CapacitySettingsView {
  minSize: number;
  maxSize: number;
  targetUtilizationPercent: number;
  maxScalingStep: number;
  scaleInAfterMs: number;
  maxDrainingAtOnce: number;
}

export interface CapacityInput {
  settings: CapacitySettingsView;
  group: { desired: number };
  hosts: Host[];
  demand: Demand[];
  state: CapacityState;
  /** Epoch milliseconds. */
  now: number;
}

export type CapacityAction =
  | { kind: 'setDesired'; desired: number; from: number; reason: string }
  /** Undo a Shepherd drain (UpdateContainerInstancesState ACTIVE). */
  | { kind: 'reactivate'; instanceId: string; containerInstanceArn: string; reason: string }
  | { kind: 'drain'; instanceId: string; containerInstanceArn: string; reason: string }
  /** TerminateInstanceInAutoScalingGroup, decrementing desired. */
  | { kind: 'terminate'; instanceId: string; reason: string }
  | { kind: 'protect'; instanceIds: string[]; protect: boolean; reason: string };

/** Like ECS's CapacityProviderReservation: hosts needed (M), hosts running (N), M / N in percent. */
export interface Reservation {
  needed: number;
  running: number;
  percent: number;
}

export interface CapacityDecision {
  actions: CapacityAction[];
  state: CapacityState;
  reservation: Reservation;
  /** Why each thing was (not) done, for the dry run and the status. */
  notes: string[];
}
