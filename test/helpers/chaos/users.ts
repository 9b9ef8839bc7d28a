/**
 * People using the HTTP API while everything else goes wrong: scaling (PATCH desiredCount) and
 * deploying (POST /deploy), each based on a GET and sent with If-Match; on 412 they GET again and
 * reapply their intent, as a user would (503 with Retry-After: the same). Every 2xx answer is an
 * acknowledged write the desired-state monitor holds the store to.
 */
import type { ApiAnswer, ApiRequest } from '../api';
import type { CapacityMonitor } from './capacity';
import type { DesiredStateMonitor } from './desiredState';

export interface ServicePlan {
  name: string;
  /** Task definition family its deployments draw from (revisions 1..revisions). */
  family: string;
  minDesired: number;
  maxDesired: number;
}

const MAX_ATTEMPTS = 10;

export class ApiUsers {
  acknowledged = 0;
  preconditionFailed = 0;
  unavailable = 0;

  constructor(
    private readonly call: (req: ApiRequest) => Promise<ApiAnswer>,
    private readonly capacity: CapacityMonitor,
    private readonly desired: DesiredStateMonitor,
    private readonly revisions: number,
    /** Where acknowledged deployments are written down (the trace). */
    private readonly note: (service: string, text: string) => void = () => undefined,
  ) {}

  /** Sets a desired count drawn from `draw` (0..1) within the service's range. */
  scale(svc: ServicePlan, draw: number): Promise<void> {
    const want = svc.minDesired + Math.floor(draw * (svc.maxDesired - svc.minDesired + 1));
    return this.write(svc.name, `scale to ${want}`, () => ({ method: 'PATCH', path: `/services/${svc.name}`, body: { desiredCount: want } }), want);
  }

  /** Deploys a revision of the family other than the current one, chosen by `draw`. */
  deploy(svc: ServicePlan, draw: number): Promise<void> {
    return this.write(svc.name, 'deploy', (current) => {
      const now = Number(/:(\d+)$/.exec(current.taskDefinition)?.[1] ?? '0');
      const others = Array.from({ length: this.revisions }, (_, i) => i + 1).filter((r) => r !== now);
      const rev = others[Math.floor(draw * others.length)] ?? 1;
      return { method: 'POST', path: `/services/${svc.name}/deploy`, body: { taskDefinition: `${svc.family}:${rev}` } };
    });
  }

  private async write(name: string, what: string, request: (current: { taskDefinition: string }) => Omit<ApiRequest, 'headers'>, desired?: number): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const got = await this.call({ method: 'GET', path: `/services/${name}` });
      if (got.status !== 200) throw new Error(`GET /services/${name} answered ${got.status}: ${got.raw}`);
      const change = desired !== undefined ? this.capacity.sending(name, desired) : undefined;
      const res = await this.call({ ...request(got.body), headers: { 'if-match': got.headers.etag ?? '' } });
      if (res.status === 200 || res.status === 202) {
        this.acknowledged++;
        const body = res.body as { revision: number; desiredCount: number; taskDefinition: string };
        this.desired.acknowledge(name, { revision: body.revision, desiredCount: body.desiredCount, taskDefinition: body.taskDefinition });
        if (change) this.capacity.acknowledge(name, change, body.revision);
        else this.note(name, `${what} of ${body.taskDefinition.slice(body.taskDefinition.lastIndexOf('/') + 1)} acknowledged at revision ${body.revision}`);
        return;
      }
      if (res.status === 412) this.preconditionFailed++;
      else if (res.status === 503) this.unavailable++;
      else throw new Error(`${what} of ${name} answered ${res.status}: ${res.raw}`);
    }
    throw new Error(`${what} of ${name}: no answer but 412/503 in ${MAX_ATTEMPTS} attempts`);
  }
}
