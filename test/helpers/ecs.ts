import { ECSClient } from '@aws-sdk/client-ecs';

/** For tests where no replacement is ever due: an ECS client that fails loudly if it is ever used. */
export const unreachableEcs = new ECSClient({
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  maxAttempts: 1,
});
