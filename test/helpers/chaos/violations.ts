/**
 * What an invariant monitor reports: which invariant, which service, which tasks, at what
 * simulated time — enough to find the moment again in a run with the same seed.
 */
export interface Violation {
  invariant: 'maximumPercent' | 'one replacement' | 'desired state' | 'convergence';
  service: string;
  tasks: string[];
  /** Simulated time, ISO. */
  at: string;
  message: string;
  /** What the world looked like (e.g. the service's tasks in ECS), for finding the cause. */
  detail?: string;
}

const short = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

export class Violations {
  readonly list: Violation[] = [];

  constructor(private readonly now: () => number) {}

  add(v: Omit<Violation, 'at'>): void {
    this.list.push({ ...v, at: new Date(this.now()).toISOString() });
  }
}

/** One line per violation (the first `limit`), for assertion messages and the bench's log. */
export function describeViolations(list: Violation[], limit = 20): string {
  const lines = list.slice(0, limit).map((v) => `${v.at} [${v.invariant}] ${v.service}: ${v.message}${v.tasks.length ? ` (tasks ${v.tasks.map(short).join(', ')})` : ''}`);
  if (list.length > limit) lines.push(`… and ${list.length - limit} more`);
  return lines.join('\n');
}
