/**
 * Starts announced before their RunTask / StartTask and not yet resolved (the store side is
 * shared/store/pendingStarts.ts): how many of their tasks may exist without the store knowing.
 * Pure.
 *
 * A task Shepherd records from its own start carries that start's token (`startToken`). A task of
 * the service the store holds *without* one was learnt from its events or listed by a reconciler
 * pass. One created between an announcement and its fence is taken as that announcement's task:
 * every start is made under the service's lease and announced first, and an actor gives its lease
 * up early only after an error, so such a task belongs to an outstanding announcement — if to an
 * overlapping one, each claim still trades one announced task for one known task. Such tasks are
 * no longer unknown: they count as themselves, not through the announcement.
 */

/** What a planner counts of an announcement: tasks that may run unrecorded. */
export interface PendingStart {
  count: number;
  /** StartTask's instances (a daemon's placement), still without a task of this start. */
  instances?: string[];
}

export interface Announcement {
  token: string;
  count: number;
  instances?: string[];
  /** When it was announced (ISO) and by when its ECS call is over (epoch ms, within the actor's lease). */
  createdAt: string;
  fenceUntil: number;
}

export interface KnownTask {
  createdAt?: string;
  containerInstanceArn?: string;
  /** The token of the Shepherd start that recorded it; absent when learnt from events or a listing. */
  startToken?: string;
}

/** ECS's clock (a task's createdAt) and the actor's may differ by this much. */
export const CLOCK_SKEW_MS = 5_000;

/**
 * Each announcement less the tasks the store already holds for it. `except`: the caller's own
 * token (it is retrying that very start: its task is the one it is about to record).
 */
export function outstandingStarts(announced: Announcement[], tasks: KnownTask[], except?: string): PendingStart[] {
  const unclaimed = tasks
    .filter((t) => !t.startToken && t.createdAt)
    .map((t) => ({ at: Date.parse(t.createdAt!), host: t.containerInstanceArn }))
    .filter((t) => Number.isFinite(t.at));
  const taken = new Set<number>();
  const out: PendingStart[] = [];
  for (const a of [...announced].sort((x, y) => x.createdAt.localeCompare(y.createdAt))) {
    if (a.token === except) continue;
    const from = Date.parse(a.createdAt) - CLOCK_SKEW_MS;
    const until = a.fenceUntil + CLOCK_SKEW_MS;
    const mine = unclaimed.map((t, i) => ({ ...t, i })).filter((t) => !taken.has(t.i) && t.at >= from && t.at <= until && (!a.instances || (t.host !== undefined && a.instances.includes(t.host))));
    const found = mine.slice(0, a.count);
    for (const t of found) taken.add(t.i);
    const count = a.count - found.length;
    if (count <= 0) continue;
    const hosts = a.instances?.filter((h) => !found.some((t) => t.host === h));
    out.push({ count, ...(hosts ? { instances: hosts } : {}) });
  }
  return out;
}
