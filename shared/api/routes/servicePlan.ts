/** `GET /services/{name}/plan`: what the reconciler would do now and why — nothing is executed. */
import { judgeDeployment } from '../../core/deployment';
import { planService } from '../../core/planner';
import { DEFAULT_PLANNER_POLICY, loadPlanInput } from '../../handlers/replan';
import { json } from '../http';
import { getService } from '../mutate';
import { defineRoute } from '../router';
import { ServiceParams, ServicePlan } from '../schemas/services';

export const getServicePlan = defineRoute({
  method: 'GET',
  path: '/services/{name}/plan',
  operationId: 'getServicePlan',
  summary: 'Dry run: what the reconciler would do now',
  description:
    'Runs the same planner the reconciler and the event handlers run, on the state Shepherd holds, and returns its actions and reasons. ' +
    'Nothing is started or stopped.',
  tag: 'Services',
  params: ServiceParams,
  responses: { 200: { description: 'The plan.', schema: ServicePlan } },
  problems: [404],
  async handle({ params, deps }) {
    const service = await getService(deps, params.name);
    const { tasks, instances, pendingStarts } = await loadPlanInput(deps, service);
    const now = deps.now();
    const verdict = judgeDeployment(service, tasks, now.toISOString());
    const plan = planService({ service, tasks, instances, pendingStarts, now: now.getTime(), policy: DEFAULT_PLANNER_POLICY });
    return json(200, {
      name: service.name,
      generatedAt: now.toISOString(),
      deployment: {
        verdict: verdict.kind,
        ...(verdict.kind !== 'none' ? { message: verdict.message } : {}),
        ...(verdict.kind === 'failed' && verdict.rollbackTo ? { rollbackTo: verdict.rollbackTo } : {}),
      },
      actions: plan.actions,
      summary: plan.summary,
      notes: plan.notes,
    });
  },
});
