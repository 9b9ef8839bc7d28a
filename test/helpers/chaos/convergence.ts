/**
 * Converged: every service has exactly its desired count of tasks in ECS — none stopping, all of
 * its current task definition (a fresh replacement still PENDING counts) — and Shepherd's store
 * knows exactly those tasks as live. Answers what is still wrong, per service.
 */
import type { Simulator } from '../../../local/sim';
import { sameFamilyRevision } from '../../../shared/core/replacement';
import type { Store, StoredTask } from '../../../shared/store';
import { queryAll } from '../../../shared/store/query';
import { KEY, PREFIX } from '../../../shared/store/table';

export interface Gap {
  service: string;
  tasks: string[];
  problem: string;
}

const short = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

export async function convergenceGaps(sim: Simulator, store: Store, services: string[]): Promise<Gap[]> {
  const snap = sim.ecs.snapshot();
  const gaps: Gap[] = [];
  for (const name of services) {
    const svc = await store.services.get(name);
    if (!svc) {
      gaps.push({ service: name, tasks: [], problem: 'not in the store' });
      continue;
    }
    const live = snap.tasks.filter((t) => t.group === `shepherd:${name}` && t.lastStatus !== 'STOPPED');
    const problems: string[] = [];
    if (live.length !== svc.desiredCount) problems.push(`${live.length} tasks live, desired ${svc.desiredCount}`);
    const stopping = live.filter((t) => t.desiredStatus !== 'RUNNING');
    if (stopping.length) problems.push(`${stopping.length} still stopping`);
    const old = live.filter((t) => !sameFamilyRevision(t.taskDefinitionArn, svc.taskDefinition));
    if (old.length) problems.push(`${old.length} not of ${svc.taskDefinition.slice(svc.taskDefinition.lastIndexOf('/') + 1)}`);
    const stored = await queryAll<StoredTask>(store.ctx, { partition: KEY.servicePk(name), sortPrefix: PREFIX.task });
    const storeLive = new Set(stored.filter((t) => t.lastStatus !== 'STOPPED').map((t) => t.taskArn));
    const ecsLive = new Set(live.map((t) => t.arn));
    const unknown = [...ecsLive].filter((a) => !storeLive.has(a));
    const ghosts = [...storeLive].filter((a) => !ecsLive.has(a));
    if (unknown.length) problems.push(`store does not know ${unknown.map(short).join(', ')}`);
    if (ghosts.length) problems.push(`store thinks ${ghosts.map(short).join(', ')} live`);
    if (problems.length) gaps.push({ service: name, tasks: [...ecsLive, ...ghosts], problem: problems.join('; ') });
  }
  return gaps;
}
