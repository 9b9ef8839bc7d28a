import type { CapacityState } from './capacity';

/** A cluster Shepherd schedules on, and how it may grow or shrink. */
export interface CapacitySettings {
  autoScalingGroupName: string;
  minSize: number;
  maxSize: number;
  /**
   * Share of the group's in-service instances that should be busy, 1–100 (as ECS's capacity
   * provider targetCapacity): 100 keeps no spare instance, 80 keeps about one in five spare.
   */
  targetUtilizationPercent: number;
  /** Most instances one scale-out adds (default 10). */
  maxScalingStep?: number;
  /** How long an instance stays idle, or removable by consolidation, before it is drained (default 600 s). */
  scaleInAfterSeconds?: number;
}

/** What Shepherd remembers between capacity decisions (idle / removable / draining since when). */
export type CapacityControllerState = CapacityState;

/** Like ECS's CapacityProviderReservation: instances needed over instances in service, in percent. */
export interface CapacityReservation {
  needed: number;
  running: number;
  percent: number;
  /** The group's desired capacity when this was measured. */
  desired: number;
  at: string;
}

export interface Cluster {
  name: string;
  capacity?: CapacitySettings;
  revision: number;
  createdAt: string;
  updatedAt: string;
  /** Runtime: the capacity controller's memory and its latest reservation figure (no revision bump). */
  capacityState?: CapacityControllerState;
  reservation?: CapacityReservation;
}
