import { createHash } from 'node:crypto';

/**
 * RunTask's clientToken for the replacement of one stopped task (≤ 64 ASCII characters): the same
 * stopped task and generation always give the same token, so a redelivered or concurrently
 * delivered event can never start a second replacement. A new generation is used only when an
 * earlier attempt placed nothing and is retried later.
 */
export function replacementToken(stoppedTaskArn: string, generation = 0): string {
  return `r${generation}-${createHash('sha256').update(`${stoppedTaskArn}#${generation}`).digest('base64url')}`;
}

/** Token for starting `count` tasks of a service as one step of a plan (the reconciler's starts). */
export function planToken(service: string, planKey: string): string {
  return `p-${createHash('sha256').update(`${service}#${planKey}`).digest('base64url')}`;
}
