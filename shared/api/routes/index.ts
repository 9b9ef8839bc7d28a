/** Every route of the API, in the order GET /openapi.json lists them. */
import { z } from 'zod';
import { json } from '../http';
import { openApiDocument } from '../openapi';
import { defineRoute, type Route } from '../router';
import { getCluster, listClusterEvents, listClusters, putCapacity } from './clusters';
import { activateInstance, drainInstance, terminateInstance } from './instanceActions';
import { deployService, pauseService, resumeService, scaleService } from './serviceActions';
import { createService, deleteService, getServiceRoute, listServices, patchService } from './services';
import { getServicePlan } from './servicePlan';
import { getServiceStatus, listServiceEvents } from './serviceStatus';
import { listServiceTasks, stopServiceTask } from './taskActions';
import { listTaskDefinitionRevisions, registerTaskDefinitionRoute } from './taskDefinitions';

let document: ReturnType<typeof openApiDocument> | undefined;

const getOpenApi = defineRoute({
  method: 'GET',
  path: '/openapi.json',
  operationId: 'getOpenApi',
  summary: 'This API as an OpenAPI 3.1 document',
  description: 'Generated from the schemas that validate the requests.',
  tag: 'Meta',
  responses: { 200: { description: 'The OpenAPI document.', schema: z.record(z.string(), z.unknown()) } },
  async handle() {
    document ??= openApiDocument(routes);
    return json(200, document);
  },
});

export const routes: readonly Route[] = [
  createService,
  listServices,
  getServiceRoute,
  patchService,
  deleteService,
  scaleService,
  pauseService,
  resumeService,
  deployService,
  getServiceStatus,
  getServicePlan,
  listServiceEvents,
  listServiceTasks,
  stopServiceTask,
  registerTaskDefinitionRoute,
  listTaskDefinitionRevisions,
  listClusters,
  getCluster,
  putCapacity,
  drainInstance,
  activateInstance,
  terminateInstance,
  listClusterEvents,
  getOpenApi,
];
