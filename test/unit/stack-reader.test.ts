import { describe, expect, it } from 'vitest';
import { rateToMs, readStack } from '../../local/stack';

describe('local wiring reads serverless.yml', () => {
  const stack = readStack({ stage: 'local' });

  it('finds every function and its module', () => {
    expect(stack.functions.map((f) => f.name).sort()).toEqual(['api', 'onContainerInstanceStateChange', 'onTaskStateChange', 'publishOutbox', 'reconcile']);
    expect(stack.functions.find((f) => f.name === 'onTaskStateChange')?.module).toBe('functions/onTaskStateChange');
  });

  it('takes the task rule pattern with the stage substituted', () => {
    const fn = stack.functions.find((f) => f.name === 'onTaskStateChange')!;
    const ev = fn.events.find((e) => e.kind === 'eventBridge');
    expect(ev).toMatchObject({ pattern: { source: ['aws.ecs'], detail: { startedBy: ['shepherd/local'] } } });
  });

  it('takes the reconciler schedule and the outbox stream filter', () => {
    expect(stack.functions.find((f) => f.name === 'reconcile')?.events).toEqual([{ kind: 'schedule', expression: 'rate(1 minute)', rateMs: 60_000 }]);
    const stream = stack.functions.find((f) => f.name === 'publishOutbox')?.events[0];
    expect(stream).toMatchObject({ kind: 'stream', batchSize: 100 });
    expect(JSON.stringify(stream)).toContain('EVT#');
  });

  it('parses rate expressions and refuses what it cannot run', () => {
    expect(rateToMs('rate(5 minutes)')).toBe(300_000);
    expect(rateToMs('rate(30 seconds)')).toBe(30_000);
    expect(() => rateToMs('cron(0 12 * * ? *)')).toThrow(/unsupported/);
  });
});
