/**
 * Actions on a service: scale, pause, resume, deploy. Each takes an optional If-Match (one
 * attempt at that revision, 412 if it moved on); without it, Shepherd applies the action to the
 * current revision, retrying a lost race. Repeating an action that is already in effect changes
 * nothing and answers 200.
 */
import { recordDeploymentStarted } from '../../handlers/deployment';
import { actNow } from '../act';
import { deploymentChanges, isCurrentTaskDefinition } from '../deployments';
import { resolveTaskDefinition, type ResolvedTaskDefinition } from '../ecs';
import { assertNotDraining, mutateService } from '../mutate';
import { invalid, invalidField } from '../problem';
import { defineRoute } from '../router';
import { DeployBody, EmptyBody, ScaleBody, Service as ServiceSchema, ServiceParams } from '../schemas/services';
import { specOf, taskDefinitionProblems } from '../serviceSpec';
import { serviceResponse } from './services';

const TAG = 'Service actions';
const PROBLEMS = [404, 409, 412, 413, 415];

export const scaleService = defineRoute({
  method: 'POST',
  path: '/services/{name}/scale',
  operationId: 'scaleService',
  summary: 'Set the desired count',
  description: 'REPLICA services only (a DAEMON service runs one task per container instance).',
  tag: TAG,
  params: ServiceParams,
  body: { schema: ScaleBody, required: true },
  ifMatch: 'optional',
  responses: { 200: { description: 'The service.', schema: ServiceSchema, headers: ['ETag'] } },
  problems: PROBLEMS,
  async handle({ params, body, ifMatch, deps }) {
    const { service } = await mutateService(deps, params.name, ifMatch, (s) => {
      assertNotDraining(s);
      if (s.schedulingStrategy === 'DAEMON') throw invalidField('body.desiredCount', 'DAEMON services run one task per container instance: they cannot be scaled');
      return s.desiredCount === body.desiredCount ? undefined : { desiredCount: body.desiredCount };
    });
    await actNow(deps, service.name, `scaled to ${service.desiredCount}`);
    return serviceResponse(200, service);
  },
});

const pauseRoute = (paused: boolean) =>
  defineRoute({
    method: 'POST',
    path: `/services/{name}/${paused ? 'pause' : 'resume'}`,
    operationId: paused ? 'pauseService' : 'resumeService',
    summary: paused ? 'Pause a service' : 'Resume a service',
    description: paused
      ? 'A paused service is neither replaced nor scaled: its tasks keep running, stopped ones are not replaced.'
      : 'Replacement and scaling start again.',
    tag: TAG,
    params: ServiceParams,
    body: { schema: EmptyBody, required: false, description: 'No fields: an empty body or `{}`.' },
    ifMatch: 'optional',
    responses: { 200: { description: 'The service.', schema: ServiceSchema, headers: ['ETag'] } },
    problems: PROBLEMS,
    async handle({ params, ifMatch, deps }) {
      const { service } = await mutateService(deps, params.name, ifMatch, (s) => {
        assertNotDraining(s);
        return s.paused === paused ? undefined : { paused };
      });
      if (!paused) await actNow(deps, service.name, 'resumed');
      return serviceResponse(200, service);
    },
  });

export const pauseService = pauseRoute(true);
export const resumeService = pauseRoute(false);

export const deployService = defineRoute({
  method: 'POST',
  path: '/services/{name}/deploy',
  operationId: 'deployService',
  summary: 'Deploy a task definition',
  description:
    'Records a new PRIMARY deployment (id `d<revision>`, IN_PROGRESS; the previous PRIMARY becomes ACTIVE) and clears crash-loop backoff; ' +
    'the reconciler rolls it out within deploymentConfiguration. 202 when recorded; 200 when it is already the PRIMARY deployment\'s task definition.',
  tag: TAG,
  params: ServiceParams,
  body: { schema: DeployBody, required: true },
  ifMatch: 'optional',
  responses: {
    202: { description: 'Deployment recorded; the service.', schema: ServiceSchema, headers: ['ETag'] },
    200: { description: 'Already deployed; the service unchanged.', schema: ServiceSchema, headers: ['ETag'] },
  },
  problems: PROBLEMS,
  async handle({ params, body, ifMatch, deps }) {
    let td: ResolvedTaskDefinition | undefined;
    const { service, changed } = await mutateService(deps, params.name, ifMatch, async (s) => {
      assertNotDraining(s);
      td ??= await resolveTaskDefinition(deps.ecs, body.taskDefinition, 'body.taskDefinition');
      if (isCurrentTaskDefinition(s, td.arn)) return undefined;
      // The service's settings must suit the new task definition (awsvpc, load balancer containers).
      const problems = taskDefinitionProblems(specOf(s), td);
      if (problems.length) throw invalid(problems.map((p) => ({ field: 'body.taskDefinition', message: `${p.field.replace(/^body\./, '')}: ${p.message}` })));
      return deploymentChanges(s, td.arn, deps.now().toISOString(), td.healthChecked);
    });
    if (changed) {
      await recordDeploymentStarted(deps.store, service);
      await actNow(deps, service.name, 'deployment started');
    }
    return serviceResponse(changed ? 202 : 200, service);
  },
});
