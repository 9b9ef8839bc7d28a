/**
 * The AWS clients Shepherd uses, built from the SDK's standard configuration chain (region,
 * credentials, and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> for endpoints — that is how local
 * runs and tests point them at loopback). Adaptive retry by default: ECS throttles per account.
 * One instance each per Lambda container, created on first use so cold starts import only what a
 * function needs.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';

const common = () => ({
  retryMode: process.env.AWS_RETRY_MODE ?? 'adaptive',
  maxAttempts: Number(process.env.AWS_MAX_ATTEMPTS ?? 5),
});

let ecs: ECSClient | undefined;
let dynamo: DynamoDBClient | undefined;
let events: EventBridgeClient | undefined;
let autoScaling: AutoScalingClient | undefined;
let sqs: SQSClient | undefined;
let elb: ElasticLoadBalancingV2Client | undefined;

export const ecsClient = (): ECSClient => (ecs ??= new ECSClient(common()));
export const dynamoClient = (): DynamoDBClient => (dynamo ??= new DynamoDBClient(common()));
export const eventBridgeClient = (): EventBridgeClient => (events ??= new EventBridgeClient(common()));
export const autoScalingClient = (): AutoScalingClient => (autoScaling ??= new AutoScalingClient(common()));
// The endpoint the configuration chain gives, not the queue URL's host (AWS's own either way;
// locally the simulator, whatever host its queue URLs name).
export const sqsClient = (): SQSClient => (sqs ??= new SQSClient({ ...common(), useQueueUrlAsEndpoint: false }));
export const elbClient = (): ElasticLoadBalancingV2Client => (elb ??= new ElasticLoadBalancingV2Client(common()));

/** Forgets the cached clients (tests that change the environment between cases). */
export function resetClients(): void {
  for (const c of [ecs, dynamo, events, autoScaling, sqs, elb]) c?.destroy();
  ecs = dynamo = events = autoScaling = sqs = elb = undefined;
}
