import type { Random } from './random';

export type SimServiceName = 'ecs' | 'events' | 'autoscaling' | 'elbv2' | 'sqs' | 'cloudformation';

/** Fault rules for one service (optionally only some of its actions). */
export interface FaultRules {
  /** Share of calls answered with ThrottlingException (0..1). */
  throttleRate?: number;
  /** Share of calls answered with a 500 ServerException (0..1). */
  serverErrorRate?: number;
  /** Real (wall-clock) delay added to every call, in ms. */
  latencyMs?: number;
  /** Only these actions are affected; all when absent. */
  actions?: string[];
}

export interface FaultDecision {
  throttle: boolean;
  serverError: boolean;
  latencyMs: number;
}

/** Decides, per call, whether the simulator injects a fault. Seeded, so runs repeat. */
export class Faults {
  private readonly rules = new Map<SimServiceName, FaultRules>();

  constructor(private readonly random: Random) {}

  set(service: SimServiceName, rules: FaultRules): void {
    this.rules.set(service, rules);
  }

  clear(service?: SimServiceName): void {
    if (service) this.rules.delete(service);
    else this.rules.clear();
  }

  decide(service: SimServiceName, action: string): FaultDecision {
    const r = this.rules.get(service);
    if (!r || (r.actions && !r.actions.includes(action))) {
      return { throttle: false, serverError: false, latencyMs: 0 };
    }
    const throttle = (r.throttleRate ?? 0) > 0 && this.random() < (r.throttleRate ?? 0);
    const serverError = !throttle && (r.serverErrorRate ?? 0) > 0 && this.random() < (r.serverErrorRate ?? 0);
    return { throttle, serverError, latencyMs: r.latencyMs ?? 0 };
  }
}
