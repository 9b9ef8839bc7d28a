/** UpdateContainerInstancesState: drain instances Shepherd removes, or make them ACTIVE again. */
import { UpdateContainerInstancesStateCommand, type ECSClient } from '@aws-sdk/client-ecs';

/** ECS's limit per UpdateContainerInstancesState call. */
const BATCH = 10;

export async function setInstancesState(ecs: ECSClient, cluster: string, containerInstanceArns: string[], status: 'DRAINING' | 'ACTIVE'): Promise<string[]> {
  const failed: string[] = [];
  for (let i = 0; i < containerInstanceArns.length; i += BATCH) {
    const out = await ecs.send(new UpdateContainerInstancesStateCommand({ cluster, containerInstances: containerInstanceArns.slice(i, i + BATCH), status }));
    for (const f of out.failures ?? []) failed.push(`${f.arn ?? '?'}: ${f.reason ?? 'failed'}`);
  }
  return failed;
}
