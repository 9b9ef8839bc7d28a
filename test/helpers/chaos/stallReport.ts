/**
 * What the world looks like when a soak stops producing events: per service its desired count,
 * its live tasks in ECS, its pending starts and what is still wrong; the instances by status; the
 * reconciler's latest errors. Printed with the stall error so a failed run can be diagnosed.
 */
import type { Simulator } from '../../../local/sim';
import type { Store } from '../../../shared/store';
import { readServiceTasks } from '../../../shared/store/pendingStarts';
import { convergenceGaps } from './convergence';

export async function stallReport(sim: Simulator, store: Store, services: string[], now: number, passErrors: string[]): Promise<string> {
  const snap = sim.ecs.snapshot();
  const lines: string[] = [];
  const gaps = new Map((await convergenceGaps(sim, store, services)).map((g) => [g.service, g.problem]));
  for (const name of services) {
    const svc = await store.services.get(name);
    const { pending } = await readServiceTasks(store.ctx, name);
    const live = snap.tasks.filter((t) => t.group === `shepherd:${name}` && t.lastStatus !== 'STOPPED');
    const byStatus = count(live.map((t) => `${t.lastStatus}/${t.desiredStatus}`));
    const pend = pending.map((p) => `${p.count}@fence${Math.round((p.fenceUntil - now) / 1000)}s`).join(' ');
    lines.push(`  ${name}: desired ${svc?.desiredCount ?? '?'} ${svc?.status ?? ''}; ECS ${JSON.stringify(byStatus)}; pending [${pend}]; ${gaps.get(name) ?? 'converged'}`);
  }
  lines.push(`  instances: ${JSON.stringify(count(snap.instances.map((i) => `${i.status}${i.agentConnected ? '' : '/disconnected'}`)))}`);
  if (passErrors.length) lines.push(`  last pass errors: ${passErrors.slice(-3).join(' | ')}`);
  return lines.join('\n');
}

function count(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}
