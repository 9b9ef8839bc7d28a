/**
 * RunTask's clientToken: the same token with the same parameters, within the token's lifetime
 * (24 hours), returns the original tasks without starting new ones; with other parameters it is a
 * ConflictException naming the tasks the token already started (`resourceIds`).
 */
import { SimError } from '../errors';
import type { Core } from './core';
import { invalid, type Input } from './validate';

export interface Replay {
  taskArns: string[];
  failures: unknown[];
}

export function checkClientToken(token: string): void {
  if (token.length < 1 || token.length > 64 || ![...token].every((ch) => ch.charCodeAt(0) >= 33 && ch.charCodeAt(0) <= 126)) {
    throw invalid('clientToken can have up to 64 ASCII characters in the range 33-126.');
  }
}

/** A canonical form of the request without its token: key order does not matter. */
export function fingerprint(input: Input): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  const { clientToken: _token, ...rest } = input;
  return JSON.stringify(canonical(rest));
}

/** What an earlier call with this token did, if it is still remembered; throws on a conflict. */
export function replay(core: Core, clusterArn: string, token: string, input: Input): Replay | undefined {
  const key = `${clusterArn} ${token}`;
  const seen = core.clientTokens.get(key);
  if (!seen) return undefined;
  if (seen.at + core.opts.clientTokenTtlMs <= core.ctx.clock.now()) {
    core.clientTokens.delete(key);
    return undefined;
  }
  if (seen.fingerprint !== fingerprint(input)) {
    const err = new SimError('ConflictException', 'The clientToken is already in use with a different RunTask request.');
    err.fields = { resourceIds: seen.taskArns };
    throw err;
  }
  return { taskArns: seen.taskArns, failures: seen.failures };
}

export function remember(core: Core, clusterArn: string, token: string, input: Input, result: Replay): void {
  // The SDK sends a fresh token with every RunTask: forget expired ones (oldest first, in insertion order).
  const now = core.ctx.clock.now();
  for (const [key, seen] of core.clientTokens) {
    if (seen.at + core.opts.clientTokenTtlMs > now) break;
    core.clientTokens.delete(key);
  }
  core.clientTokens.set(`${clusterArn} ${token}`, { fingerprint: fingerprint(input), ...result, at: core.ctx.clock.now() });
}
