import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Deployment, Service, ServiceSpec } from '../core/service';
import { fromItem, toItem, toValue } from './codec';
import { buildUpdate, conditionFailedItem, createIfAbsent, updateIfRevision } from './conditional';
import type { StoreContext } from './context';
import { ConflictError, NotFoundError } from './errors';
import type { Page, PageRequest } from './page';
import { getByKey, queryPage, type PartitionQuery } from './query';
import { KEY, PREFIX } from './table';

/** Fields of a service that change without a new revision (written by handlers and the reconciler). */
export type ServiceRuntime = Pick<Service, 'deployments' | 'backoff' | 'unplaced' | 'status'>;

export class ServiceStore {
  constructor(private readonly ctx: StoreContext) {}

  /** Creates the service at revision 1 with its first deployment. ConflictError if the name is taken. */
  async create(spec: ServiceSpec, opts: { healthChecked?: boolean } = {}): Promise<Service> {
    const now = this.ctx.now().toISOString();
    const first: Deployment = {
      id: 'd1',
      taskDefinition: spec.taskDefinition,
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
      createdAt: now,
      updatedAt: now,
      failedTasks: 0,
      ...(opts.healthChecked ? { healthChecked: true } : {}),
    };
    const service: Service = { ...spec, status: 'ACTIVE', revision: 1, createdAt: now, updatedAt: now, deployments: [first] };
    try {
      await createIfAbsent(this.ctx, { ...KEY.service(spec.name), ...indexKeys(service), entity: 'service', ...service }, `service ${spec.name}`);
    } catch (err) {
      if (err instanceof ConflictError) {
        throw new ConflictError(err.message, err.current ? fromItem<Service>(err.current) : undefined);
      }
      throw err;
    }
    return service;
  }

  get(name: string): Promise<Service | undefined> {
    return getByKey<Service>(this.ctx, KEY.service(name));
  }


  /**
   * Changes spec fields if the service is still at `expectedRevision`; bumps the revision.
   * ConflictError (with the current service) when someone else changed it first.
   */
  async update(name: string, expectedRevision: number, changes: Partial<Omit<ServiceSpec, 'name' | 'cluster'>> & Partial<ServiceRuntime>): Promise<Service> {
    const set = { ...changes, updatedAt: this.ctx.now().toISOString() };
    try {
      return fromItem<Service>(await updateIfRevision(this.ctx, KEY.service(name), expectedRevision, set, `service ${name}`));
    } catch (err) {
      if (err instanceof ConflictError) {
        throw new ConflictError(err.message, err.current ? fromItem<Service>(err.current as never) : undefined);
      }
      throw err;
    }
  }

  /**
   * Writes runtime fields (backoff, unplaced demand, deployment progress) without touching the
   * spec or its revision. With `ifRevision`, only while the spec is still at that revision.
   */
  async setRuntime(name: string, fields: Partial<ServiceRuntime>, opts: { ifRevision?: number; ifRuntimeRevision?: number } = {}): Promise<Service> {
    // Every runtime write bumps runtimeRevision: writers guarded by it (the stop transaction) re-decide.
    const u = buildUpdate(fields as Record<string, unknown>, [], { ':rr1': toValue(1), ':rr0': toValue(0) }, ['#rr = if_not_exists(#rr, :rr0) + :rr1']);
    u.ExpressionAttributeNames['#rr'] = 'runtimeRevision';
    let condition = 'attribute_exists(pk)';
    if (opts.ifRevision !== undefined) {
      u.ExpressionAttributeNames['#rev'] = 'revision';
      u.ExpressionAttributeValues[':rev'] = toValue(opts.ifRevision);
      condition += ' AND #rev = :rev';
    }
    if (opts.ifRuntimeRevision !== undefined) {
      u.ExpressionAttributeValues[':rrExpected'] = toValue(opts.ifRuntimeRevision);
      condition += opts.ifRuntimeRevision === 0 ? ' AND (attribute_not_exists(#rr) OR #rr = :rrExpected)' : ' AND #rr = :rrExpected';
    }
    try {
      const out = await this.ctx.client.send(
        new UpdateItemCommand({
          TableName: this.ctx.tableName,
          Key: toItem(KEY.service(name)),
          ...u,
          ConditionExpression: condition,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return fromItem<Service>(out.Attributes ?? {});
    } catch (err) {
      const current = conditionFailedItem(err);
      if (current === false) throw err;
      if (!current) throw new NotFoundError(`service ${name}`);
      throw new ConflictError(`service ${name} changed (revision is no longer ${opts.ifRevision})`, fromItem<Service>(current));
    }
  }

  /** Removes the service if it is still at `expectedRevision` (or unconditionally when omitted). */
  async delete(name: string, expectedRevision?: number): Promise<void> {
    try {
      await this.ctx.client.send(
        new DeleteItemCommand({
          TableName: this.ctx.tableName,
          Key: toItem(KEY.service(name)),
          ConditionExpression: expectedRevision === undefined ? 'attribute_exists(pk)' : 'attribute_exists(pk) AND #rev = :rev',
          ...(expectedRevision === undefined
            ? {}
            : { ExpressionAttributeNames: { '#rev': 'revision' }, ExpressionAttributeValues: { ':rev': toValue(expectedRevision) } }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (err) {
      const current = conditionFailedItem(err);
      if (current === false) throw err;
      if (!current) throw new NotFoundError(`service ${name}`);
      throw new ConflictError(`service ${name} was changed by someone else`, fromItem<Service>(current));
    }
  }

  /** Services, by name; only one cluster's when `cluster` is given. Bounded pages. */
  async list(req: PageRequest & { cluster?: string } = {}): Promise<Page<Service>> {
    const q: PartitionQuery =
      req.cluster !== undefined
        ? { index: 'byCluster', partition: KEY.clusterPk(req.cluster), sortPrefix: PREFIX.service }
        : { index: 'byKind', partition: 'SERVICE' };
    return queryPage<Service>(this.ctx, q, req);
  }
}

function indexKeys(s: Pick<Service, 'name' | 'cluster'>) {
  return { gsi1pk: KEY.clusterPk(s.cluster), gsi1sk: `SVC#${s.name}`, gsi2pk: 'SERVICE', gsi2sk: s.name };
}
