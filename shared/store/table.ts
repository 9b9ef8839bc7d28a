import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * Shepherd's single DynamoDB table. See docs/state-model.md for the entities and access patterns.
 *
 *   item                pk                   sk                      gsi1 (byCluster)            gsi2 (byKind)
 *   service             SVC#<name>           #SERVICE                CLUSTER#<cluster> / SVC#<n> SERVICE / <name>
 *   task (observed)     SVC#<service>        TASK#<taskArn>          CLUSTER#<cluster> / TASK#<arn>
 *   pending start       SVC#<service>        PENDING#<token>         CLUSTER#<cluster> / PENDING#<service>#<token>
 *   service lease       SVC#<service>        #LEASE
 *   service event       SVC#<service>        EVT#<time>#<id>
 *   cluster             CLUSTER#<name>       #CLUSTER                                            CLUSTER / <name>
 *   container instance  CLUSTER#<cluster>    CI#<containerInstanceArn>
 *   cluster event       CLUSTER#<cluster>    EVT#<time>#<id>
 *
 * Items whose sk starts with EVT# are the outbox: the table's stream publishes their INSERTs.
 */
export const KEY = {
  service: (name: string) => ({ pk: `SVC#${name}`, sk: '#SERVICE' }),
  task: (service: string, taskArn: string) => ({ pk: `SVC#${service}`, sk: `TASK#${taskArn}` }),
  pending: (service: string, token: string) => ({ pk: `SVC#${service}`, sk: `PENDING#${token}` }),
  cluster: (name: string) => ({ pk: `CLUSTER#${name}`, sk: '#CLUSTER' }),
  instance: (cluster: string, arn: string) => ({ pk: `CLUSTER#${cluster}`, sk: `CI#${arn}` }),
  servicePk: (name: string) => `SVC#${name}`,
  clusterPk: (name: string) => `CLUSTER#${name}`,
} as const;

export const PREFIX = { task: 'TASK#', pending: 'PENDING#', instance: 'CI#', event: 'EVT#', service: 'SVC#' } as const;

export const INDEX = { byCluster: 'byCluster', byKind: 'byKind' } as const;

export const TTL_ATTRIBUTE = 'expiresAt';

/** The table's definition; serverless.yml declares the same (a test checks they agree). */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
      { AttributeName: 'gsi2pk', AttributeType: 'S' },
      { AttributeName: 'gsi2sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: INDEX.byCluster,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: INDEX.byKind,
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  };
}
