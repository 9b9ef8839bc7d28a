/**
 * `shepherd`: the command line for Shepherd's desired-state API. Parses arguments
 * (node:util parseArgs), calls the public HTTP API (./client), prints tables or the API's JSON.
 * Exit codes: 0 ok, 1 the API refused (4xx), 2 usage error / API failure (5xx) / unreachable,
 * 3 a watched deployment or scale failed, 4 a watch timed out.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApiClient, ApiError, NetworkError, type Answer } from './client';
import { DEFAULT_ENDPOINT, DEFAULT_STAGE, resolveEndpoint, stackName, STACK_OUTPUT, type EndpointChoice } from './endpoint';
import { ago, arnId, fields, paint, parseDuration, shortTaskDefinition, state, table, type Style } from './format';
import type {
  Cluster,
  ClusterDetail,
  ContainerInstanceState,
  ForceDeleteResult,
  HistoryEvent,
  Page,
  RegisteredTaskDefinition,
  Service,
  ServicePlan,
  ServiceStatus,
  ServiceTask,
  StoppedTask,
  TaskDefinitionRevision,
  TerminatedInstance,
} from './types';
import { watchDeployment, watchScale } from './watch';

export { DEFAULT_ENDPOINT };
const DEFAULT_TIMEOUT = '15m';

type OptionSpec = { type: 'string' | 'boolean'; short?: string; help: string; arg?: string };

const GLOBAL: Record<string, OptionSpec> = {
  endpoint: {
    type: 'string',
    arg: 'URL',
    help: `the API (default: $SHEPHERD_ENDPOINT, else the ${STACK_OUTPUT} output of the stack ${stackName('<stage>')}, else ${DEFAULT_ENDPOINT}); SigV4-signed unless loopback`,
  },
  stage: { type: 'string', arg: 'STAGE', help: `whose stack to find the API in when no endpoint is given (default ${DEFAULT_STAGE})` },
  output: { type: 'string', short: 'o', arg: 'json|table', help: "table (default) or json: the API's answer as it is" },
  region: { type: 'string', arg: 'REGION', help: "for SigV4 and the stack (default: an execute-api host's region, else $AWS_REGION, $AWS_DEFAULT_REGION, the profile's)" },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

const opt = {
  cluster: { type: 'string', arg: 'NAME', help: 'the cluster' },
  limit: { type: 'string', arg: 'N', help: 'page size, 1–100' },
  'next-token': { type: 'string', arg: 'TOKEN', help: 'continue a listing' },
  all: { type: 'boolean', help: 'follow nextToken through every page' },
  file: { type: 'string', short: 'f', arg: 'FILE', help: 'a JSON body (- for stdin)' },
  'task-definition': { type: 'string', arg: 'TD', help: 'family, family:revision or ARN' },
  'desired-count': { type: 'string', arg: 'N', help: 'tasks to keep running' },
  'scheduling-strategy': { type: 'string', arg: 'REPLICA|DAEMON', help: 'default REPLICA' },
  'launch-type': { type: 'string', arg: 'EC2|FARGATE|EXTERNAL', help: 'the launch type' },
  watch: { type: 'boolean', short: 'w', help: 'show progress until done; non-zero exit on failure, rollback or timeout' },
  timeout: { type: 'string', arg: 'DURATION', help: `with --watch: give up after (default ${DEFAULT_TIMEOUT}; 90s, 10m, 1h)` },
  interval: { type: 'string', arg: 'DURATION', help: 'with --watch: poll every (default 2s)' },
  force: { type: 'boolean', help: "stop the service's tasks now and remove it at once" },
  'if-match': { type: 'string', arg: 'REVISION', help: 'only if the revision is still this one (else 412)' },
  asg: { type: 'string', arg: 'NAME', help: 'the Auto Scaling group' },
  min: { type: 'string', arg: 'N', help: 'fewest instances' },
  max: { type: 'string', arg: 'N', help: 'most instances' },
  target: { type: 'string', arg: 'PERCENT', help: 'target utilisation, 1–100' },
  step: { type: 'string', arg: 'N', help: 'most instances one scale-out adds (default 10)' },
  'scale-in-after': { type: 'string', arg: 'SECONDS', help: 'how long an instance stays idle before Shepherd removes it (default 600)' },
  status: { type: 'string', arg: 'ACTIVE|INACTIVE', help: 'which revisions (default ACTIVE)' },
  sort: { type: 'string', arg: 'DESC|ASC', help: 'by revision (default DESC)' },
  reason: { type: 'string', arg: 'TEXT', help: 'why (up to 100 characters), added to the stop reason ECS records' },
} satisfies Record<string, OptionSpec>;
type OptName = keyof typeof opt;

interface Ctx {
  client: ApiClient;
  json: boolean;
  style: Style;
  args: string[];
  flags: Record<string, string | boolean | undefined>;
  out(text: string): void;
  err(text: string): void;
  /** Prints the answer: its JSON as the API sent it, or the rendered text. */
  emit(answer: Answer, text: () => string): void;
}

interface Command {
  group: string;
  verb: string;
  args: string[];
  options: OptName[];
  summary: string;
  run(ctx: Ctx): Promise<number>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string, readonly command?: Command | string) {
    super(message);
  }
}

const svc = (name: string | undefined) => `/services/${encodeURIComponent(name ?? '')}`;
const ifMatch = (ctx: Ctx) => (typeof ctx.flags['if-match'] === 'string' ? { 'if-match': `"${ctx.flags['if-match'].replace(/"/g, '')}"` } : undefined);

