/**
 * The world before the chaos: task definition revisions to deploy, the services created through
 * the HTTP API (their acknowledged state is where the monitors start from).
 */
import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { ApiAnswer, ApiRequest } from '../api';
import type { World } from '../world';
import type { CapacityMonitor } from './capacity';
import type { DesiredStateMonitor } from './desiredState';
import { CLUSTER, REVISIONS, SERVICES } from './scenario';

export async function createServices(w: World, call: (req: ApiRequest) => Promise<ApiAnswer>, desired: DesiredStateMonitor, capacity: CapacityMonitor): Promise<void> {
  // Revision 1 of each family is registered by the world.
  for (const family of new Set(SERVICES.map((s) => s.family))) {
    for (let r = 2; r <= REVISIONS; r++) {
      await w.ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image: `${family}:${r}`, cpu: 256, memory: 512, essential: true }] }));
    }
  }
  for (const s of SERVICES) {
    const res = await call({ method: 'POST', path: '/services', body: { name: s.name, cluster: CLUSTER, taskDefinition: `${s.family}:1`, ...s.create } });
    if (res.status !== 201) throw new Error(`creating ${s.name}: ${res.status} ${res.raw}`);
    desired.acknowledge(s.name, { revision: res.body.revision, desiredCount: res.body.desiredCount, taskDefinition: res.body.taskDefinition });
    capacity.created(s.name, res.body.desiredCount);
  }
}

/** maximumPercent per service, as created (the soak never changes deployment settings). */
export function maximumPercents(): Map<string, number> {
  return new Map(SERVICES.map((s) => [s.name, (s.create.deploymentConfiguration as { maximumPercent?: number } | undefined)?.maximumPercent ?? 200]));
}
