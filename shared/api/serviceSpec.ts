/**
 * From request bodies to a ServiceSpec: defaults, the rules that span fields (as ECS applies
 * them), the rules that depend on the task definition, and the differences between two specs.
 */
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_DEPLOYMENT_CONFIGURATION, type DeploymentConfiguration, type Service, type ServiceSpec } from '../core/service';
import { sameTaskDefinition, type ResolvedTaskDefinition } from './ecs';
import type { FieldError } from './problem';
import type { CreateServiceBody, PatchServiceBody } from './schemas/services';

/** Every field of a ServiceSpec, in the order the API documents them. */
export const SPEC_FIELDS = [
  'name',
  'cluster',
  'taskDefinition',
  'desiredCount',
  'schedulingStrategy',
  'launchType',
  'capacityProviderStrategy',
  'placementStrategy',
  'placementConstraints',
  'networkConfiguration',
  'overrides',
  'deploymentConfiguration',
  'loadBalancers',
  'tags',
  'paused',
] as const satisfies ReadonlyArray<keyof ServiceSpec>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function mergeDeploymentConfiguration(
  base: DeploymentConfiguration,
  given: Partial<DeploymentConfiguration> | undefined,
): DeploymentConfiguration {
  return {
    minimumHealthyPercent: given?.minimumHealthyPercent ?? base.minimumHealthyPercent,
    maximumPercent: given?.maximumPercent ?? base.maximumPercent,
    deploymentCircuitBreaker: given?.deploymentCircuitBreaker ?? base.deploymentCircuitBreaker,
  };
}

/** The spec a create body asks for, with ECS's defaults (DAEMON services store desiredCount 0). */
export function specFromCreate(body: CreateServiceBody, taskDefinition: string): ServiceSpec {
  const spec: ServiceSpec = {
    name: body.name,
    cluster: body.cluster,
    taskDefinition,
    desiredCount: body.schedulingStrategy === 'DAEMON' ? 0 : (body.desiredCount ?? 0),
    schedulingStrategy: body.schedulingStrategy,
    placementStrategy: body.placementStrategy,
    placementConstraints: body.placementConstraints,
    deploymentConfiguration: mergeDeploymentConfiguration(DEFAULT_DEPLOYMENT_CONFIGURATION, body.deploymentConfiguration),
    loadBalancers: body.loadBalancers,
    tags: body.tags,
    paused: body.paused,
  };
  if (body.launchType !== undefined) spec.launchType = body.launchType;
  if (body.capacityProviderStrategy !== undefined) spec.capacityProviderStrategy = body.capacityProviderStrategy;
  if (body.networkConfiguration !== undefined) spec.networkConfiguration = body.networkConfiguration;
  if (body.overrides !== undefined) spec.overrides = body.overrides;
  return spec;
}

/** The spec part of a stored service. */
export function specOf(s: Service): ServiceSpec {
  const out: Partial<Mutable<ServiceSpec>> = {};
  for (const k of SPEC_FIELDS) if (s[k] !== undefined) (out as Record<string, unknown>)[k] = s[k];
  return out as ServiceSpec;
}

/**
 * The rules between fields, as ECS applies them. `given` says which fields the request itself
 * set (a create must give desiredCount for REPLICA; no request may give one for DAEMON).
 */
export function specProblems(spec: ServiceSpec, given: { desiredCount: boolean; isCreate: boolean }): FieldError[] {
  const errors: FieldError[] = [];
  if (spec.schedulingStrategy === 'REPLICA' && given.isCreate && !given.desiredCount) {
    errors.push({ field: 'body.desiredCount', message: 'required for REPLICA services' });
  }
  if (spec.schedulingStrategy === 'DAEMON') {
    if (given.desiredCount) errors.push({ field: 'body.desiredCount', message: 'DAEMON services run one task per container instance: desiredCount cannot be set' });
    if (spec.placementStrategy.length > 0) errors.push({ field: 'body.placementStrategy', message: 'DAEMON services do not take a placementStrategy' });
    // Daemon tasks are placed with StartTask on chosen instances, which takes no constraints;
    // Shepherd does not evaluate the cluster query language itself yet. Refuse rather than ignore.
    if (spec.placementConstraints.some((c) => c.type === 'memberOf')) {
      errors.push({ field: 'body.placementConstraints', message: 'memberOf constraints are not supported for DAEMON services yet (every ACTIVE instance gets one task)' });
    }
  }
  if (spec.launchType !== undefined && spec.capacityProviderStrategy !== undefined) {
    errors.push({ field: 'body.capacityProviderStrategy', message: 'give launchType or capacityProviderStrategy, not both' });
  }
  const providers = spec.capacityProviderStrategy ?? [];
  if (providers.filter((p) => (p.base ?? 0) > 0).length > 1) {
    errors.push({ field: 'body.capacityProviderStrategy', message: 'only one capacity provider may have a base' });
  }
  if (new Set(providers.map((p) => p.capacityProvider)).size !== providers.length) {
    errors.push({ field: 'body.capacityProviderStrategy', message: 'each capacity provider at most once' });
  }
  const overrides = spec.overrides?.containerOverrides ?? [];
  if (new Set(overrides.map((o) => o.name)).size !== overrides.length) {
    errors.push({ field: 'body.overrides.containerOverrides', message: 'each container at most once' });
  }
  return errors;
}

