/** The API's pure pieces: entity tags, spec rules and differences, deployments, status, error mapping. */
import { describe, expect, it } from 'vitest';
import { deploymentChanges, recordDeployment } from '../../shared/api/deployments';
import { familyRevision, sameTaskDefinition } from '../../shared/api/ecs';
import { toProblem } from '../../shared/api/handler';
import { parseIfMatch } from '../../shared/api/http';
import { HttpProblem } from '../../shared/api/problem';
import { CreateServiceBody } from '../../shared/api/schemas/services';
import { applyPatch, specDifferences, specFromCreate, specProblems, taskDefinitionProblems } from '../../shared/api/serviceSpec';
import { serviceStatus } from '../../shared/api/status';
import { MAX_DEPLOYMENTS_KEPT, type Deployment, type Service } from '../../shared/core/service';
import { InvalidTokenError } from '../../shared/store';
import { observedTask, serviceSpec } from '../helpers/specs';

const service = (over: Partial<Service> = {}): Service => ({
  ...serviceSpec(),
  status: 'ACTIVE',
  revision: 1,
  createdAt: 't0',
  updatedAt: 't0',
  deployments: [{ id: 'd1', taskDefinition: 'web:1', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', createdAt: 't0', updatedAt: 't0', failedTasks: 0 }],
  ...over,
});

describe('If-Match', () => {
  it('parses *, lists of strong tags, and ignores weak ones (strong comparison)', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toEqual({ any: true });
    expect(parseIfMatch('"3"')).toEqual({ any: false, tags: ['3'] });
    expect(parseIfMatch(' "3" , "4"')).toEqual({ any: false, tags: ['3', '4'] });
    expect(parseIfMatch('W/"3"')).toEqual({ any: false, tags: [] });
  });

  it('refuses malformed headers as 400 naming the header', () => {
    for (const bad of ['3', '', '"3', '"3" "4"', '"a"b']) {
      const err = (() => {
        try {
          parseIfMatch(bad);
        } catch (e) {
          return e;
        }
      })() as HttpProblem;
      expect(err, JSON.stringify(bad)).toBeInstanceOf(HttpProblem);
      expect(err.status).toBe(400);
      expect(err.opts.errors?.[0]?.field).toBe('header.If-Match');
    }
  });
});

describe('service spec rules', () => {
  const create = (body: Record<string, unknown>) => CreateServiceBody.parse({ name: 'web', taskDefinition: 'web:1', ...body });

  it('applies ECS defaults', () => {
    const spec = specFromCreate(create({ desiredCount: 2 }), 'arn:td/web:1');
    expect(spec).toEqual({
      name: 'web',
      cluster: 'default',
      taskDefinition: 'arn:td/web:1',
      desiredCount: 2,
      schedulingStrategy: 'REPLICA',
      placementStrategy: [],
      placementConstraints: [],
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
      loadBalancers: [],
      tags: {},
      paused: false,
    });
  });

  it('caps service names at 200 (the task group is shepherd:<name>), clusters at 255', () => {
    expect(CreateServiceBody.safeParse({ name: 'a'.repeat(200), taskDefinition: 'web:1' }).success).toBe(true);
    expect(CreateServiceBody.safeParse({ name: 'a'.repeat(201), taskDefinition: 'web:1' }).success).toBe(false);
    expect(CreateServiceBody.safeParse({ name: 'a', cluster: 'c'.repeat(255), taskDefinition: 'web:1' }).success).toBe(true);
    expect(CreateServiceBody.safeParse({ name: 'a', cluster: 'c'.repeat(256), taskDefinition: 'web:1' }).success).toBe(false);
  });

  it('DAEMON services take neither a desiredCount nor a placementStrategy; REPLICA ones need a count', () => {
    const fields = (body: Record<string, unknown>, given: boolean) => specProblems(specFromCreate(create(body), 'td'), { desiredCount: given, isCreate: true }).map((e) => e.field);
    expect(fields({ schedulingStrategy: 'DAEMON', desiredCount: 1, placementStrategy: [{ type: 'random' }] }, true)).toEqual(['body.desiredCount', 'body.placementStrategy']);
    expect(fields({ schedulingStrategy: 'DAEMON' }, false)).toEqual([]);
    expect(fields({}, false)).toEqual(['body.desiredCount']);
    expect(fields({ desiredCount: 1, launchType: 'EC2', capacityProviderStrategy: [{ capacityProvider: 'a', base: 1 }, { capacityProvider: 'a', base: 2 }] }, true)).toEqual([
      'body.capacityProviderStrategy',
      'body.capacityProviderStrategy',
      'body.capacityProviderStrategy',
    ]);
  });

  it('checks what depends on the task definition: awsvpc needs a network configuration; load balancers name its containers and ports', () => {
    const spec = serviceSpec({ loadBalancers: [{ targetGroupArn: 'tg', containerName: 'web', containerPort: 80 }] });
    const td = { arn: 'a', family: 'web', revision: 1, networkMode: 'awsvpc', containers: [{ name: 'app', containerPorts: [80] }], healthChecked: false };
    expect(taskDefinitionProblems(spec, td).map((e) => e.field)).toEqual(['body.networkConfiguration', 'body.loadBalancers[0].containerName']);
  });

  it('lists the fields two specs differ in, taking an ARN and family:revision as the same task definition', () => {
    const a = serviceSpec({ taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1' });
    expect(specDifferences(a, serviceSpec({ taskDefinition: 'web:1' }))).toEqual([]);
    expect(specDifferences(a, serviceSpec({ taskDefinition: 'web:2', tags: {} })).map((d) => d.field)).toEqual(['body.taskDefinition', 'body.tags']);
  });

  it('a PATCH merges deploymentConfiguration, removes with null, refuses changing immutable fields', () => {
    const { spec, errors } = applyPatch(service({ launchType: 'EC2' }), { launchType: null, deploymentConfiguration: { maximumPercent: 150 }, cluster: 'other' });
    expect(spec.launchType).toBeUndefined();
    expect(spec.deploymentConfiguration.maximumPercent).toBe(150);
    expect(spec.deploymentConfiguration.minimumHealthyPercent).toBe(100);
    expect(errors.map((e) => e.field)).toEqual(['body.cluster']);
  });
});

describe('deployments', () => {
  const d = (id: string, status: Deployment['status']): Deployment => ({ id, taskDefinition: `web:${id.slice(1)}`, status, rolloutState: 'COMPLETED', createdAt: 't', updatedAt: 't', failedTasks: 0 });

  it('the new one is PRIMARY d<revision>, the old PRIMARY becomes ACTIVE, newest first', () => {
    const out = recordDeployment([d('d1', 'PRIMARY')], 'web:2', 2, 'now');
    expect(out.map((x) => `${x.id}:${x.status}:${x.rolloutState}`)).toEqual(['d2:PRIMARY:IN_PROGRESS', 'd1:ACTIVE:COMPLETED']);
  });

  it(`keeps ${MAX_DEPLOYMENTS_KEPT}, dropping INACTIVE ones before the oldest ACTIVE`, () => {
    const existing = [d('d6', 'PRIMARY'), d('d5', 'ACTIVE'), d('d4', 'INACTIVE'), d('d3', 'ACTIVE'), d('d2', 'ACTIVE')];
    expect(recordDeployment(existing, 'web:7', 7, 'now').map((x) => x.id)).toEqual(['d7', 'd6', 'd5', 'd3', 'd2']);
    const allActive = [d('d5', 'PRIMARY'), d('d4', 'ACTIVE'), d('d3', 'ACTIVE'), d('d2', 'ACTIVE'), d('d1', 'ACTIVE')];
    expect(recordDeployment(allActive, 'web:6', 6, 'now').map((x) => x.id)).toEqual(['d6', 'd5', 'd4', 'd3', 'd2']);
  });

  it('a deployment clears crash-loop backoff', () => {
    const s = service({ backoff: { consecutiveFailures: 2, delayMs: 1, nextAttemptAt: 'x', lastFailureAt: 'x' } });
    expect(deploymentChanges(s, 'web:2', 'now')).toMatchObject({ taskDefinition: 'web:2', backoff: undefined });
    expect('backoff' in deploymentChanges(s, 'web:2', 'now')).toBe(true);
  });

  it('task definition references compare by family and revision', () => {
    expect(familyRevision('arn:aws:ecs:us-east-1:1:task-definition/web:3')).toEqual({ family: 'web', revision: 3 });
    expect(familyRevision('web')).toEqual({ family: 'web' });
    expect(sameTaskDefinition('web:3', 'arn:aws:ecs:us-east-1:1:task-definition/web:3')).toBe(true);
    expect(sameTaskDefinition('web', 'web:3')).toBe(false);
  });
});

describe('status', () => {
  it('counts running and pending per revision, instance and zone; stopped ones only by lastStatus', () => {
    const tasks = [
      observedTask({ taskArn: 't1', taskDefinitionArn: 'arn:td/web:1', containerInstanceArn: 'ci-a', availabilityZone: 'az-a', lastStatus: 'RUNNING' }),
      observedTask({ taskArn: 't2', taskDefinitionArn: 'arn:td/web:2', containerInstanceArn: 'ci-b', availabilityZone: 'az-b', lastStatus: 'PROVISIONING' }),
      observedTask({ taskArn: 't3', taskDefinitionArn: 'arn:td/web:2', containerInstanceArn: 'ci-a', availabilityZone: 'az-a', lastStatus: 'ACTIVATING' }),
      observedTask({ taskArn: 't4', taskDefinitionArn: 'arn:td/web:1', lastStatus: 'STOPPED' }),
      observedTask({ taskArn: 't5', taskDefinitionArn: 'arn:td/web:1', containerInstanceArn: 'ci-a', lastStatus: 'DEACTIVATING' }),
    ];
    const s = serviceStatus(service(), tasks, []);
    expect(s).toMatchObject({ desiredCount: 3, runningCount: 1, pendingCount: 2 });
    expect(s.tasks.byLastStatus).toEqual({ RUNNING: 1, PROVISIONING: 1, ACTIVATING: 1, STOPPED: 1, DEACTIVATING: 1 });
    expect(s.tasks.byTaskDefinition).toEqual([
      { taskDefinition: 'arn:td/web:1', revision: 1, running: 1, pending: 0 },
      { taskDefinition: 'arn:td/web:2', revision: 2, running: 0, pending: 2 },
    ]);
    expect(s.tasks.byContainerInstance).toEqual([
      { containerInstanceArn: 'ci-a', running: 1, pending: 1 },
      { containerInstanceArn: 'ci-b', running: 0, pending: 1 },
    ]);
    expect(s.tasks.byAvailabilityZone).toEqual([
      { availabilityZone: 'az-a', running: 1, pending: 1 },
      { availabilityZone: 'az-b', running: 0, pending: 1 },
    ]);
    expect(s.deploymentInProgress?.id).toBe('d1');
  });
});

describe('errors become problems', () => {
  it('AWS and network failures are 503 with Retry-After (longer when throttled); a foreign token 400; anything else 500', () => {
    const aws = (name: string) => Object.assign(new Error(name), { name, $metadata: {}, $fault: 'server' });
    expect(toProblem(aws('InternalServerError'))).toMatchObject({ status: 503, opts: { headers: { 'retry-after': '1' } } });
    expect(toProblem(aws('ThrottlingException'))).toMatchObject({ status: 503, opts: { headers: { 'retry-after': '2' } } });
    expect(toProblem(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })).status).toBe(503);
    expect(toProblem(new InvalidTokenError())).toMatchObject({ status: 400, opts: { errors: [{ field: 'query.nextToken' }] } });
    expect(toProblem(new TypeError('bug')).status).toBe(500);
  });
});
