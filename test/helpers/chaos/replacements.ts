/**
 * Never two replacements for one stopped task, in both places it could show:
 * - ECS's side: every RunTask a handler makes for a STOPPED event carries a replacement token
 *   (`r…`) derived from the stopped task; two calls with different tokens for one stopped task
 *   could start two tasks (checked at every such call);
 * - the store's side: a replacement's record names the task it replaces (`replaces`, written with
 *   the stop's outcome); no two tasks may name the same one (checked every simulated minute and
 *   at the end).
 */
import type { Store, StoredTask } from '../../../shared/store';
import { queryAll } from '../../../shared/store/query';
import { KEY, PREFIX } from '../../../shared/store/table';
import { currentInvocation } from './invocations';
import { intercept, type SdkClient } from './middleware';
import type { Violations } from './violations';

const short = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

export class ReplacementMonitor {
  /** Stopped task → the replacement tokens RunTask was called with for it. */
  readonly tokens = new Map<string, Set<string>>();
  private readonly reported = new Set<string>();

  constructor(private readonly violations: Violations) {}

  attach(client: SdkClient): void {
    intercept(client, 'outside', 'chaosReplacements', async (call, send) => {
      const out = await send();
      const inv = currentInvocation();
      const token = String(call.input.clientToken ?? '');
      const detail = inv?.event.detail as { taskArn?: string; lastStatus?: string; group?: string } | undefined;
      if (call.command !== 'RunTask' || !token.startsWith('r') || inv?.event['detail-type'] !== 'ECS Task State Change' || detail?.lastStatus !== 'STOPPED' || !detail.taskArn) return out;
      const seen = this.tokens.get(detail.taskArn) ?? new Set<string>();
      seen.add(token);
      this.tokens.set(detail.taskArn, seen);
      if (seen.size > 1 && !this.reported.has(`token:${detail.taskArn}`)) {
        this.reported.add(`token:${detail.taskArn}`);
        const started = ((out as { tasks?: Array<{ taskArn?: string }> }).tasks ?? []).map((t) => t.taskArn ?? '');
        this.violations.add({
          invariant: 'one replacement',
          service: (detail.group ?? '').replace(/^shepherd:/, ''),
          tasks: [detail.taskArn, ...started],
          message: `stopped task ${short(detail.taskArn)} caused RunTask with ${seen.size} different tokens: ${[...seen].map((t) => t.slice(0, 12)).join(', ')}`,
        });
      }
      return out;
    });
  }

  /** Reads every task record of the services; reports a stopped task that two records replace. */
  async checkStore(store: Store, services: string[]): Promise<void> {
    for (const service of services) {
      const tasks = await queryAll<StoredTask & { replaces?: string }>(store.ctx, { partition: KEY.servicePk(service), sortPrefix: PREFIX.task });
      const by = new Map<string, string[]>();
      for (const t of tasks) if (t.replaces) by.set(t.replaces, [...(by.get(t.replaces) ?? []), t.taskArn]);
      for (const [stopped, replacements] of by) {
        if (replacements.length < 2 || this.reported.has(`store:${stopped}`)) continue;
        this.reported.add(`store:${stopped}`);
        this.violations.add({
          invariant: 'one replacement',
          service,
          tasks: [stopped, ...replacements],
          message: `${replacements.length} task records replace stopped task ${short(stopped)}: ${replacements.map(short).join(', ')}`,
        });
      }
    }
  }
}
