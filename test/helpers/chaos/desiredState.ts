/**
 * No desired-state write lost or reverted: whenever no API write is in flight, each service's
 * stored spec is the last one the API acknowledged (its revision, desired count and task
 * definition), and revisions only ever go up. The one writer besides users is Shepherd's own
 * rollback after a failed deployment (a new PRIMARY deployment `d<revision>` next to a FAILED
 * one), which is accepted and counted. Every write to a service's item (by anyone, through the
 * store's client) marks the service to be checked after the step; all are checked now and then.
 */
import type { Service } from '../../../shared/core/service';
import type { Store } from '../../../shared/store';
import { intercept, type SdkClient } from './middleware';
import type { Violations } from './violations';

export interface AcknowledgedWrite {
  revision: number;
  desiredCount: number;
  taskDefinition: string;
}

export class DesiredStateMonitor {
  rollbacks = 0;
  checks = 0;
  private readonly acknowledged = new Map<string, AcknowledgedWrite>();
  private readonly seen = new Map<string, number>();
  private readonly dirty = new Set<string>();

  constructor(private readonly violations: Violations) {}

  /** Watches the store's DynamoDB client for writes to service items. */
  attach(client: SdkClient): void {
    intercept(client, 'outside', 'chaosDesiredState', async (call, send) => {
      try {
        return await send();
      } finally {
        for (const name of writtenServices(call.command, call.input)) this.dirty.add(name);
      }
    });
  }

  /** The services written since the last call (and every one of `all` when `everything`). */
  async checkWritten(store: Store, all: string[], everything = false): Promise<void> {
    const names = everything ? all : all.filter((n) => this.dirty.has(n));
    this.dirty.clear();
    if (names.length) await this.check(store, names);
  }

  /** An API answer of 2xx for a service (creation included): the newest revision wins. */
  acknowledge(service: string, w: AcknowledgedWrite): void {
    const prev = this.acknowledged.get(service);
    if (!prev || w.revision > prev.revision) this.acknowledged.set(service, w);
  }

  last(service: string): AcknowledgedWrite | undefined {
    return this.acknowledged.get(service);
  }

  /** Only while no API write is in flight. */
  async check(store: Store, services: string[]): Promise<void> {
    const stored = await Promise.all(services.map((s) => store.services.get(s)));
    services.forEach((name, i) => this.checkOne(name, stored[i]));
  }

  private checkOne(name: string, s: Service | undefined): void {
    this.checks++;
    const ack = this.acknowledged.get(name);
    if (!ack) return;
    const fail = (message: string) => this.violations.add({ invariant: 'desired state', service: name, tasks: [], message });
    if (!s) return fail(`the service is gone from the store (last acknowledged revision ${ack.revision})`);
    const seen = this.seen.get(name) ?? 0;
    this.seen.set(name, Math.max(seen, s.revision));
    if (s.revision < seen) return fail(`revision went back from ${seen} to ${s.revision}`);
    if (s.revision < ack.revision) return fail(`acknowledged revision ${ack.revision} lost: the store is at revision ${s.revision}`);
    if (s.revision > ack.revision) {
      const primary = s.deployments.find((d) => d.status === 'PRIMARY');
      const rolledBack = primary?.id === `d${s.revision}` && s.deployments.some((d) => d.rolloutState === 'FAILED');
      if (!rolledBack || s.desiredCount !== ack.desiredCount) {
        return fail(`revision ${s.revision} (desired ${s.desiredCount}, ${s.taskDefinition}) that no API write acknowledged; last acknowledged ${ack.revision} (desired ${ack.desiredCount}, ${ack.taskDefinition})`);
      }
      this.rollbacks++;
      this.acknowledged.set(name, { revision: s.revision, desiredCount: s.desiredCount, taskDefinition: s.taskDefinition });
      return;
    }
    if (s.desiredCount !== ack.desiredCount || s.taskDefinition !== ack.taskDefinition) {
      fail(`revision ${s.revision} holds desired ${s.desiredCount} / ${s.taskDefinition}, but the API acknowledged desired ${ack.desiredCount} / ${ack.taskDefinition} for it`);
    }
  }
}

type Key = Record<string, { S?: string } | undefined> | undefined;

/** Services whose item (`SVC#<name>` / `#SERVICE`) a write call touches. */
function writtenServices(command: string, input: Record<string, unknown>): string[] {
  const keys: Key[] = [];
  if (command === 'PutItem') keys.push(input.Item as Key);
  else if (command === 'UpdateItem' || command === 'DeleteItem') keys.push(input.Key as Key);
  else if (command === 'TransactWriteItems' || command === 'BatchWriteItem') {
    const items = (input.TransactItems as Array<Record<string, { Item?: Key; Key?: Key }>> | undefined) ?? [];
    for (const item of items) for (const op of Object.values(item)) keys.push(op.Item ?? op.Key);
    for (const reqs of Object.values((input.RequestItems as Record<string, Array<Record<string, { Item?: Key; Key?: Key }>>> | undefined) ?? {})) {
      for (const r of reqs) for (const op of Object.values(r)) keys.push(op.Item ?? op.Key);
    }
  }
  return keys.filter((k) => k?.sk?.S === '#SERVICE' && k.pk?.S?.startsWith('SVC#')).map((k) => k!.pk!.S!.slice(4));
}
