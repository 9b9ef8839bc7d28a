import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF_POLICY } from '../../shared/core/backoff';
import { breakerThreshold, countFailure, judgeDeployment, recordDeployment } from '../../shared/core/deployment';
import type { Deployment, Service } from '../../shared/core/service';
import { serviceSpec } from '../helpers/specs';

const NOW = '2026-01-01T00:00:00.000Z';
const dep = (id: string, td: string, o: Partial<Deployment> = {}): Deployment => ({ id, taskDefinition: td, status: 'PRIMARY', rolloutState: 'IN_PROGRESS', createdAt: NOW, updatedAt: NOW, failedTasks: 0, ...o });
const svc = (deployments: Deployment[], o: Partial<Service> = {}): Service => ({ ...serviceSpec({ desiredCount: 4, taskDefinition: deployments[0]!.taskDefinition }), status: 'ACTIVE', revision: 3, createdAt: NOW, updatedAt: NOW, deployments, ...o });
const task = (td: string, o = {}) => ({ taskArn: `t-${Math.random()}`, taskDefinitionArn: `arn:aws:ecs:r:1:task-definition/${td}`, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', ...o });

describe('circuit breaker threshold (ECS: 0.5 × desired, at least 3, at most 200)', () => {
  it.each([
    [0, 3],
    [1, 3],
    [6, 3],
    [7, 4],
    [10, 5],
    [399, 200],
    [1000, 200],
  ])('desired %i → %i', (desired, threshold) => expect(breakerThreshold(desired)).toBe(threshold));
});

describe('judging a deployment', () => {
  const rolling = [dep('d3', 'web:2'), dep('d1', 'web:1', { status: 'ACTIVE', rolloutState: 'COMPLETED' })];

  it('completes once every task runs the new revision, retiring the old deployment', () => {
    const v = judgeDeployment(svc(rolling), [1, 2, 3, 4].map(() => task('web:2')), NOW);
    expect(v.kind).toBe('completed');
    if (v.kind === 'completed') expect(v.deployments.map((d) => [d.id, d.status, d.rolloutState])).toEqual([['d3', 'PRIMARY', 'COMPLETED'], ['d1', 'INACTIVE', 'COMPLETED']]);
  });

  it('is not complete while an old task runs, or a new one is not healthy yet', () => {
    expect(judgeDeployment(svc(rolling), [...[1, 2, 3, 4].map(() => task('web:2')), task('web:1')], NOW).kind).toBe('none');
    expect(judgeDeployment(svc(rolling), [...[1, 2, 3].map(() => task('web:2')), task('web:2', { lastStatus: 'PENDING' })], NOW).kind).toBe('none');
  });

  it('fails at the threshold and rolls back to the last completed revision, only if asked to', () => {
    const failing = [dep('d3', 'web:2', { failedTasks: 3 }), rolling[1]!];
    const v = judgeDeployment(svc(failing), [], NOW);
    expect(v).toMatchObject({ kind: 'failed', rollbackTo: 'web:1' });
    const noRollback = judgeDeployment(svc(failing, { deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: false } } }), [], NOW);
    expect(noRollback.kind).toBe('failed');
    expect((noRollback as { rollbackTo?: string }).rollbackTo).toBeUndefined();
    const off = judgeDeployment(svc(failing, { deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: false, rollback: false } } }), [], NOW);
    expect(off.kind).toBe('none');
  });

  it('counts only quick failures of the revision being rolled out', () => {
    const s = svc(rolling);
    expect(countFailure(s, { taskDefinitionArn: 'arn:aws:ecs:r:1:task-definition/web:2', stopCode: 'TaskFailedToStart' }, DEFAULT_BACKOFF_POLICY, NOW)?.[0]?.failedTasks).toBe(1);
    expect(countFailure(s, { taskDefinitionArn: 'arn:aws:ecs:r:1:task-definition/web:1', stopCode: 'TaskFailedToStart' }, DEFAULT_BACKOFF_POLICY, NOW)).toBeUndefined();
    expect(countFailure(s, { taskDefinitionArn: 'arn:aws:ecs:r:1:task-definition/web:2', stopCode: 'UserInitiated' }, DEFAULT_BACKOFF_POLICY, NOW)).toBeUndefined();
    // Stopped by Shepherd for failing its health checks: a failure of the rollout, however long it ran.
    const sick = { taskDefinitionArn: 'arn:aws:ecs:r:1:task-definition/web:2', stopCode: 'UserInitiated', startedAt: '2025-12-31T20:00:00.000Z', stoppedAt: NOW, stopIntent: 'unhealthy' };
    expect(countFailure(s, sick, DEFAULT_BACKOFF_POLICY, NOW)?.[0]?.failedTasks).toBe(1);
  });

  it('recording keeps at most five deployments, the new one PRIMARY', () => {
    let ds: Deployment[] = [dep('d1', 'web:1')];
    for (let r = 2; r <= 8; r++) ds = recordDeployment(ds, `web:${r}`, r, NOW);
    expect(ds).toHaveLength(5);
    expect(ds.filter((d) => d.status === 'PRIMARY').map((d) => d.taskDefinition)).toEqual(['web:8']);
  });
});
