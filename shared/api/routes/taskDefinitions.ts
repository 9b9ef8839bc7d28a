/** /task-definitions: a validated pass-through to ECS RegisterTaskDefinition, and a family's revisions. */
import { listRevisions, registerTaskDefinition } from '../ecs';
import { json } from '../http';
import { invalid, type FieldError } from '../problem';
import { defineRoute } from '../router';
import { FamilyParams, ListRevisionsQuery, RegisteredTaskDefinition, RegisterTaskDefinitionBody, TaskDefinitionList } from '../schemas/taskDefinitions';

const TAG = 'Task definitions';

/** What ECS would refuse, caught here so the answer names the field. */
function containerProblems(body: RegisterTaskDefinitionBody): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  body.containerDefinitions.forEach((c, i) => {
    const at = `body.containerDefinitions[${i}]`;
    if (names.has(c.name)) errors.push({ field: `${at}.name`, message: `container ${c.name} is defined twice` });
    names.add(c.name);
    if (c.memory === undefined && c.memoryReservation === undefined && body.memory === undefined) {
      errors.push({ field: `${at}.memory`, message: 'give memory or memoryReservation (or the task-level memory)' });
    }
    if (c.memory !== undefined && c.memoryReservation !== undefined && c.memory < c.memoryReservation) {
      errors.push({ field: `${at}.memoryReservation`, message: 'must not exceed memory' });
    }
  });
  if (!body.containerDefinitions.some((c) => c.essential !== false)) {
    errors.push({ field: 'body.containerDefinitions', message: 'at least one container must be essential' });
  }
  return errors;
}

export const registerTaskDefinitionRoute = defineRoute({
  method: 'POST',
  path: '/task-definitions',
  operationId: 'registerTaskDefinition',
  summary: 'Register a task definition',
  description: 'Validates a subset of ECS RegisterTaskDefinition and passes it to ECS, which answers the new revision. Not idempotent: each call registers a revision, as in ECS.',
  tag: TAG,
  body: { schema: RegisterTaskDefinitionBody, required: true },
  responses: { 201: { description: 'Registered.', schema: RegisteredTaskDefinition, headers: ['Location'] } },
  problems: [413, 415],
  async handle({ body, deps }) {
    const problems = containerProblems(body);
    if (problems.length) throw invalid(problems);
    const registered = await registerTaskDefinition(deps.ecs, body);
    return json(201, registered, { location: `/task-definitions/${registered.family}` });
  },
});

export const listTaskDefinitionRevisions = defineRoute({
  method: 'GET',
  path: '/task-definitions/{family}',
  operationId: 'listTaskDefinitionRevisions',
  summary: "A family's revisions",
  description: 'ECS ListTaskDefinitions for one family, paginated; newest first unless `sort=ASC`.',
  tag: TAG,
  params: FamilyParams,
  query: ListRevisionsQuery,
  responses: { 200: { description: 'A page of revisions.', schema: TaskDefinitionList } },
  async handle({ params, query, deps }) {
    const page = await listRevisions(deps.ecs, {
      family: params.family,
      status: query.status ?? 'ACTIVE',
      sort: query.sort ?? 'DESC',
      limit: query.limit ?? 50,
      ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    });
    return json(200, page);
  },
});
