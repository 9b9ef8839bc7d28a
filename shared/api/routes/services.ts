/** /services: create (idempotent), list, get, update (If-Match), delete (drain, or force). */
import { isTerminal } from '../../core/observed';
import { isManagedBy, serviceFromGroup } from '../../core/markers';
import type { Service } from '../../core/service';
import { ConflictError, NotFoundError } from '../../store';
import { recordDeploymentStarted } from '../../handlers/deployment';
import { actNow } from '../act';
import { isCurrentTaskDefinition, deploymentChanges } from '../deployments';
import { DELETE_STOP_REASON, resolveTaskDefinition, stopTask } from '../ecs';
import { etagOf, ifMatchAccepts, json } from '../http';
import { assertNotDraining, contention, getService, MAX_ATTEMPTS, mutateService, preconditionFailed, type ServiceChanges } from '../mutate';
import { allPages, pageBody } from '../pages';
import { HttpProblem, invalid } from '../problem';
import { defineRoute } from '../router';
import {
  CreateServiceBody,
  DeleteServiceQuery,
  ForceDeleteResult,
  ListServicesQuery,
  PatchServiceBody,
  Service as ServiceSchema,
  ServiceList,
  ServiceParams,
} from '../schemas/services';
import { applyPatch, serviceView, specChanges, specDifferences, specFromCreate, specOf, specProblems, taskDefinitionProblems } from '../serviceSpec';

const TAG = 'Services';

/** A service as the API shows it, with its ETag. */
export const serviceResponse = (status: number, s: Service, extra: Record<string, string> = {}) =>
  json(status, serviceView(s), { etag: etagOf(s.revision), ...extra });

export const createService = defineRoute({
  method: 'POST',
  path: '/services',
  operationId: 'createService',
  summary: 'Create a service',
  description:
    'Registers the desired state of a service (its cluster record too). Idempotent: the same body again answers 200 with the existing service; ' +
    'a different body for an existing name answers 409 listing the differing fields. The task definition must be registered and ACTIVE in ECS; ' +
    'Shepherd stores its ARN.',
  tag: TAG,
  body: { schema: CreateServiceBody, required: true },
  responses: {
    201: { description: 'Created.', schema: ServiceSchema, headers: ['ETag', 'Location'] },
    200: { description: 'Already exists with exactly these settings (a retried create).', schema: ServiceSchema, headers: ['ETag', 'Location'] },
  },
  problems: [409, 413, 415],
  async handle({ body, deps }) {
    const given = { desiredCount: body.desiredCount !== undefined, isCreate: true };
    const early = specProblems(specFromCreate(body, body.taskDefinition), given);
    if (early.length) throw invalid(early);
    const td = await resolveTaskDefinition(deps.ecs, body.taskDefinition, 'body.taskDefinition');
    const spec = specFromCreate(body, td.arn);
    const tdProblems = taskDefinitionProblems(spec, td);
    if (tdProblems.length) throw invalid(tdProblems);
    const location = { location: `/services/${spec.name}` };
    await deps.store.clusters.ensure(spec.cluster);
    try {
      const created = await deps.store.services.create(spec, { healthChecked: td.healthChecked });
      await actNow(deps, created.name, 'created');
      return serviceResponse(201, created, location);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const existing = (err.current as Service | undefined) ?? (await deps.store.services.get(spec.name));
      if (!existing) throw new HttpProblem('unavailable', `service ${spec.name} was deleted while being created; retry`, { headers: { 'retry-after': '1' } });
      assertNotDraining(existing);
      const differences = specDifferences(specOf(existing), spec);
      if (differences.length === 0) return serviceResponse(200, existing, location);
      throw new HttpProblem('alreadyExists', `service ${spec.name} exists with other settings (${differences.map((d) => d.field.replace(/^body\./, '')).join(', ')}); change it with PATCH /services/${spec.name}`, {
        errors: differences,
      });
    }
  },
});

