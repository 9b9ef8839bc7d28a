import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInstanceEvent } from '../../shared/handlers/instanceEvents';
import { recordTaskEvent, type TaskEventDeps } from '../../shared/handlers/taskEvents';
import { testDeps } from '../helpers/ecs';
import { fixture, managedTaskEvent } from '../helpers/fixtures';
import { makeTestStore, type TestStore } from '../helpers/store';

let t: TestStore;
let rt: TaskEventDeps;


beforeAll(async () => {
  t = await makeTestStore();
  rt = testDeps(t);
});
afterAll(() => t.client.destroy());

describe('task state change events are recorded once, newest wins', () => {
  it('records a RUNNING task of this stack from the fixture', async () => {
    const e = managedTaskEvent('ec2/task-running.json', { service: 'rec' });
    expect(await recordTaskEvent(e, rt)).toMatchObject({ outcome: 'recorded' });
    const stored = await t.store.tasks.get('rec', e.detail.taskArn as string);
    expect(stored).toMatchObject({ lastStatus: 'RUNNING', cluster: 'prod', version: e.detail.version });
  });

  it('a STOPPED event records exit codes and a history entry in the same write; its duplicate changes nothing', async () => {
    const e = managedTaskEvent('ec2/task-stopped-essential-exit.json', { service: 'stopper' });
    expect(await recordTaskEvent(e, rt)).toMatchObject({ outcome: 'handled', state: 'none', reason: 'the service no longer exists' });
    expect(await recordTaskEvent(structuredClone(e), rt)).toMatchObject({ outcome: 'stale', storedVersion: e.detail.version });
    const stored = await t.store.tasks.get('stopper', e.detail.taskArn as string);
    expect(stored?.stopCode).toBe('EssentialContainerExited');
    expect(stored?.containers[0]).toMatchObject({ name: 'app', exitCode: 137 });
    const history = await t.store.history.list('stopper');
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({ type: 'Task Stopped' });
    expect(history.items[0]?.message).toContain('app=137');
  });

  it('an older event arriving after a newer one is ignored', async () => {
    const stopped = managedTaskEvent('ec2/task-stopped-user-initiated.json', { service: 'order' });
    const running = managedTaskEvent('ec2/task-running.json', { service: 'order', version: stopped.detail.version - 1 });
    running.detail.taskArn = stopped.detail.taskArn;
    await recordTaskEvent(stopped, rt);
    expect(await recordTaskEvent(running, rt)).toMatchObject({ outcome: 'stale' });
    expect((await t.store.tasks.get('order', stopped.detail.taskArn as string))?.lastStatus).toBe('STOPPED');
  });

  it('the same event delivered twice at the same moment is recorded exactly once', async () => {
    const e = managedTaskEvent('ec2/task-stopped-failed-to-start.json', { service: 'twice' });
    const outcomes = await Promise.all([recordTaskEvent(e, rt), recordTaskEvent(structuredClone(e), rt)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['handled', 'stale']);
    expect((await t.store.history.list('twice')).items).toHaveLength(1);
  });

  it('ignores tasks of other stacks and of native ECS services without writing', async () => {
    const otherStage = managedTaskEvent('ec2/task-running.json', { service: 'foreign', stage: 'prod' });
    expect(await recordTaskEvent(otherStage, rt)).toMatchObject({ outcome: 'ignored' });
    const native = fixture('ec2/task-running.json');
    expect(await recordTaskEvent(native, rt)).toMatchObject({ outcome: 'ignored' });
    expect((await t.store.tasks.listByService('foreign')).items).toHaveLength(0);
  });

  it('answers malformed events with a clear outcome naming the event and the field, without throwing', async () => {
    const e = managedTaskEvent('ec2/task-running.json') as unknown as { id: string; detail: Record<string, unknown> };
    delete e.detail.taskArn;
    const out = await recordTaskEvent(e, rt);
    expect(out).toMatchObject({ outcome: 'malformed', eventId: e.id });
    expect((out as { issues: string }).issues).toContain('detail.taskArn');
    for (const junk of [null, 42, 'text', [], {}, { 'detail-type': 'ECS Task State Change' }]) {
      expect((await recordTaskEvent(junk, rt)).outcome).toBe('malformed');
    }
  });

  it('tolerates fields ECS adds later', async () => {
    const e = managedTaskEvent('ec2/task-running.json', { service: 'future' }) as unknown as { detail: Record<string, unknown> };
    e.detail.someNewField = { nested: true };
    (e as Record<string, unknown>).newTopLevel = 1;
    expect(await recordTaskEvent(e, rt)).toMatchObject({ outcome: 'recorded' });
  });
});

describe('container instance state change events', () => {
  it('records the documented example and its resources', async () => {
    const e = fixture<{ detail: { containerInstanceArn: string; version: number } }>('aws-docs/container-instance-state-change.json');
    expect(await recordInstanceEvent(e, rt)).toMatchObject({ outcome: 'recorded' });
    const list = await t.store.instances.listByCluster('default');
    const stored = list.items.find((i) => i.containerInstanceArn === e.detail.containerInstanceArn);
    expect(stored?.registered.cpu).toBeGreaterThan(0);
    expect(stored?.registered.ports.length).toBeGreaterThan(0);
  });

  it('keeps the newest of draining and disconnected observations, whatever the delivery order', async () => {
    const draining = fixture<{ detail: { containerInstanceArn: string; version: number; status: string } }>('ec2/container-instance-draining.json');
    const disconnected = fixture<{ detail: { containerInstanceArn: string; version: number; agentConnected: boolean } }>('ec2/container-instance-agent-disconnected.json');
    disconnected.detail.containerInstanceArn = draining.detail.containerInstanceArn;
    disconnected.detail.version = draining.detail.version + 1;
    await recordInstanceEvent(disconnected, rt);
    expect(await recordInstanceEvent(draining, rt)).toMatchObject({ outcome: 'stale' });
    const cluster = (draining.detail as unknown as { clusterArn: string }).clusterArn.split('/').pop()!;
    const stored = await t.store.instances.get(cluster, draining.detail.containerInstanceArn);
    expect(stored?.version).toBe(disconnected.detail.version);
    expect(stored?.agentConnected).toBe(false);
  });

  it('answers a malformed instance event without throwing', async () => {
    const e = fixture<{ detail: Record<string, unknown> }>('ec2/container-instance-draining.json');
    e.detail.agentConnected = 'yes';
    expect(await recordInstanceEvent(e, rt)).toMatchObject({ outcome: 'malformed' });
  });
});