function intFlag(ctx: Ctx, name: string, value = ctx.flags[name]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, not ${JSON.stringify(value)}`);
  return Number(value);
}

function readJsonFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new UsageError(`${file} must hold a JSON object`);
  return body as Record<string, unknown>;
}

async function list<T>(ctx: Ctx, path: string, query: Record<string, string | number | undefined>): Promise<{ answer: Answer<Page<T>>; items: T[]; nextToken?: string }> {
  const q = { ...query, limit: intFlag(ctx, 'limit'), nextToken: ctx.flags['next-token'] as string | undefined };
  let answer = await ctx.client.request<Page<T>>('GET', path, { query: q });
  const items = [...answer.body.items];
  let nextToken = answer.body.nextToken;
  while (ctx.flags.all && nextToken) {
    const next = await ctx.client.request<Page<T>>('GET', path, { query: { ...q, nextToken } });
    items.push(...next.body.items);
    nextToken = next.body.nextToken;
    answer = next;
  }
  if (ctx.flags.all) {
    const raw = JSON.stringify({ items });
    return { answer: { ...answer, raw, body: { items } }, items };
  }
  return { answer, items, ...(nextToken ? { nextToken } : {}) };
}

const more = (ctx: Ctx, nextToken: string | undefined) => (nextToken ? `\n${paint(ctx.style, 'dim', `more: --next-token ${nextToken}  (or --all)`)}` : '');

// ---- rendering ----

function rollout(ctx: Ctx, s: Pick<Service, 'deployments'>): string {
  const p = s.deployments.find((d) => d.status === 'PRIMARY');
  return p ? `${p.id} ${state(ctx.style, p.rolloutState)}` : '-';
}

function serviceState(ctx: Ctx, s: Service): string {
  return state(ctx.style, s.status === 'ACTIVE' && s.paused ? 'PAUSED' : s.status);
}

function renderServices(ctx: Ctx, items: Service[]): string {
  if (!items.length) return 'No services.';
  return table(
    ctx.style,
    ['NAME', 'CLUSTER', 'TASK DEFINITION', 'DESIRED', 'STATE', 'DEPLOYMENT', 'REV', 'UPDATED'],
    items.map((s) => [s.name, s.cluster, shortTaskDefinition(s.taskDefinition), s.schedulingStrategy === 'DAEMON' ? 'daemon' : s.desiredCount, serviceState(ctx, s), rollout(ctx, s), s.revision, ago(s.updatedAt)]),
  );
}

function renderDeployments(ctx: Ctx, deployments: Service['deployments']): string {
  return table(
    ctx.style,
    ['DEPLOYMENT', 'STATUS', 'ROLLOUT', 'TASK DEFINITION', 'FAILED TASKS', 'CREATED', 'UPDATED'],
    deployments.map((d) => [d.id, state(ctx.style, d.status), state(ctx.style, d.rolloutState), shortTaskDefinition(d.taskDefinition), d.failedTasks, ago(d.createdAt), ago(d.updatedAt)]),
  );
}

function renderService(ctx: Ctx, s: Service): string {
  const dc = s.deploymentConfiguration;
  const cb = dc.deploymentCircuitBreaker;
  return [
    fields(ctx.style, [
      ['name', s.name],
      ['cluster', s.cluster],
      ['task definition', `${shortTaskDefinition(s.taskDefinition)}  ${paint(ctx.style, 'dim', s.taskDefinition)}`],
      ['desired', s.schedulingStrategy === 'DAEMON' ? 'one per instance (DAEMON)' : `${s.desiredCount} (REPLICA)`],
      ['state', `${serviceState(ctx, s)}`],
      ['revision', `${s.revision}  (ETag "${s.revision}", updated ${ago(s.updatedAt)}, created ${ago(s.createdAt)})`],
      ['launch', s.launchType ?? s.capacityProviderStrategy?.map((c) => `${c.capacityProvider}${c.weight !== undefined ? ` w${c.weight}` : ''}${c.base ? ` b${c.base}` : ''}`).join(', ')],
      ['placement', [...s.placementStrategy.map((p) => ('field' in p ? `${p.type}(${p.field})` : p.type)), ...s.placementConstraints.map((c) => ('expression' in c ? `memberOf(${c.expression})` : c.type))].join(', ') || undefined],
      ['deployments', `min ${dc.minimumHealthyPercent}%, max ${dc.maximumPercent}%, circuit breaker ${cb.enable ? `on${cb.rollback ? ' with rollback' : ''}` : 'off'}`],
      ['load balancers', s.loadBalancers.map((l) => `${l.containerName}:${l.containerPort} → ${arnId(l.targetGroupArn.replace(/\/[0-9a-f]{16}$/, ''))}`).join(', ') || undefined],
      ['tags', Object.entries(s.tags).map(([k, v]) => `${k}=${v}`).join(', ') || undefined],
      ['backoff', s.backoff ? paint(ctx.style, 'yellow', `${s.backoff.consecutiveFailures} crash(es), next attempt ${ago(s.backoff.nextAttemptAt)}`) : undefined],
      ['unplaced', s.unplaced ? paint(ctx.style, 'yellow', `${s.unplaced.count} task(s): ${s.unplaced.reasons.join(', ')} (since ${ago(s.unplaced.since)})`) : undefined],
    ]),
    '',
    renderDeployments(ctx, s.deployments),
  ].join('\n');
}

function renderEvents(ctx: Ctx, items: HistoryEvent[]): string {
  if (!items.length) return 'No events.';
  return table(ctx.style, ['TIME', 'TYPE', 'MESSAGE'], items.map((e) => [e.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), e.type, e.message]));
}

function renderStatus(ctx: Ctx, s: ServiceStatus): string {
  const parts = [
    fields(ctx.style, [
      ['service', `${s.name} (cluster ${s.cluster}, revision ${s.revision})`],
      ['state', state(ctx.style, s.status === 'ACTIVE' && s.paused ? 'PAUSED' : s.status)],
      ['tasks', `${s.runningCount}/${s.desiredCount} running${s.pendingCount ? `, ${s.pendingCount} pending` : ''}`],
      ['deployment', s.deploymentInProgress ? `${s.deploymentInProgress.id} of ${shortTaskDefinition(s.deploymentInProgress.taskDefinition)} ${state(ctx.style, 'IN_PROGRESS')}` : undefined],
      ['backoff', s.backoff ? paint(ctx.style, 'yellow', `${s.backoff.consecutiveFailures} crash(es), next attempt ${ago(s.backoff.nextAttemptAt)}`) : undefined],
      ['unplaced', s.unplaced ? paint(ctx.style, 'yellow', `${s.unplaced.count}: ${s.unplaced.reasons.join(', ')}`) : undefined],
    ]),
  ];
  if (s.tasks.byTaskDefinition.length)
    parts.push('', table(ctx.style, ['TASK DEFINITION', 'RUNNING', 'PENDING'], s.tasks.byTaskDefinition.map((t) => [shortTaskDefinition(t.taskDefinition), t.running, t.pending])));
  if (s.tasks.byAvailabilityZone.length)
    parts.push('', table(ctx.style, ['ZONE', 'RUNNING', 'PENDING'], s.tasks.byAvailabilityZone.map((z) => [z.availabilityZone, z.running, z.pending])));
  parts.push('', renderDeployments(ctx, s.deployments));
  if (s.events.length) parts.push('', renderEvents(ctx, s.events));
  return parts.join('\n');
}

function renderPlan(ctx: Ctx, p: ServicePlan): string {
  const d = p.deployment;
  const verdict = d.verdict === 'none' ? 'nothing to conclude' : `${d.message ?? d.verdict}${d.rollbackTo ? ` (would roll back to ${shortTaskDefinition(d.rollbackTo)})` : ''}`;
  const s = p.summary;
  const out = [
    fields(ctx.style, [
      ['service', p.name],
      ['deployment', verdict],
      ['tasks', `desired ${s.desired}, live ${s.live} (running ${s.running}, pending ${s.pending}), healthy ${s.healthy}, current revision ${s.current}, at risk ${s.atRisk}`],
      ['bounds', `at most ${s.maxLive} live (occupying ${s.occupying}), at least ${s.minHealthy} healthy`],
    ]),
    '',
    p.actions.length
      ? table(
          ctx.style,
          ['ACTION', 'WHAT', 'TASK DEFINITION', 'REASON'],
          p.actions.map((a) =>
            a.kind === 'start'
              ? ['start', `${a.count} task(s)`, shortTaskDefinition(a.taskDefinition), a.reason]
              : a.kind === 'startOn'
                ? ['start on', a.containerInstanceArns.map(arnId).join(', '), shortTaskDefinition(a.taskDefinition), a.reason]
                : [`stop (${a.intent})`, arnId(a.taskArn), '', a.reason],
          ),
        )
      : 'No actions: nothing to do now.',
  ];
  if (p.notes.length) out.push('', ...p.notes.map((n) => `note: ${n}`));
  return out.join('\n');
}

function capacityText(c: Cluster['capacity']): string | undefined {
  if (!c) return undefined;
  const extra = [c.maxScalingStep !== undefined ? `step ${c.maxScalingStep}` : '', c.scaleInAfterSeconds !== undefined ? `scale-in after ${c.scaleInAfterSeconds}s` : ''].filter(Boolean);
  return `${c.autoScalingGroupName}: ${c.minSize}–${c.maxSize} instances, target ${c.targetUtilizationPercent}%${extra.length ? `, ${extra.join(', ')}` : ''}`;
}

const optional = <K extends string>(key: K, value: number | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, number>));

function usedOf(registered: number, remaining: number): string {
  const used = registered - remaining;
  return `${used}/${registered}${registered ? ` (${Math.round((used / registered) * 100)}%)` : ''}`;
}

function renderCluster(ctx: Ctx, c: ClusterDetail): string {
  const r = c.resources;
  const out = [
    fields(ctx.style, [
      ['cluster', `${c.name} (revision ${c.revision}, updated ${ago(c.updatedAt)})`],
      ['capacity', capacityText(c.capacity) ?? 'not managed by Shepherd'],
      ...(c.reservation
        ? ([['reservation', `${c.reservation.percent}% (${c.reservation.needed} instance(s) needed / ${c.reservation.running} in service; desired ${c.reservation.desired}, ${ago(c.reservation.at)})`]] as Array<[string, string]>)
        : []),
      ...(Object.keys(c.capacityState?.drainingSince ?? {}).length
        ? ([['scaling in', Object.keys(c.capacityState!.drainingSince).join(', ')]] as Array<[string, string]>)
        : []),
      ['schedulable', `${r.instances} instance(s); cpu ${usedOf(r.registered.cpu, r.remaining.cpu)}, memory ${usedOf(r.registered.memory, r.remaining.memory)} in use`],
    ]),
    '',
    c.instances.length
      ? table(
          ctx.style,
          ['INSTANCE', 'STATUS', 'AGENT', 'ZONE', 'TYPE', 'CPU USED', 'MEMORY USED', 'TASKS'],
          c.instances.map((i) => [
            i.ec2InstanceId ?? arnId(i.containerInstanceArn),
            state(ctx.style, i.status),
            i.agentConnected ? 'connected' : paint(ctx.style, 'red', 'disconnected'),
            i.availabilityZone,
            i.instanceType,
            usedOf(i.registered.cpu, i.remaining.cpu),
            usedOf(i.registered.memory, i.remaining.memory),
            `${i.runningTasksCount}${i.pendingTasksCount ? ` (+${i.pendingTasksCount} pending)` : ''}`,
          ]),
        )
      : 'No container instances.',
    '',
    c.services.length
      ? table(
          ctx.style,
          ['SERVICE', 'STATE', 'DESIRED', 'TASK DEFINITION'],
          c.services.map((s) => [s.name, state(ctx.style, s.status === 'ACTIVE' && s.paused ? 'PAUSED' : s.status), s.schedulingStrategy === 'DAEMON' ? 'daemon' : s.desiredCount, shortTaskDefinition(s.taskDefinition)]),
        )
      : 'No services.',
  ];
  return out.join('\n');
}

function renderTasks(ctx: Ctx, items: ServiceTask[]): string {
  if (!items.length) return 'No tasks.';
  return table(
    ctx.style,
    ['TASK', 'STATUS', 'INSTANCE', 'ZONE', 'TASK DEFINITION', 'STARTED', 'STOPPED'],
    items.map((t) => [
      t.taskId,
      state(ctx.style, t.lastStatus) + (t.desiredStatus !== t.lastStatus && t.desiredStatus === 'STOPPED' ? ' → STOPPED' : ''),
      arnId(t.containerInstanceArn),
      t.availabilityZone,
      shortTaskDefinition(t.taskDefinition),
      ago(t.startedAt),
      t.stoppedReason ? `${ago(t.stoppedAt)}: ${t.stoppedReason}` : undefined,
    ]),
  );
}

/** `/clusters/{name}/instances/{id}/{action}`. */
const instancePath = (ctx: Ctx, action: string) => `/clusters/${encodeURIComponent(ctx.args[0] ?? '')}/instances/${encodeURIComponent(ctx.args[1] ?? '')}/${action}`;

// ---- commands ----

function watchOptions(ctx: Ctx, name: string) {
  const timeout = parseDuration(String(ctx.flags.timeout ?? DEFAULT_TIMEOUT));
  const interval = parseDuration(String(ctx.flags.interval ?? '2s'));
  if (timeout === undefined || timeout <= 0) throw new UsageError(`--timeout must be a duration such as 90s, 10m or 1h, not ${JSON.stringify(ctx.flags.timeout)}`);
  if (interval === undefined || interval < 50) throw new UsageError(`--interval must be a duration of at least 50ms, not ${JSON.stringify(ctx.flags.interval)}`);
  return { client: ctx.client, name, timeoutMs: timeout, intervalMs: interval, out: ctx.json ? process.stderr : process.stdout, style: ctx.style };
}

const COMMANDS: Command[] = [
  {
    group: 'services',
    verb: 'ls',
    args: [],
    options: ['cluster', 'limit', 'next-token', 'all'],
    summary: 'list services',
    async run(ctx) {
      const { answer, items, nextToken } = await list<Service>(ctx, '/services', { cluster: ctx.flags.cluster as string | undefined });
      ctx.emit(answer, () => renderServices(ctx, items) + more(ctx, nextToken));
      return 0;
    },
  },
  {
    group: 'services',
    verb: 'get',
    args: ['NAME'],
    options: [],
    summary: "a service's desired state and deployments",
    async run(ctx) {
      const a = await ctx.client.request<Service>('GET', svc(ctx.args[0]));
      ctx.emit(a, () => renderService(ctx, a.body));
      return 0;
    },
  },
  {
    group: 'services',
    verb: 'status',
    args: ['NAME'],
    options: [],
    summary: 'desired against running: tasks by revision and zone, deployments, last events',
    async run(ctx) {
      const a = await ctx.client.request<ServiceStatus>('GET', `${svc(ctx.args[0])}/status`);
      ctx.emit(a, () => renderStatus(ctx, a.body));
      return 0;
    },
  },
  {
    group: 'services',
    verb: 'create',
    args: ['[NAME]'],
    options: ['file', 'cluster', 'task-definition', 'desired-count', 'scheduling-strategy', 'launch-type'],
    summary: 'create a service from --file service.json and/or flags',
    async run(ctx) {
      const body: Record<string, unknown> = typeof ctx.flags.file === 'string' ? readJsonFile(ctx.flags.file) : {};
      if (ctx.args[0]) body.name = ctx.args[0];
      if (ctx.flags.cluster !== undefined) body.cluster = ctx.flags.cluster;
      if (ctx.flags['task-definition'] !== undefined) body.taskDefinition = ctx.flags['task-definition'];
      if (ctx.flags['desired-count'] !== undefined) body.desiredCount = intFlag(ctx, 'desired-count');
      if (ctx.flags['scheduling-strategy'] !== undefined) body.schedulingStrategy = String(ctx.flags['scheduling-strategy']).toUpperCase();
      if (ctx.flags['launch-type'] !== undefined) body.launchType = String(ctx.flags['launch-type']).toUpperCase();
      if (body.name === undefined) throw new UsageError('a service name is needed (NAME, or "name" in --file)');
      if (body.taskDefinition === undefined) throw new UsageError('a task definition is needed (--task-definition, or "taskDefinition" in --file)');
      const a = await ctx.client.request<Service>('POST', '/services', { body });
      ctx.emit(a, () => `${a.status === 201 ? `created service ${a.body.name}` : `service ${a.body.name} already exists with these settings`}\n\n${renderService(ctx, a.body)}`);
      return 0;
    },
  },
  {
    group: 'services',
    verb: 'scale',
    args: ['NAME', '[COUNT]'],
    options: ['desired-count', 'watch', 'timeout', 'interval', 'if-match'],
    summary: 'set the desired count (COUNT or --desired-count); --watch until it runs',
    async run(ctx) {
      const count = intFlag(ctx, 'desired-count', ctx.args[1] ?? ctx.flags['desired-count']);
      if (count === undefined) throw new UsageError('the desired count is needed: shepherd services scale NAME COUNT');
      const watching = ctx.flags.watch ? watchOptions(ctx, ctx.args[0] ?? '') : undefined;
      const h = ifMatch(ctx);
      const a = await ctx.client.request<Service>('POST', `${svc(ctx.args[0])}/scale`, { body: { desiredCount: count }, ...(h ? { headers: h } : {}) });
      ctx.emit(a, () => `${a.body.name}: desired count ${a.body.desiredCount} (revision ${a.body.revision})`);
      if (!watching) return 0;
      const dep = a.body.deployments.find((d) => d.status === 'PRIMARY' && d.rolloutState === 'IN_PROGRESS');
      return watchScale(watching, dep?.id);
    },
  },
  {
    group: 'services',
    verb: 'deploy',
    args: ['NAME', '[TASK_DEFINITION]'],
    options: ['task-definition', 'watch', 'timeout', 'interval', 'if-match'],
    summary: 'roll out a task definition (family, family:revision or ARN); --watch until done',
    async run(ctx) {
      const td = ctx.args[1] ?? (ctx.flags['task-definition'] as string | undefined);
      if (!td) throw new UsageError('the task definition is needed: shepherd services deploy NAME TASK_DEFINITION');
      const watching = ctx.flags.watch ? watchOptions(ctx, ctx.args[0] ?? '') : undefined;
      const h = ifMatch(ctx);
      const a = await ctx.client.request<Service>('POST', `${svc(ctx.args[0])}/deploy`, { body: { taskDefinition: td }, ...(h ? { headers: h } : {}) });
      const primary = a.body.deployments.find((d) => d.status === 'PRIMARY');
      ctx.emit(a, () =>
        a.status === 202
          ? `${a.body.name}: deployment ${primary?.id} of ${shortTaskDefinition(primary?.taskDefinition)} started`
          : `${a.body.name}: ${shortTaskDefinition(primary?.taskDefinition)} is already the primary deployment (${primary?.id}, ${primary?.rolloutState})`,
      );
      if (!watching || !primary) return 0;
      return watchDeployment(watching, primary.id);
    },
  },
  ...(['pause', 'resume'] as const).map(
    (verb): Command => ({
      group: 'services',
      verb,
      args: ['NAME'],
      options: ['if-match'],
      summary: verb === 'pause' ? 'stop replacing and scaling (tasks keep running)' : 'replace and scale again',
      async run(ctx) {
        const h = ifMatch(ctx);
        const a = await ctx.client.request<Service>('POST', `${svc(ctx.args[0])}/${verb}`, h ? { headers: h } : {});
        ctx.emit(a, () => `${a.body.name}: ${a.body.paused ? 'paused' : 'resumed'} (revision ${a.body.revision})`);
        return 0;
      },
    }),
  ),
  {
    group: 'services',
    verb: 'events',
    args: ['NAME'],
    options: ['limit', 'next-token', 'all'],
    summary: "a service's history, newest first",
    async run(ctx) {
      const { answer, items, nextToken } = await list<HistoryEvent>(ctx, `${svc(ctx.args[0])}/events`, {});
      ctx.emit(answer, () => renderEvents(ctx, items) + more(ctx, nextToken));
      return 0;
    },
  },
  {
    group: 'services',
    verb: 'plan',
    args: ['NAME'],
    options: [],
    summary: 'what Shepherd would do now, and why (dry run)',
    async run(ctx) {
      const a = await ctx.client.request<ServicePlan>('GET', `${svc(ctx.args[0])}/plan`);
      ctx.emit(a, () => renderPlan(ctx, a.body));
      return 0;
    },
  },
  {
    group: 'services',
    verb: 'delete',
    args: ['NAME'],
    options: ['force', 'if-match'],
    summary: 'scale to zero and remove; --force stops its tasks and removes it at once',
    async run(ctx) {
      const h = ifMatch(ctx);
      const a = await ctx.client.request<Service | ForceDeleteResult>('DELETE', svc(ctx.args[0]), { ...(ctx.flags.force ? { query: { force: 'true' } } : {}), ...(h ? { headers: h } : {}) });
      ctx.emit(a, () => {
        const b = a.body;
        if ('deleted' in b) return [`${b.name}: deleted; ${b.stoppedTasks.length} task(s) asked to stop`, ...b.stoppedTasks.map((t) => `  ${t}`)].join('\n');
        return `${b.name}: ${b.status}, desired count 0; Shepherd removes it once no task is left (--force to stop them now)`;
      });
      return 0;
    },
  },
  {
    group: 'services',
    verb: 'tasks',
    args: ['NAME'],
    options: ['limit', 'next-token', 'all'],
    summary: "a service's tasks as Shepherd last observed them, with their ids",
    async run(ctx) {
      const { answer, items, nextToken } = await list<ServiceTask>(ctx, `${svc(ctx.args[0])}/tasks`, {});
      ctx.emit(answer, () => renderTasks(ctx, items) + more(ctx, nextToken));
      return 0;
    },
  },
  {
    group: 'services',
    verb: 'stop-task',
    args: ['NAME', 'TASK_ID'],
    options: ['reason'],
    summary: 'stop one of its tasks (ECS records who asked); Shepherd replaces it',
    async run(ctx) {
      const reason = ctx.flags.reason as string | undefined;
      const a = await ctx.client.request<StoppedTask>('POST', `${svc(ctx.args[0])}/tasks/${encodeURIComponent(ctx.args[1] ?? '')}/stop`, reason !== undefined ? { body: { reason } } : {});
      ctx.emit(a, () =>
        a.status === 202
          ? `${a.body.service}: task ${a.body.taskId} stopping (${a.body.stoppedReason}); Shepherd replaces it once it has stopped`
          : `${a.body.service}: task ${a.body.taskId} had already stopped`,
      );
      return 0;
    },
  },
  {
    group: 'clusters',
    verb: 'ls',
    args: [],
    options: ['limit', 'next-token', 'all'],
    summary: 'list clusters',
    async run(ctx) {
      const { answer, items, nextToken } = await list<Cluster>(ctx, '/clusters', {});
      ctx.emit(answer, () =>
        (items.length
          ? table(ctx.style, ['NAME', 'CAPACITY', 'REV', 'UPDATED'], items.map((c) => [c.name, capacityText(c.capacity), c.revision, ago(c.updatedAt)]))
          : 'No clusters.') + more(ctx, nextToken),
      );
      return 0;
    },
  },
  {
    group: 'clusters',
    verb: 'get',
    args: ['NAME'],
    options: [],
    summary: 'container instances, resources and services of a cluster',
    async run(ctx) {
      const a = await ctx.client.request<ClusterDetail>('GET', `/clusters/${encodeURIComponent(ctx.args[0] ?? '')}`);
      ctx.emit(a, () => renderCluster(ctx, a.body));
      return 0;
    },
  },
  {
    group: 'clusters',
    verb: 'events',
    args: ['NAME'],
    options: ['limit', 'next-token', 'all'],
    summary: "a cluster's history (Capacity Changed), newest first",
    async run(ctx) {
      const { answer, items, nextToken } = await list<HistoryEvent>(ctx, `/clusters/${encodeURIComponent(ctx.args[0] ?? '')}/events`, {});
      ctx.emit(answer, () => renderEvents(ctx, items) + more(ctx, nextToken));
      return 0;
    },
  },
  {
    group: 'clusters',
    verb: 'capacity',
    args: ['NAME'],
    options: ['asg', 'min', 'max', 'target', 'step', 'scale-in-after', 'if-match'],
    summary: 'show, or set with --asg --min --max --target [--step] [--scale-in-after], the Auto Scaling group Shepherd sizes',
    async run(ctx) {
      const path = `/clusters/${encodeURIComponent(ctx.args[0] ?? '')}`;
      const given = (['asg', 'min', 'max', 'target', 'step', 'scale-in-after'] as const).filter((k) => ctx.flags[k] !== undefined);
      if (!given.length) {
        const current = await ctx.client.request<ClusterDetail>('GET', path);
        ctx.emit(current, () => `${current.body.name}: ${capacityText(current.body.capacity) ?? 'no capacity settings (set them with --asg --min --max --target)'}`);
        return 0;
      }
      // Flags left out keep their current values; a cluster Shepherd has not seen yet is registered by the PUT.
      let c: ClusterDetail['capacity'];
      try {
        c = (await ctx.client.request<ClusterDetail>('GET', path)).body.capacity;
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
      }
      const body = {
        autoScalingGroupName: (ctx.flags.asg as string | undefined) ?? c?.autoScalingGroupName,
        minSize: intFlag(ctx, 'min') ?? c?.minSize,
        maxSize: intFlag(ctx, 'max') ?? c?.maxSize,
        targetUtilizationPercent: intFlag(ctx, 'target') ?? c?.targetUtilizationPercent,
        ...optional('maxScalingStep', intFlag(ctx, 'step') ?? c?.maxScalingStep),
        ...optional('scaleInAfterSeconds', intFlag(ctx, 'scale-in-after') ?? c?.scaleInAfterSeconds),
      };
      const missing = Object.entries({ asg: body.autoScalingGroupName, min: body.minSize, max: body.maxSize, target: body.targetUtilizationPercent })
        .filter(([, v]) => v === undefined)
        .map(([k]) => `--${k}`);
      if (missing.length) throw new UsageError(`${ctx.args[0]} has no capacity settings yet: give ${missing.join(', ')} as well`);
      const h = ifMatch(ctx);
      const a = await ctx.client.request<ClusterDetail>('PUT', `${path}/capacity`, { body, ...(h ? { headers: h } : {}) });
      ctx.emit(a, () => `${a.body.name}: ${capacityText(a.body.capacity)} (revision ${a.body.revision})`);
      return 0;
    },
  },
  ...(['drain', 'activate'] as const).map(
    (verb): Command => ({
      group: 'clusters',
      verb,
      args: ['NAME', 'INSTANCE'],
      options: [],
      summary:
        verb === 'drain'
          ? 'drain a container instance (EC2 or container instance id): Shepherd moves its tasks elsewhere'
          : 'make a drained container instance ACTIVE again',
      async run(ctx) {
        const a = await ctx.client.request<ContainerInstanceState>('POST', instancePath(ctx, verb));
        ctx.emit(a, () => {
          const b = a.body;
          const tasks = `${b.runningTasksCount} task(s) running${b.pendingTasksCount ? `, ${b.pendingTasksCount} pending` : ''}`;
          return `${b.ec2InstanceId ?? arnId(b.containerInstanceArn)}: ${state(ctx.style, b.status)}, ${tasks}${verb === 'drain' ? '; Shepherd moves its services\' tasks elsewhere' : ''}`;
        });
        return 0;
      },
    }),
  ),
  {
    group: 'clusters',
    verb: 'terminate',
    args: ['NAME', 'INSTANCE'],
    options: [],
    summary: "terminate an instance of the cluster's Auto Scaling group; the group replaces it",
    async run(ctx) {
      const a = await ctx.client.request<TerminatedInstance>('POST', instancePath(ctx, 'terminate'));
      ctx.emit(a, () =>
        a.body.activity
          ? `${a.body.ec2InstanceId}: terminating (${a.body.activity.description ?? a.body.activity.activityId}); ${a.body.autoScalingGroupName} launches a replacement`
          : `${a.body.ec2InstanceId}: already ${a.body.lifecycleState}`,
      );
      return 0;
    },
  },
  {
    group: 'task-definitions',
    verb: 'register',
    args: ['[FILE]'],
    options: ['file'],
    summary: 'register a task definition revision from a JSON file (ECS RegisterTaskDefinition fields)',
    async run(ctx) {
      const file = ctx.args[0] ?? (ctx.flags.file as string | undefined);
      if (!file) throw new UsageError('the task definition is needed: --file taskdef.json (- for stdin)');
      const a = await ctx.client.request<RegisteredTaskDefinition>('POST', '/task-definitions', { body: readJsonFile(file), retry: false });
      ctx.emit(a, () => `registered ${a.body.family}:${a.body.revision}  ${paint(ctx.style, 'dim', a.body.taskDefinitionArn)}`);
      return 0;
    },
  },
  {
    group: 'task-definitions',
    verb: 'ls',
    args: ['FAMILY'],
    options: ['status', 'sort', 'limit', 'next-token', 'all'],
    summary: "a family's revisions, newest first",
    async run(ctx) {
      const query = { status: (ctx.flags.status as string | undefined)?.toUpperCase(), sort: (ctx.flags.sort as string | undefined)?.toUpperCase() };
      const { answer, items, nextToken } = await list<TaskDefinitionRevision>(ctx, `/task-definitions/${encodeURIComponent(ctx.args[0] ?? '')}`, query);
      ctx.emit(answer, () =>
        (items.length ? table(ctx.style, ['TASK DEFINITION', 'ARN'], items.map((t) => [`${t.family}:${t.revision}`, t.taskDefinitionArn])) : 'No revisions.') + more(ctx, nextToken),
      );
      return 0;
    },
  },
];

const GROUPS = [...new Set(COMMANDS.map((c) => c.group))];

// ---- usage ----

function optionLines(names: string[], specs: Record<string, OptionSpec>): string[] {
  const rows = names.map((n) => {
    const s = specs[n] as OptionSpec;
    return [`${s.short ? `-${s.short}, ` : '    '}--${n}${s.arg ? ` ${s.arg}` : ''}`, s.help] as const;
  });
  const w = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, h]) => `  ${a.padEnd(w)}  ${h}`);
}

function commandUsage(c: Command): string {
  const lines = [`usage: shepherd ${c.group} ${c.verb}${c.args.length ? ` ${c.args.join(' ')}` : ''}${c.options.length ? ' [options]' : ''}`, '', `  ${c.summary}`];
  if (c.options.length) lines.push('', 'options:', ...optionLines(c.options, opt));
  lines.push('', 'global options:', ...optionLines(Object.keys(GLOBAL), GLOBAL));
  return lines.join('\n');
}

function groupUsage(group: string): string {
  const cmds = COMMANDS.filter((c) => c.group === group);
  const w = Math.max(...cmds.map((c) => `${c.verb} ${c.args.join(' ')}`.length));
  return [`usage: shepherd ${group} <command> [options]`, '', 'commands:', ...cmds.map((c) => `  ${`${c.verb} ${c.args.join(' ')}`.padEnd(w)}  ${c.summary}`), '', `shepherd ${group} <command> --help for its options`].join('\n');
}

export function usage(): string {
  const w = Math.max(...COMMANDS.map((c) => `${c.group} ${c.verb} ${c.args.join(' ')}`.length));
  return [
    'usage: shepherd <group> <command> [arguments] [options]',
    '',
    "Shepherd's desired-state API from the command line: services, clusters and task definitions.",
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${`${c.group} ${c.verb} ${c.args.join(' ')}`.padEnd(w)}  ${c.summary}`),
    '',
    'global options:',
    ...optionLines(Object.keys(GLOBAL), GLOBAL),
    '',
    'environment: SHEPHERD_ENDPOINT (the API), SHEPHERD_API_AUTH=sigv4 (sign loopback requests too, for a',
    'sandbox started with it), and the AWS SDK\'s own (AWS_PROFILE, AWS_REGION, credentials).',
    '',
    'exit codes: 0 ok, 1 the API refused the request (4xx), 2 bad usage or the API failed (5xx) or is',
    'unreachable, 3 a watched deployment or scale failed or rolled back, 4 a watch timed out.',
    'shepherd <group> <command> --help for a command\'s options. docs/cli.md has examples.',
  ].join('\n');
}

