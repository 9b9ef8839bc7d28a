/** What every handler of the ECS simulator works with. */
import type { SimContext } from '../types';
import type { EcsEvents } from './events';
import type { FailureModels } from './failureModels';
import type { Lifecycle } from './lifecycle';
import type { ResolvedOptions } from './options';
import type { EcsState } from './state';
import type { Input } from './validate';

export interface Core {
  ctx: SimContext;
  state: EcsState;
  opts: ResolvedOptions;
  events: EcsEvents;
  failureModels: FailureModels;
  lifecycle: Lifecycle;
  /** RunTask clientTokens seen: cluster ARN + token → what was asked and what was started. */
  clientTokens: Map<string, { fingerprint: string; taskArns: string[]; failures: unknown[]; at: number }>;
}

export type Handler = (core: Core, input: Input) => unknown;