export const listServices = defineRoute({
  method: 'GET',
  path: '/services',
  operationId: 'listServices',
  summary: 'List services',
  description: 'By name, in pages; `cluster` lists one cluster\'s.',
  tag: TAG,
  query: ListServicesQuery,
  responses: { 200: { description: 'A page of services.', schema: ServiceList } },
  async handle({ query, deps }) {
    const page = await deps.store.services.list({
      ...(query.cluster !== undefined ? { cluster: query.cluster } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    });
    return json(200, pageBody(page, serviceView));
  },
});

export const getServiceRoute = defineRoute({
  method: 'GET',
  path: '/services/{name}',
  operationId: 'getService',
  summary: 'Get a service',
  description: 'The ETag header carries its revision, for If-Match on PATCH.',
  tag: TAG,
  params: ServiceParams,
  responses: { 200: { description: 'The service.', schema: ServiceSchema, headers: ['ETag'] } },
  problems: [404],
  async handle({ params, deps }) {
    return serviceResponse(200, await getService(deps, params.name));
  },
});

export const patchService = defineRoute({
  method: 'PATCH',
  path: '/services/{name}',
  operationId: 'updateService',
  summary: 'Update a service',
  description:
    'Changes the fields given; `null` removes an optional one. Needs `If-Match` with the ETag of a GET (428 without it, 412 when the service changed since). ' +
    'A new taskDefinition records a new deployment. name, cluster and schedulingStrategy cannot change.',
  tag: TAG,
  params: ServiceParams,
  body: { schema: PatchServiceBody, required: true },
  ifMatch: 'required',
  responses: { 200: { description: 'The service after the change (unchanged when nothing differed).', schema: ServiceSchema, headers: ['ETag'] } },
  problems: [404, 409, 412, 413, 415, 428],
  async handle({ params, body, ifMatch, deps }) {
    if (Object.keys(body).length === 0) throw invalid([{ field: 'body', message: 'give at least one field to change' }]);
    let deployed = false;
    const { service } = await mutateService(deps, params.name, ifMatch, async (s) => {
      assertNotDraining(s);
      const { spec, errors } = applyPatch(s, body);
      errors.push(...specProblems(spec, { desiredCount: body.desiredCount !== undefined, isCreate: false }));
      if (errors.length) throw invalid(errors);
      const tdFields = body.taskDefinition !== undefined || body.networkConfiguration !== undefined || body.loadBalancers !== undefined || body.overrides !== undefined;
      let deployment: ServiceChanges = {};
      if (tdFields) {
        const td = await resolveTaskDefinition(deps.ecs, body.taskDefinition ?? s.taskDefinition, body.taskDefinition !== undefined ? 'body.taskDefinition' : 'taskDefinition');
        const tdProblems = taskDefinitionProblems(spec, td);
        if (tdProblems.length) throw invalid(tdProblems);
        if (body.taskDefinition !== undefined && !isCurrentTaskDefinition(s, td.arn)) {
          deployment = deploymentChanges(s, td.arn, deps.now().toISOString(), td.healthChecked);
        }
      }
      const changes: ServiceChanges = { ...specChanges(specOf(s), spec), ...deployment };
      deployed = deployment.deployments !== undefined;
      return Object.keys(changes).length ? changes : undefined;
    });
    if (deployed) await recordDeploymentStarted(deps.store, service);
    await actNow(deps, service.name, deployed ? 'updated (deployment started)' : 'updated');
    return serviceResponse(200, service);
  },
});

export const deleteService = defineRoute({
  method: 'DELETE',
  path: '/services/{name}',
  operationId: 'deleteService',
  summary: 'Delete a service',
  description:
    'Without `force`: the service becomes DRAINING with desiredCount 0 and the reconciler removes it once no task remains (202). ' +
    "With `force=true`: Shepherd stops the service's tasks it knows of (only tasks carrying its markers, reason \"Shepherd: service deleted\") " +
    'and removes the service at once (200). `If-Match` is optional.',
  tag: TAG,
  params: ServiceParams,
  query: DeleteServiceQuery,
  ifMatch: 'optional',
  responses: {
    202: { description: 'Draining: the service (status DRAINING, desiredCount 0).', schema: ServiceSchema, headers: ['ETag'] },
    200: { description: 'Removed (force=true), and the tasks Shepherd stopped.', schema: ForceDeleteResult },
  },
  problems: [404, 412],
  async handle({ params, query, ifMatch, deps }) {
    const { name } = params;
    if (query.force !== 'true') {
      const { service } = await mutateService(deps, name, ifMatch, (s) =>
        s.status === 'DRAINING' && s.desiredCount === 0 ? undefined : { status: 'DRAINING', desiredCount: 0 },
      );
      await actNow(deps, service.name, 'deleting: scaling to zero');
      return serviceResponse(202, service);
    }
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const s = await getService(deps, name);
      if (ifMatch && !ifMatchAccepts(ifMatch, s.revision)) throw preconditionFailed(`service ${name}`, s.revision, ifMatch);
      const stoppedTasks = await stopServiceTasks(deps, s);
      try {
        await deps.store.services.delete(name, s.revision);
        return json(200, { name, deleted: true, stoppedTasks });
      } catch (err) {
        if (err instanceof NotFoundError) return json(200, { name, deleted: true, stoppedTasks });
        if (!(err instanceof ConflictError)) throw err;
        const current = err.current as Service | undefined;
        if (ifMatch && !ifMatch.any) throw preconditionFailed(`service ${name}`, current?.revision ?? s.revision + 1, ifMatch);
      }
    }
    throw contention(`service ${name}`);
  },
});

/** Stops the service's live tasks that carry Shepherd's markers; returns the ARNs ECS stopped. */
async function stopServiceTasks(deps: Parameters<typeof getService>[0], s: Service): Promise<string[]> {
  const { items } = await allPages((req) => deps.store.tasks.listByService(s.name, req));
  const targets = items.filter((t) => !isTerminal(t.lastStatus) && isManagedBy(deps.stage, t) && serviceFromGroup(t.group) === s.name);
  const stopped: string[] = [];
  const BATCH = 10;
  for (let i = 0; i < targets.length; i += BATCH) {
    const batch = targets.slice(i, i + BATCH);
    const results = await Promise.all(batch.map((t) => stopTask(deps.ecs, t.cluster, t.taskArn, DELETE_STOP_REASON)));
    batch.forEach((t, j) => {
      if (results[j]) stopped.push(t.taskArn);
    });
  }
  return stopped;
}
