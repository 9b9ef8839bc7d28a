/** A service's status (desired against observed, from the store alone) and its history. */
import type { ObservedInstance } from '../../core/observed';
import { getService, serviceNotFound } from '../mutate';
import { json } from '../http';
import { allPages, pageBody } from '../pages';
import { defineRoute } from '../router';
import { EventsQuery, HistoryEventList, ServiceParams, ServiceStatus } from '../schemas/services';
import { eventView } from '../serviceSpec';
import { serviceStatus } from '../status';

const TAG = 'Services';
export const STATUS_EVENTS = 10;

export const getServiceStatus = defineRoute({
  method: 'GET',
  path: '/services/{name}/status',
  operationId: 'getServiceStatus',
  summary: 'Desired against observed',
  description:
    'From Shepherd\'s store (no ECS calls): desiredCount, runningCount and pendingCount; tasks by lastStatus and, running and pending, per task ' +
    'definition revision, per container instance and per availability zone; deployments (and the one in progress), crash-loop backoff, ' +
    `unplaced demand, and the last ${STATUS_EVENTS} events.`,
  tag: TAG,
  params: ServiceParams,
  responses: { 200: { description: 'The status.', schema: ServiceStatus } },
  problems: [404],
  async handle({ params, deps }) {
    const s = await getService(deps, params.name);
    const [tasks, events, instances] = await Promise.all([
      allPages((req) => deps.store.tasks.listByService(s.name, req)),
      deps.store.history.list(s.name, { limit: STATUS_EVENTS }),
      s.schedulingStrategy === 'DAEMON'
        ? allPages((req) => deps.store.instances.listByCluster(s.cluster, req))
        : Promise.resolve({ items: [] as ObservedInstance[], truncated: false }),
    ]);
    return json(200, serviceStatus(s, tasks.items, events.items, instances.items));
  },
});

export const listServiceEvents = defineRoute({
  method: 'GET',
  path: '/services/{name}/events',
  operationId: 'listServiceEvents',
  summary: "A service's history, newest first",
  description: 'Task stops and replacements, deployments, scaling: what Shepherd recorded (kept 30 days by default). A deleted service\'s history stays readable until it expires.',
  tag: TAG,
  params: ServiceParams,
  query: EventsQuery,
  responses: { 200: { description: 'A page of events.', schema: HistoryEventList } },
  problems: [404],
  async handle({ params, query, deps }) {
    const page = await deps.store.history.list(params.name, {
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    });
    if (page.items.length === 0 && query.nextToken === undefined && !(await deps.store.services.get(params.name))) throw serviceNotFound(params.name);
    return json(200, pageBody(page, eventView));
  },
});