// ---- entry ----

const parseSpec = (specs: Record<string, OptionSpec>) =>
  Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, { type: s.type, ...(s.short ? { short: s.short } : {}) }]));

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** Runs one command line; resolves to the exit code. */
export async function run(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const out = (t: string) => void io.stdout.write(t.endsWith('\n') ? t : `${t}\n`);
  const err = (t: string) => void io.stderr.write(t.endsWith('\n') ? t : `${t}\n`);
  const errStyle: Style = { color: io.stderr.isTTY === true && !io.env.NO_COLOR };
  let command: Command | undefined;
  let json = false;
  let endpoint: EndpointChoice | undefined;
  try {
    // First pass: find the group and the command, knowing every option (so values are not taken for words).
    const loose = parseArgs({ args: argv, options: parseSpec({ ...GLOBAL, ...opt }), strict: false, allowPositionals: true });
    const [group, verb] = loose.positionals;
    if (!group) {
      if (loose.values.help) return out(usage()), 0;
      throw new UsageError('a command is needed');
    }
    if (!GROUPS.includes(group)) throw new UsageError(`unknown command group "${group}" (${GROUPS.join(', ')})`);
    if (!verb) {
      if (loose.values.help) return out(groupUsage(group)), 0;
      throw new UsageError(`a ${group} command is needed`, group);
    }
    command = COMMANDS.find((c) => c.group === group && c.verb === verb);
    if (!command) throw new UsageError(`unknown command "${group} ${verb}"`, group);

    const cmd = command;
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: parseSpec({ ...GLOBAL, ...Object.fromEntries(cmd.options.map((o) => [o, opt[o]])) }), strict: true, allowPositionals: true });
    } catch (e) {
      throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''), cmd);
    }
    const flags = parsed.values as Record<string, string | boolean | undefined>;
    if (flags.help) return out(commandUsage(cmd)), 0;
    const args = parsed.positionals.slice(2);
    const required = cmd.args.filter((a) => !a.startsWith('['));
    if (args.length < required.length) throw new UsageError(`missing ${required.slice(args.length).join(' ')}`, cmd);
    if (args.length > cmd.args.length) throw new UsageError(`unexpected argument "${args[cmd.args.length]}"`, cmd);
    const output = (flags.output as string | undefined) ?? 'table';
    if (output !== 'json' && output !== 'table') throw new UsageError(`--output must be json or table, not "${output}"`, cmd);
    for (const o of ['timeout', 'interval'] as const)
      if (flags[o] !== undefined && !flags.watch) throw new UsageError(`--${o} goes with --watch`, cmd);

    const auth = io.env.SHEPHERD_API_AUTH ?? 'none';
    if (auth !== 'none' && auth !== 'sigv4') throw new UsageError(`SHEPHERD_API_AUTH must be sigv4 or none, not ${JSON.stringify(auth)}`, cmd);
    endpoint = await resolveEndpoint({
      ...(typeof flags.endpoint === 'string' ? { flag: flags.endpoint } : {}),
      env: io.env,
      stage: typeof flags.stage === 'string' ? flags.stage : DEFAULT_STAGE,
      ...(typeof flags.region === 'string' ? { region: flags.region } : {}),
    });
    const client = new ApiClient(endpoint.url, {
      ...(flags.region ? { region: flags.region as string } : {}),
      userAgent: 'shepherd-cli/0.1',
      sign: auth === 'sigv4',
      env: io.env,
    });
    const style: Style = { color: io.stdout.isTTY === true && !io.env.NO_COLOR };
    json = output === 'json';
    const ctx: Ctx = {
      client,
      json,
      style,
      args,
      flags,
      out,
      err,
      emit(answer, text) {
        if (!json) return out(text());
        out(io.stdout.isTTY && answer.raw ? JSON.stringify(JSON.parse(answer.raw), null, 2) : answer.raw);
      },
    };
    return await cmd.run(ctx);
  } catch (e) {
    // The sandbox was the last resort: say why no deployed API was used either.
    if (e instanceof NetworkError && endpoint?.source === 'default' && endpoint.notes.length) {
      e.message += `; no --endpoint or SHEPHERD_ENDPOINT was given and no deployed API was found (${endpoint.notes.join('; ')})`;
    }
    return report(e, { err, errStyle, command, json, stdout: io.stdout });
  }
}