/** The rules that depend on the task definition (ECS checks the same at CreateService). */
export function taskDefinitionProblems(spec: ServiceSpec, td: ResolvedTaskDefinition): FieldError[] {
  const errors: FieldError[] = [];
  if (td.networkMode === 'awsvpc' && !spec.networkConfiguration) {
    errors.push({ field: 'body.networkConfiguration', message: `${td.family}:${td.revision} uses the awsvpc network mode: networkConfiguration is required` });
  }
  if (td.networkMode !== 'awsvpc' && spec.networkConfiguration) {
    errors.push({ field: 'body.networkConfiguration', message: `only for awsvpc task definitions; ${td.family}:${td.revision} uses ${td.networkMode}` });
  }
  const containers = new Map(td.containers.map((c) => [c.name, c]));
  spec.loadBalancers.forEach((lb, i) => {
    const c = containers.get(lb.containerName);
    if (!c) errors.push({ field: `body.loadBalancers[${i}].containerName`, message: `${td.family}:${td.revision} has no container ${lb.containerName}` });
    else if (!c.containerPorts.includes(lb.containerPort)) {
      errors.push({ field: `body.loadBalancers[${i}].containerPort`, message: `container ${lb.containerName} maps no port ${lb.containerPort}` });
    }
  });
  (spec.overrides?.containerOverrides ?? []).forEach((o, i) => {
    if (!containers.has(o.name)) errors.push({ field: `body.overrides.containerOverrides[${i}].name`, message: `${td.family}:${td.revision} has no container ${o.name}` });
  });
  return errors;
}

/** JSON's view of a value: undefined members gone, so stored and requested specs compare fairly. */
const plain = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

function sameField(field: keyof ServiceSpec, a: unknown, b: unknown): boolean {
  if (field === 'taskDefinition' && typeof a === 'string' && typeof b === 'string') return sameTaskDefinition(a, b);
  return isDeepStrictEqual(plain(a), plain(b));
}

const show = (v: unknown): string => {
  const s = v === undefined ? '(not set)' : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
};

/** The fields whose values differ between what exists and what a request asks for. */
export function specDifferences(existing: ServiceSpec, requested: ServiceSpec): FieldError[] {
  const out: FieldError[] = [];
  for (const k of SPEC_FIELDS) {
    if (!sameField(k, existing[k], requested[k])) out.push({ field: `body.${k}`, message: `exists with ${show(existing[k])}; the request has ${show(requested[k])}` });
  }
  return out;
}

/** The spec after a PATCH (taskDefinition aside: the route resolves it), and immutable-field errors. */
export function applyPatch(current: Service, patch: PatchServiceBody): { spec: ServiceSpec; errors: FieldError[] } {
  const errors: FieldError[] = [];
  for (const k of ['name', 'cluster', 'schedulingStrategy'] as const) {
    if (patch[k] !== undefined && patch[k] !== current[k]) errors.push({ field: `body.${k}`, message: `cannot be changed (it is ${JSON.stringify(current[k])})` });
  }
  const spec = specOf(current) as Mutable<ServiceSpec>;
  const out = spec as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || k === 'name' || k === 'cluster' || k === 'schedulingStrategy' || k === 'taskDefinition') continue;
    if (k === 'deploymentConfiguration') spec.deploymentConfiguration = mergeDeploymentConfiguration(current.deploymentConfiguration, patch.deploymentConfiguration);
    else if (v === null) delete out[k];
    else out[k] = v;
  }
  return { spec, errors };
}

/** The fields of `next` that differ from `current`, as a store update (undefined = remove). */
export function specChanges(current: ServiceSpec, next: ServiceSpec): Partial<ServiceSpec> {
  const changes: Record<string, unknown> = {};
  for (const k of SPEC_FIELDS) {
    if (k === 'name' || k === 'cluster') continue;
    if (!sameField(k, current[k], next[k])) changes[k] = next[k];
  }
  return changes as Partial<ServiceSpec>;
}

const SERVICE_FIELDS = [...SPEC_FIELDS, 'status', 'revision', 'createdAt', 'updatedAt', 'deployments', 'backoff', 'unplaced'] as const;
export const DEPLOYMENT_FIELDS = ['id', 'taskDefinition', 'status', 'rolloutState', 'createdAt', 'updatedAt', 'failedTasks'] as const;
export const EVENT_FIELDS = ['id', 'type', 'subject', 'time', 'message', 'detail'] as const;
export const CLUSTER_FIELDS = ['name', 'capacity', 'reservation', 'capacityState', 'revision', 'createdAt', 'updatedAt'] as const;
const CAPACITY_FIELDS = ['autoScalingGroupName', 'minSize', 'maxSize', 'targetUtilizationPercent', 'maxScalingStep', 'scaleInAfterSeconds'] as const;

/** `o`'s members in the given order (DynamoDB returns them in any order), then any others. */
export function ordered<T extends object>(o: T, keys: readonly string[]): T {
  const src = o as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (src[k] !== undefined) out[k] = src[k];
  for (const [k, v] of Object.entries(src)) if (!(k in out) && v !== undefined) out[k] = v;
  return out as T;
}

/** A service as the API shows it: ECS's field order, then bookkeeping. */
export function serviceView(s: Service): Service {
  const dc = s.deploymentConfiguration;
  return ordered(
    {
      ...s,
      ...(dc ? { deploymentConfiguration: ordered({ ...dc, ...(dc.deploymentCircuitBreaker ? { deploymentCircuitBreaker: ordered(dc.deploymentCircuitBreaker, ['enable', 'rollback']) } : {}) }, ['minimumHealthyPercent', 'maximumPercent', 'deploymentCircuitBreaker']) } : {}),
      deployments: s.deployments.map((d) => ordered(d, DEPLOYMENT_FIELDS)),
    },
    SERVICE_FIELDS,
  );
}

export const eventView = <T extends object>(e: T): T => ordered(e, EVENT_FIELDS);

export function clusterView<T extends { capacity?: object | undefined }>(c: T): T {
  return ordered({ ...c, ...(c.capacity ? { capacity: ordered(c.capacity, CAPACITY_FIELDS) } : {}) }, CLUSTER_FIELDS);
}
