/** A cluster Shepherd schedules on, and how it may grow or shrink. */
export interface CapacitySettings {
  autoScalingGroupName: string;
  minSize: number;
  maxSize: number;
  /** Target share of registered CPU/memory in use, 1–100. */
  targetUtilizationPercent: number;
}

export interface Cluster {
  name: string;
  capacity?: CapacitySettings;
  revision: number;
  createdAt: string;
  updatedAt: string;
}