function report(e: unknown, o: { err: (t: string) => void; errStyle: Style; command: Command | undefined; json: boolean; stdout: NodeJS.WriteStream }): number {
  const red = (s: string) => paint(o.errStyle, 'red', s);
  if (e instanceof UsageError) {
    o.err(`${red('error:')} ${e.message}`);
    const about = e.command ?? o.command;
    o.err('');
    o.err(typeof about === 'string' ? groupUsage(about) : about ? commandUsage(about) : usage());
    return 2;
  }
  if (e instanceof ApiError) {
    // Scripts asking for JSON get the problem document itself on stdout as well.
    if (o.json && e.raw) o.stdout.write(e.raw.endsWith('\n') ? e.raw : `${e.raw}\n`);
    const p = e.problem;
    const head = p ? `${p.title}${p.detail ? `: ${p.detail}` : ''}` : `HTTP ${e.status}${e.raw ? `: ${e.raw.slice(0, 200)}` : ''}`;
    o.err(`${red('error:')} ${head}`);
    const errors = p?.errors ?? [];
    // A single field's problem is already the detail; several are listed one per line.
    if (!(errors.length === 1 && p?.detail.includes(errors[0]?.message ?? ''))) for (const f of errors) o.err(`  ${f.field}: ${f.message}`);
    const extra: string[] = [];
    if (e.status >= 500 && e.retryAfter !== undefined) extra.push(`retry after ${e.retryAfter}s`);
    if (p?.requestId && e.status >= 500) extra.push(`request id ${p.requestId}`);
    if (e.status === 403 && !p?.type?.startsWith('urn:shepherd')) extra.push('check your AWS credentials, region and execute-api:Invoke permission');
    if (extra.length) o.err(`  (${extra.join('; ')})`);
    return e.status >= 500 ? 2 : 1;
  }
  if (e instanceof NetworkError) {
    o.err(`${red('error:')} ${e.message}`);
    return 2;
  }
  const name = (e as { name?: string }).name;
  if (name === 'CredentialsProviderError') {
    o.err(`${red('error:')} no AWS credentials for SigV4: ${(e as Error).message}`);
    return 2;
  }
  o.err(`${red('error:')} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return 2;
}
