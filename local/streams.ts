/**
 * Delivers a DynamoDB Local table's stream to a function the way Lambda's event source mapping
 * does: batches of records in Lambda's DynamoDBStreamEvent shape, filtered by the mapping's filter
 * patterns (same language as EventBridge patterns), retried from the first failed record.
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { matchesEventPattern } from './sim/events/pattern';
import { LOCAL_CREDENTIALS } from './dynamodb';

export interface StreamPoller {
  /** Reads what is new and delivers it; resolves when delivered (tests call this instead of waiting). */
  pollOnce(): Promise<number>;
  stop(): void;
}

export async function pollTableStream(opts: {
  dynamo: DynamoDBClient;
  endpoint: string;
  tableName: string;
  batchSize: number;
  filterPatterns: Record<string, unknown>[];
  deliver: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  /** Poll on a timer every intervalMs; omit to poll only through pollOnce(). */
  intervalMs?: number;
  onError?: (err: unknown) => void;
}): Promise<StreamPoller> {
  const table = await opts.dynamo.send(new DescribeTableCommand({ TableName: opts.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${opts.tableName} has no stream`);
  const streams = new DynamoDBStreamsClient({ endpoint: opts.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const iterators = new Map<string, string | undefined>();
  const pending: DynamoDBRecord[] = [];
  let stopped = false;
  let running: Promise<number> | undefined;

  async function refreshShards(): Promise<void> {
    const d = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of d.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      const it = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      iterators.set(shard.ShardId, it.ShardIterator);
    }
  }

  const matches = (r: DynamoDBRecord) => opts.filterPatterns.length === 0 || opts.filterPatterns.some((p) => matchesEventPattern(p, r));

  async function pollOnceInner(): Promise<number> {
    await refreshShards();
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      iterators.set(shardId, out.NextShardIterator);
      pending.push(...(out.Records ?? []).map((r) => toLambdaRecord(r, streamArn!)).filter(matches));
    }
    let delivered = 0;
    while (pending.length > 0) {
      const batch = pending.slice(0, opts.batchSize);
      const res = await opts.deliver({ Records: batch });
      const failed = res?.batchItemFailures?.map((f) => f.itemIdentifier) ?? [];
      if (failed.length === 0) {
        pending.splice(0, batch.length);
        delivered += batch.length;
        continue;
      }
      // Like Lambda: checkpoint before the lowest failed sequence number, retry from there later.
      const firstFailed = batch.findIndex((r) => failed.includes(r.dynamodb?.SequenceNumber ?? ''));
      pending.splice(0, Math.max(0, firstFailed));
      delivered += Math.max(0, firstFailed);
      break;
    }
    return delivered;
  }

  const pollOnce = () => {
    running = (running ?? Promise.resolve(0)).then(pollOnceInner, pollOnceInner);
    return running;
  };

  if (opts.intervalMs) {
    const tick = async () => {
      if (stopped) return;
      try {
        await pollOnce();
      } catch (err) {
        opts.onError?.(err);
      }
      if (!stopped) setTimeout(() => void tick(), opts.intervalMs).unref();
    };
    void tick();
  }
  return {
    pollOnce,
    stop: () => {
      stopped = true;
      streams.destroy();
    },
  };
}

function toLambdaRecord(r: _Record, streamArn: string): DynamoDBRecord {
  return {
    eventID: r.eventID,
    eventName: r.eventName as DynamoDBRecord['eventName'],
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: r.awsRegion ?? 'us-east-1',
    eventSourceARN: streamArn,
    dynamodb: {
      ...(r.dynamodb?.ApproximateCreationDateTime ? { ApproximateCreationDateTime: r.dynamodb.ApproximateCreationDateTime.getTime() / 1000 } : {}),
      Keys: toWire(r.dynamodb?.Keys) as never,
      NewImage: toWire(r.dynamodb?.NewImage) as never,
      OldImage: toWire(r.dynamodb?.OldImage) as never,
      SequenceNumber: r.dynamodb?.SequenceNumber,
      SizeBytes: r.dynamodb?.SizeBytes,
      StreamViewType: r.dynamodb?.StreamViewType as never,
    },
  };
}

/**
 * The streams SDK deserialises an empty map attribute (`{"M":{}}` on the wire) into `{}`;
 * Lambda would hand the function the wire JSON. Put the `M` back so handlers see what Lambda sends.
 */
function toWire(image: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!image) return image;
  const fix = (v: unknown): unknown => {
    if (!v || typeof v !== 'object') return v;
    const av = v as Record<string, unknown>;
    if (Object.keys(av).length === 0) return { M: {} };
    if (av.M && typeof av.M === 'object') return { M: toWire(av.M as Record<string, unknown>) };
    if (Array.isArray(av.L)) return { L: av.L.map(fix) };
    return av;
  };
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, fix(v)]));
}
