/** The target groups the simulator holds, and what every action works with. */
import type { SimContext } from '../types';
import type { TargetGroup } from './model';
import { checkTargetGroupArn, targetGroupNotFound } from './params';
import type { TargetNetwork } from './reachability';

export class TargetGroupStore {
  /** By ARN, in creation order. */
  readonly byArn = new Map<string, TargetGroup>();
  private nextSeq = 1;

  seq(): number {
    return this.nextSeq++;
  }

  byName(name: string): TargetGroup | undefined {
    for (const g of this.byArn.values()) if (g.settings.name === name) return g;
    return undefined;
  }

  /** The group, or TargetGroupNotFound (ValidationError for what is not an ARN at all). */
  require(arn: string): TargetGroup {
    checkTargetGroupArn(arn);
    const g = this.byArn.get(arn);
    if (!g) throw targetGroupNotFound(`Target groups '${arn}' not found`);
    return g;
  }
}

export interface Elbv2Core {
  ctx: SimContext;
  groups: TargetGroupStore;
  network: TargetNetwork;
}
