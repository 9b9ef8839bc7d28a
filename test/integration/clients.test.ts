/** Production clients find local endpoints through the SDK's own configuration chain, nothing else. */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoClient, resetClients } from '../../shared/aws/clients';
import { loadConfig, ConfigError } from '../../shared/config';
import { inject } from 'vitest';
import '../setup/dynamodb';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetClients();
});

describe('AWS clients', () => {
  it('honour AWS_ENDPOINT_URL_DYNAMODB from the environment', async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    resetClients();
    const out = await dynamoClient().send(new ListTablesCommand({}));
    expect(Array.isArray(out.TableNames)).toBe(true);
  });

  it('without a local endpoint they would go to AWS (so the env var is what redirects them)', async () => {
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    delete process.env.AWS_ENDPOINT_URL;
    resetClients();
    const endpoint = await dynamoClient().config.endpointProvider({ Region: 'us-east-1' } as never, {});
    expect(endpoint.url.hostname).toBe('dynamodb.us-east-1.amazonaws.com');
  });
});

describe('configuration', () => {
  it('fails with a message naming the bad variable', () => {
    expect(() => loadConfig({ TABLE_NAME: 't1', STAGE: 'has space' })).toThrow(ConfigError);
    expect(() => loadConfig({ STAGE: 'dev' })).toThrow(/TABLE_NAME/);
    expect(() => loadConfig({ TABLE_NAME: 'tbl', TASK_TTL_HOURS: 'soon' })).toThrow(/TASK_TTL_HOURS/);
    expect(() => loadConfig({ TABLE_NAME: 'tbl', TASK_TTL_HOURS: '1.5' })).toThrow(/TASK_TTL_HOURS/);
    expect(() => loadConfig({ TABLE_NAME: 'tbl', EVENT_TTL_DAYS: '0' })).toThrow(/EVENT_TTL_DAYS/);
    expect(loadConfig({ TABLE_NAME: 'tbl', TASK_TTL_HOURS: '48' }).taskTtlSeconds).toBe(48 * 3600);
  });

  it('applies documented defaults', () => {
    expect(loadConfig({ TABLE_NAME: 'tbl' })).toEqual({ tableName: 'tbl', eventBusName: 'default', stage: 'dev', taskTtlSeconds: 86400, eventTtlSeconds: 30 * 86400 });
  });
});
