/**
 * The recent history of each service, as the harness saw it: Shepherd's RunTask / StartTask /
 * StopTask calls (who made them: which handler and event, or a pass) and users' desired-count
 * changes. A violation carries its service's trace, so its cause can be read off.
 */
import type { Simulator } from '../../../local/sim';
import { currentInvocation, type Invocation, type InvocationHooks } from './invocations';
import { intercept, type SdkClient } from './middleware';

const KEEP = 150;
const short = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

export class Trace implements InvocationHooks {
  private readonly lines = new Map<string, string[]>();
  private readonly groups = new Map<string, string>();

  constructor(private readonly now: () => number) {}

  note(service: string, text: string): void {
    const list = this.lines.get(service) ?? [];
    list.push(`${new Date(this.now()).toISOString().slice(11, 19)} ${text}`);
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
    this.lines.set(service, list);
  }

  recent(service: string): string[] {
    return [...(this.lines.get(service) ?? [])];
  }

  /** Every task event a handler finished with (and how: crashed, failed, or fine). */
  settled(inv: Invocation, error: unknown): void {
    const d = inv.event.detail as { taskArn?: string; lastStatus?: string; group?: string; version?: number } | undefined;
    if (!d?.taskArn || !d.group?.startsWith('shepherd:')) return;
    const how = error === undefined ? 'handled' : error instanceof Error ? `${error.name}: ${error.message.slice(0, 80)}` : String(error);
    this.note(d.group.slice('shepherd:'.length), `${d.lastStatus} v${d.version} of ${short(d.taskArn)} (event ${inv.event.id.slice(0, 8)} of ${inv.event.time.slice(11, 19)}) → ${how}`);
  }

  /** What the task handler decided (its outcomes since the last call; `key` is the task ARN). */
  outcomes(list: Array<{ outcome: string; key?: string }>, sim: Simulator): void {
    for (const o of list) {
      if (!o.key || o.outcome === 'recorded') continue;
      if (!this.groups.has(o.key)) for (const t of sim.ecs.snapshot().tasks) this.groups.set(t.arn, t.group);
      this.note((this.groups.get(o.key) ?? '').replace(/^shepherd:/, ''), `outcome ${JSON.stringify({ ...o, key: short(o.key) })}`);
    }
  }

  /** Records Shepherd's task starts and stops made with this client. */
  attach(client: SdkClient, sim: Simulator): void {
    intercept(client, 'outside', 'chaosTrace', async (call, send) => {
      if (!['RunTask', 'StartTask', 'StopTask'].includes(call.command)) return send();
      const who = whoIsCalling();
      const out = (await send()) as { tasks?: Array<{ taskArn?: string }>; task?: { taskArn?: string; group?: string } };
      if (call.command === 'StopTask') {
        const arn = String(call.input.task ?? '');
        const group = out.task?.group ?? sim.ecs.snapshot().tasks.find((t) => t.arn === arn)?.group ?? '';
        this.note(group.replace(/^shepherd:/, ''), `StopTask ${short(arn)} by ${who}`);
      } else {
        const started = (out.tasks ?? []).map((t) => short(t.taskArn ?? ''));
        this.note(String(call.input.group ?? '').replace(/^shepherd:/, ''), `${call.command} token ${String(call.input.clientToken ?? '-').slice(0, 10)} → [${started.join(', ')}] by ${who}`);
      }
      return out;
    });
  }
}

function whoIsCalling(): string {
  const inv = currentInvocation();
  if (!inv) return 'a pass';
  const d = inv.event.detail as { taskArn?: string; lastStatus?: string; containerInstanceArn?: string; status?: string };
  return d.taskArn ? `${inv.fn}(${short(d.taskArn)} ${d.lastStatus})` : `${inv.fn}(${short(d.containerInstanceArn ?? '')} ${d.status})`;
}
