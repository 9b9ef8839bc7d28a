import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF_POLICY as P } from '../../shared/core/backoff';
import { decideOnStop, sameFamilyRevision } from '../../shared/core/replacement';
import type { Service } from '../../shared/core/service';
import { observedTask, storedService } from '../helpers/specs';

const now = Date.parse('2026-01-01T01:00:00.000Z');
const service = (o: Partial<Service> = {}): Service => storedService(o, {});
const stopped = (o = {}) =>
  observedTask({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', startedAt: '2026-01-01T00:00:00.000Z', stoppedAt: '2026-01-01T00:59:00.000Z', ...o });
const decide = (svc: Service | undefined, task = stopped()) => decideOnStop({ service: svc, task, now, policy: P, random: () => 0 });

describe('the stop decision, as a table', () => {
  it.each([
    ['service gone', undefined, stopped(), 'none'],
    ['paused', service({ paused: true }), stopped(), 'none'],
    ['being deleted', service({ status: 'DRAINING' }), stopped(), 'none'],
    ['scaled to zero', service({ desiredCount: 0 }), stopped(), 'none'],
    ['a daemon', service({ schedulingStrategy: 'DAEMON' }), stopped(), 'none'],
    ['moved to another cluster', service({ cluster: 'other' }), stopped(), 'none'],
    ['stopped on purpose', service(), { ...stopped(), stopIntent: 'deployment' }, 'none'],
    ['ran for an hour then exited', service(), stopped(), 'replace'],
    ['host lost', service(), stopped({ stopCode: 'TerminationNotice' }), 'replace'],
    ['first quick crash', service(), stopped({ stopCode: 'TaskFailedToStart' }), 'replace'],
  ] as const)('%s → %s', (_name, svc, task, action) => {
    expect(decide(svc as Service | undefined, task).action).toBe(action);
  });

  it('a second quick crash is owed, not replaced, and says until when', () => {
    const first = decide(service(), stopped({ stopCode: 'TaskFailedToStart' }));
    const second = decide(service({ backoff: first.backoff! }), stopped({ stopCode: 'TaskFailedToStart' }));
    expect(second.action).toBe('defer');
    if (second.action === 'defer') expect(Date.parse(second.until)).toBeGreaterThan(now);
  });

  it('a crash of a task from an older task definition adds no backoff', () => {
    const d = decide(service({ taskDefinition: 'web:2' }), stopped({ stopCode: 'TaskFailedToStart' }));
    expect(d.action).toBe('replace');
    expect(d.backoff).toBeUndefined();
  });
});

describe('a task Shepherd stopped for failing its health checks', () => {
  // It ran an hour (far beyond the crash window) and ECS reports the stop as UserInitiated.
  const unhealthy = () => ({ ...stopped({ stopCode: 'UserInitiated' }), stopIntent: 'unhealthy' });

  it('is not replaced here (the planner starts its replacement) but counts as a failure for the backoff', () => {
    const first = decide(service(), unhealthy());
    expect(first.action).toBe('none');
    expect(first.backoff?.consecutiveFailures).toBe(1);
    const second = decide(service({ backoff: first.backoff! }), unhealthy());
    expect(second.backoff?.consecutiveFailures).toBe(2);
    expect(Date.parse(second.backoff!.nextAttemptAt)).toBeGreaterThan(now);
  });

  it('of an older task definition adds no backoff to the current one', () => {
    expect(decide(service({ taskDefinition: 'web:2' }), unhealthy()).backoff).toBeUndefined();
  });
});

describe('task definition matching', () => {
  it.each([
    ['arn:aws:ecs:us-east-1:1:task-definition/web:7', 'web:7', true],
    ['arn:aws:ecs:us-east-1:1:task-definition/web:7', 'web:8', false],
    ['arn:aws:ecs:us-east-1:1:task-definition/web:7', 'web', true],
    ['arn:aws:ecs:us-east-1:1:task-definition/web:7', 'arn:aws:ecs:us-east-1:1:task-definition/web:7', true],
    ['arn:aws:ecs:us-east-1:1:task-definition/webapp:7', 'web', false],
  ])('%s ~ %s → %s', (arn, wanted, expected) => expect(sameFamilyRevision(arn, wanted)).toBe(expected));
});
