/**
 * `deploy --watch` and `scale --watch`: poll GET /services/{name}/status until the deployment
 * completes or the desired count is reached; a live one-line progress bar on a TTY, a plain line
 * per change otherwise. Exit codes: 0 done, 3 failed / rolled back / superseded / cannot progress,
 * 4 timed out; API errors propagate (1 for 4xx, 2 for 5xx or an unreachable API).
 */
import { ApiError, NetworkError, sleep, type ApiClient } from './client';
import { bar, duration, paint, shortTaskDefinition, type Style } from './format';
import type { ServiceStatus } from './types';

export const EXIT_WATCH_FAILED = 3;
export const EXIT_TIMEOUT = 4;

export interface WatchOptions {
  client: ApiClient;
  name: string;
  timeoutMs: number;
  intervalMs: number;
  /** Where progress goes (stdout for tables, stderr with --output json). */
  out: NodeJS.WriteStream;
  style: Style;
}

interface Verdict {
  /** Set when watching is over: the exit code and the closing message. */
  done?: { code: number; message: string };
  line: string;
}

const MAX_TRANSIENT = 5;

async function poll(o: WatchOptions, judge: (s: ServiceStatus, elapsed: number) => Verdict): Promise<number> {
  const started = Date.now();
  const live = o.out.isTTY === true;
  let last = '';
  let lastPrinted = 0;
  let transient = 0;
  let lastLine = '';
  /** On a TTY the line is redrawn in place; otherwise printed when it changes (or every 30 s, to show life). */
  const show = (line: string) => {
    const shown = `${line} · ${duration(Date.now() - started)}`;
    if (live) {
      const cols = (o.out.columns || 120) - 1;
      o.out.write(`\r\x1b[2K${shown.length > cols ? `${shown.slice(0, cols - 1)}…` : shown}`);
    } else if (line !== last || Date.now() - lastPrinted >= 30_000) {
      o.out.write(`${shown}\n`);
      lastPrinted = Date.now();
    }
    last = line;
  };
  const finish = (code: number, message: string) => {
    if (live && last) o.out.write('\n');
    const colour = code === 0 ? 'green' : 'red';
    o.out.write(`${paint(o.style, colour, code === 0 ? '✓' : '✗')} ${message}\n`);
    return code;
  };
  const onSigint = () => {
    if (live && last) o.out.write('\n');
    o.out.write('stopped watching (the change goes on)\n');
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  try {
    for (;;) {
      const elapsed = Date.now() - started;
      let status: ServiceStatus | undefined;
      try {
        status = (await o.client.request<ServiceStatus>('GET', `/services/${encodeURIComponent(o.name)}/status`, { retry: false })).body;
        transient = 0;
      } catch (err) {
        const isTransient = err instanceof NetworkError || (err instanceof ApiError && err.status >= 500);
        if (!isTransient || ++transient >= MAX_TRANSIENT) {
          if (live && last) o.out.write('\n');
          throw err;
        }
        show(`${lastLine || o.name} ${paint(o.style, 'yellow', `(API: ${err instanceof Error ? err.message : String(err)}; retrying)`)}`);
      }
      if (status) {
        const v = judge(status, elapsed);
        lastLine = v.line;
        show(v.line);
        if (v.done) return finish(v.done.code, v.done.message);
      }
      if (Date.now() - started >= o.timeoutMs) return finish(EXIT_TIMEOUT, `timed out after ${duration(o.timeoutMs)}: ${lastLine}`);
      await sleep(Math.min(o.intervalMs, Math.max(0, o.timeoutMs - (Date.now() - started))));
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Why a service cannot make progress on its own, if it cannot. */
function stuck(s: ServiceStatus): string | undefined {
  if (s.status === 'DRAINING') return `service ${s.name} is being deleted`;
  if (s.paused) return `service ${s.name} is paused: Shepherd neither starts nor stops its tasks until \`shepherd services resume ${s.name}\``;
  return undefined;
}

function extras(o: WatchOptions, s: ServiceStatus): string {
  const parts: string[] = [];
  if (s.unplaced) parts.push(paint(o.style, 'yellow', `unplaced ${s.unplaced.count} (${s.unplaced.reasons.join(', ')})`));
  if (s.backoff && Date.parse(s.backoff.nextAttemptAt) > Date.now())
    parts.push(paint(o.style, 'yellow', `crash-loop backoff: ${s.backoff.consecutiveFailures} failures, next try at ${s.backoff.nextAttemptAt.slice(11, 19)}Z`));
  return parts.length ? ` · ${parts.join(' · ')}` : '';
}

function failureMessage(s: ServiceStatus, id: string): string {
  const dep = s.deployments.find((d) => d.id === id);
  const primary = s.deployments.find((d) => d.status === 'PRIMARY');
  const event = s.events.find((e) => e.type === 'Deployment Failed' || e.type === 'Deployment Rolled Back');
  let msg = `deployment ${id} of ${shortTaskDefinition(dep?.taskDefinition)} ${dep?.rolloutState === 'ROLLED_BACK' ? 'was rolled back' : 'failed'}`;
  msg += event ? `: ${event.message}` : dep ? `: ${dep.failedTasks} task(s) failed` : '';
  if (primary && primary.id !== id) msg += `; rolled back to ${shortTaskDefinition(primary.taskDefinition)} (deployment ${primary.id}, ${primary.rolloutState})`;
  return msg;
}

/** Until deployment `id` is COMPLETED (0), or FAILED, rolled back or superseded (3). */
export function watchDeployment(o: WatchOptions, id: string): Promise<number> {
  return poll(o, (s, elapsed) => {
    const dep = s.deployments.find((d) => d.id === id);
    if (!dep) return { line: `${s.name} ${id}`, done: { code: EXIT_WATCH_FAILED, message: `deployment ${id} is no longer recorded: another deployment replaced it` } };
    const td = shortTaskDefinition(dep.taskDefinition);
    const mine = s.tasks.byTaskDefinition.filter((t) => t.taskDefinition === dep.taskDefinition);
    const running = mine.reduce((n, t) => n + t.running, 0);
    const pending = mine.reduce((n, t) => n + t.pending, 0);
    const old = s.tasks.byTaskDefinition.filter((t) => t.taskDefinition !== dep.taskDefinition).reduce((n, t) => n + t.running + t.pending, 0);
    const line =
      `${s.name} ${id} → ${td} ${bar(running, s.desiredCount)} ${running}/${s.desiredCount} running` +
      `${pending ? `, ${pending} pending` : ''}${old ? `, ${old} old` : ''}${dep.failedTasks ? paint(o.style, 'red', ` · ${dep.failedTasks} failed`) : ''}` +
      `${extras(o, s)}`;
    if (dep.rolloutState === 'COMPLETED') return { line, done: { code: 0, message: `deployment ${id} completed: ${running} task(s) of ${td} running (${duration(elapsed)})` } };
    if (dep.rolloutState === 'FAILED' || dep.rolloutState === 'ROLLED_BACK') return { line, done: { code: EXIT_WATCH_FAILED, message: failureMessage(s, id) } };
    if (dep.status !== 'PRIMARY') {
      const primary = s.deployments.find((d) => d.status === 'PRIMARY');
      return { line, done: { code: EXIT_WATCH_FAILED, message: `deployment ${id} was superseded${primary ? ` by ${primary.id} (${shortTaskDefinition(primary.taskDefinition)})` : ''}` } };
    }
    const why = stuck(s);
    if (why) return { line, done: { code: EXIT_WATCH_FAILED, message: why } };
    return { line };
  });
}

/**
 * Until the service runs its desired count with nothing pending (0). A deployment that was in
 * progress when the scale began and fails meanwhile ends the watch (3).
 */
export function watchScale(o: WatchOptions, deploymentId: string | undefined): Promise<number> {
  return poll(o, (s, elapsed) => {
    const counts = s.runningCount > s.desiredCount ? `${s.runningCount} running, scaling in to ${s.desiredCount}` : `${s.runningCount}/${s.desiredCount} running`;
    const line =
      `${s.name} ${bar(Math.min(s.runningCount, s.desiredCount), s.desiredCount)} ${counts}` +
      `${s.pendingCount ? `, ${s.pendingCount} pending` : ''}${extras(o, s)}`;
    const dep = deploymentId ? s.deployments.find((d) => d.id === deploymentId) : undefined;
    if (dep && (dep.rolloutState === 'FAILED' || dep.rolloutState === 'ROLLED_BACK')) return { line, done: { code: EXIT_WATCH_FAILED, message: failureMessage(s, dep.id) } };
    if (s.runningCount === s.desiredCount && s.pendingCount === 0) return { line, done: { code: 0, message: `${s.name}: ${s.runningCount} of ${s.desiredCount} task(s) running (${duration(elapsed)})` } };
    const why = stuck(s);
    if (why) return { line, done: { code: EXIT_WATCH_FAILED, message: why } };
    return { line };
  });
}
