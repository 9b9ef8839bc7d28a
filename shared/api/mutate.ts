/**
 * Optimistic concurrency for the API's writes. With If-Match, one attempt at the revision the
 * client saw (412 when it moved on). Without (or with `*`), read-modify-write at the current
 * revision, retried on a lost race a bounded number of times, then 503 with Retry-After.
 */
import type { Service } from '../core/service';
import { ConflictError, NotFoundError } from '../store';
import type { ServiceRuntime } from '../store';
import type { ServiceSpec } from '../core/service';
import type { ApiDeps } from './deps';
import { describeIfMatch, etagOf, ifMatchAccepts, type IfMatch } from './http';
import { HttpProblem } from './problem';

export const MAX_ATTEMPTS = 5;

export type ServiceChanges = Partial<Omit<ServiceSpec, 'name' | 'cluster'>> & Partial<ServiceRuntime>;

export function serviceNotFound(name: string): HttpProblem {
  return new HttpProblem('notFound', `no service named ${name}`);
}

export function preconditionFailed(what: string, revision: number, ifMatch: IfMatch): HttpProblem {
  return new HttpProblem(
    'preconditionFailed',
    `${what} is at revision ${revision} (ETag ${etagOf(revision)}); your If-Match was ${describeIfMatch(ifMatch)}. GET it again and reapply your change.`,
    { headers: { etag: etagOf(revision) } },
  );
}

export function contention(what: string): HttpProblem {
  return new HttpProblem('unavailable', `${what} kept changing under ${MAX_ATTEMPTS} attempts; retry`, { headers: { 'retry-after': '1' } });
}

export function assertNotDraining(s: Service): void {
  if (s.status === 'DRAINING') {
    throw new HttpProblem('draining', `service ${s.name} is being deleted (status DRAINING); create it again once it is gone`);
  }
}

/** Reads a service or answers 404. */
export async function getService(deps: ApiDeps, name: string): Promise<Service> {
  const s = await deps.store.services.get(name);
  if (!s) throw serviceNotFound(name);
  return s;
}

/**
 * Applies `decide`'s changes to the service. `decide` sees the current service and returns the
 * changes, or undefined when there is nothing to change (the service is answered unchanged).
 */
export async function mutateService(
  deps: ApiDeps,
  name: string,
  ifMatch: IfMatch | undefined,
  decide: (s: Service) => Promise<ServiceChanges | undefined> | ServiceChanges | undefined,
): Promise<{ service: Service; changed: boolean }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const s = await getService(deps, name);
    if (ifMatch && !ifMatchAccepts(ifMatch, s.revision)) throw preconditionFailed(`service ${name}`, s.revision, ifMatch);
    const changes = await decide(s);
    if (!changes || Object.keys(changes).length === 0) return { service: s, changed: false };
    try {
      return { service: await deps.store.services.update(name, s.revision, changes), changed: true };
    } catch (err) {
      if (err instanceof NotFoundError) throw serviceNotFound(name);
      if (!(err instanceof ConflictError)) throw err;
      const current = err.current as Service | undefined;
      if (ifMatch && !ifMatch.any) throw preconditionFailed(`service ${name}`, current?.revision ?? s.revision + 1, ifMatch);
    }
  }
  throw contention(`service ${name}`);
}
