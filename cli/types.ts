/** The API's answer shapes, inferred from the zod schemas that generate GET /openapi.json (types only). */
import type { z } from 'zod';
import type { Cluster as ClusterSchema, ClusterDetail as ClusterDetailSchema } from '../shared/api/schemas/clusters';
import type {
  Deployment as DeploymentSchema,
  ForceDeleteResult as ForceDeleteResultSchema,
  HistoryEvent as HistoryEventSchema,
  Service as ServiceSchema,
  ServicePlan as ServicePlanSchema,
  ServiceStatus as ServiceStatusSchema,
} from '../shared/api/schemas/services';
import type { ContainerInstanceState as InstanceStateSchema, TerminatedInstance as TerminatedSchema } from '../shared/api/schemas/instanceActions';
import type { ServiceTask as ServiceTaskSchema, StoppedTask as StoppedTaskSchema } from '../shared/api/schemas/taskActions';
import type { RegisteredTaskDefinition as RegisteredSchema, TaskDefinitionRevision as RevisionSchema } from '../shared/api/schemas/taskDefinitions';

export type Service = z.infer<typeof ServiceSchema>;
export type Deployment = z.infer<typeof DeploymentSchema>;
export type ServiceStatus = z.infer<typeof ServiceStatusSchema>;
export type ServicePlan = z.infer<typeof ServicePlanSchema>;
export type HistoryEvent = z.infer<typeof HistoryEventSchema>;
export type ForceDeleteResult = z.infer<typeof ForceDeleteResultSchema>;
export type Cluster = z.infer<typeof ClusterSchema>;
export type ClusterDetail = z.infer<typeof ClusterDetailSchema>;
export type RegisteredTaskDefinition = z.infer<typeof RegisteredSchema>;
export type TaskDefinitionRevision = z.infer<typeof RevisionSchema>;
export type ServiceTask = z.infer<typeof ServiceTaskSchema>;
export type StoppedTask = z.infer<typeof StoppedTaskSchema>;
export type ContainerInstanceState = z.infer<typeof InstanceStateSchema>;
export type TerminatedInstance = z.infer<typeof TerminatedSchema>;
export interface Page<T> {
  items: T[];
  nextToken?: string;
}
