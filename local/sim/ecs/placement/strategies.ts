import { groupTasksOn, type Host } from './host';
import type { Strategy } from './plan';
import type { PlacementRequest } from './types';

/**
 * Picks the instance for the next task among the eligible ones. Each strategy, in order, keeps
 * only the instances it ranks best; the next strategy breaks the remaining ties; a tie left after
 * the last strategy is broken at random (request.random), as is `random` itself.
 *
 * - binpack cpu|memory: the least remaining of that resource (what this call placed counted).
 * - spread instanceId|host|attribute:<name>: the value with the fewest live tasks *of the
 *   request's group* across the cluster — "Standalone tasks are spread based on the tasks from the
 *   same task group" (Developer Guide, task placement strategies) — counted over every instance
 *   passed in (whatever its status: a standalone task on a DRAINING instance keeps running), plus
 *   the tasks this call placed. Instances without the attribute form one value of their own.
 */
export function choose(eligible: Host[], all: Host[], strategies: Strategy[], request: PlacementRequest): Host {
  let pool = eligible;
  for (const strategy of strategies) {
    if (pool.length === 1) break;
    pool = narrow(pool, all, strategy, request);
  }
  return pickRandom(pool, request);
}

function narrow(pool: Host[], all: Host[], strategy: Strategy, request: PlacementRequest): Host[] {
  switch (strategy.type) {
    case 'random':
      return [pickRandom(pool, request)];
    case 'binpack': {
      const remaining = (h: Host) => (strategy.resource === 'cpu' ? h.remainingCpu : h.remainingMemory);
      return keepLowest(pool, remaining);
    }
    case 'spread': {
      const key = spreadKey(strategy.by);
      const counts = new Map<string | undefined, number>();
      for (const h of all) counts.set(key(h), (counts.get(key(h)) ?? 0) + groupTasksOn(h, request.group));
      return keepLowest(pool, (h) => counts.get(key(h)) ?? 0);
    }
  }
}

function spreadKey(by: Extract<Strategy, { type: 'spread' }>['by']): (h: Host) => string | undefined {
  return by.kind === 'instance'
    ? (h) => h.candidate.containerInstanceArn
    : (h) => h.candidate.attributes[by.name];
}

function keepLowest(pool: Host[], score: (h: Host) => number): Host[] {
  const best = Math.min(...pool.map(score));
  return pool.filter((h) => score(h) === best);
}

function pickRandom(pool: Host[], request: PlacementRequest): Host {
  if (pool.length === 1) return pool[0] as Host;
  const index = Math.min(pool.length - 1, Math.floor(request.random() * pool.length));
  return pool[index] as Host;
}
