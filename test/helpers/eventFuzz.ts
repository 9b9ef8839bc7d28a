/**
 * Fuzzed ECS events derived from the reference fixtures, each labelled with what a handler must do
 * with it: `malformed` (must be parked), `valid` (must not be parked) or `either` (must not crash;
 * parked or not). Labels come from the contract below — which fields Shepherd relies on — not from
 * Shepherd's parser, so the parser is checked against it.
 */
import fc from 'fast-check';
import { fixture, managedTaskEvent } from './fixtures';

export type Label = 'malformed' | 'valid' | 'either';
export type EventKind = 'task' | 'instance';
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

export interface FuzzedEvent {
  /** Which handler gets it (a task event sent to the instance handler is malformed there). */
  handler: EventKind;
  event: Json;
  label: Label;
  /** What was done to the fixture, for failure messages. */
  mutations: string[];
}

/**
 * What Shepherd relies on (`*` = any array index). `required`: must be present and well typed (ECS
 * always sends them; without them the event cannot be acted on). `typed`: may be absent, but when
 * present must have their documented type. Everything else is read by nobody: deleting or
 * mangling it must change nothing (ECS adds fields at any time).
 */
const ENVELOPE = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'detail'];
const CONTRACT: Record<EventKind, { detailType: string; required: string[]; typed: string[] }> = {
  task: {
    detailType: 'ECS Task State Change',
    required: [...ENVELOPE, 'detail.taskArn', 'detail.clusterArn', 'detail.taskDefinitionArn', 'detail.lastStatus', 'detail.desiredStatus', 'detail.version', 'detail.containers.*.name'],
    typed: [
      'resources',
      'resources.*',
      ...['containerInstanceArn', 'healthStatus', 'stopCode', 'stoppedReason', 'availabilityZone', 'group', 'startedBy'].map((f) => `detail.${f}`),
      ...['createdAt', 'startedAt', 'stoppingAt', 'stoppedAt', 'updatedAt'].map((f) => `detail.${f}`),
      'detail.containers',
      'detail.containers.*',
      ...['lastStatus', 'exitCode', 'reason', 'healthStatus'].map((f) => `detail.containers.*.${f}`),
      // Host ports and private IPs, for load balancer registration.
      ...['', '.*', '.*.containerPort', '.*.hostPort', '.*.protocol'].map((s) => `detail.containers.*.networkBindings${s}`),
      ...['', '.*', '.*.privateIpv4Address'].map((s) => `detail.containers.*.networkInterfaces${s}`),
    ],
  },
  instance: {
    detailType: 'ECS Container Instance State Change',
    required: [
      ...ENVELOPE,
      ...['containerInstanceArn', 'clusterArn', 'status', 'agentConnected', 'version'].map((f) => `detail.${f}`),
      'detail.registeredResources.*.name',
      'detail.remainingResources.*.name',
      'detail.attributes.*.name',
    ],
    typed: [
      'resources',
      'resources.*',
      ...['ec2InstanceId', 'runningTasksCount', 'pendingTasksCount', 'registeredAt', 'updatedAt', 'attributes', 'attributes.*', 'attributes.*.value'].map((f) => `detail.${f}`),
      ...['registeredResources', 'remainingResources'].flatMap((r) =>
        ['', '.*', '.*.type', '.*.integerValue', '.*.stringSetValue', '.*.stringSetValue.*'].map((s) => `detail.${r}${s}`),
      ),
    ],
  },
};

const TASK_FIXTURES = ['ec2/task-running.json', 'ec2/task-stopped-essential-exit.json', 'ec2/task-stopped-failed-to-start.json', 'ec2/task-stopped-user-initiated.json', 'aws-docs/task-state-change-fargate.json'];
const STOPPED_POOL = 8;
const INSTANCE_FIXTURES = ['ec2/container-instance-draining.json', 'ec2/container-instance-agent-disconnected.json', 'aws-docs/container-instance-state-change.json'];

/**
 * The base events, each with a fresh id: task fixtures re-marked as tasks of a Shepherd service in
 * `stage`, so valid ones go all the way through the handler. A RUNNING task is a new task each
 * time; a STOPPED one comes from a small pool per fixture, so most stops are duplicate deliveries
 * (the first of each replaces the task; DynamoDB Local's transactions are too slow for thousands).
 * Instance events carry a newer version each time, so each is recorded.
 */
type Base = { id: string; detail: Record<string, Json> & { version: number } };
const loaded = new Map<string, Base>();
/** A fixture (read once), re-marked as a task of service `web` in `stage` when it is a task event. */
function loadBase(kind: EventKind, path: string, stage: string): Base {
  const key = `${kind}:${path}:${stage}`;
  let e = loaded.get(key);
  if (!e) loaded.set(key, (e = kind === 'task' ? (managedTaskEvent(path, { stage, service: 'web' }) as unknown as Base) : fixture<Base>(path)));
  return structuredClone(e);
}

function baseEvent(kind: EventKind, index: number, stage: string, serial: number): Json {
  const e = loadBase(kind, (kind === 'task' ? TASK_FIXTURES : INSTANCE_FIXTURES)[index % (kind === 'task' ? TASK_FIXTURES : INSTANCE_FIXTURES).length]!, stage);
  e.id = `${e.id.slice(0, 24)}${serial.toString(16).padStart(12, '0')}`;
  if (kind === 'instance') {
    e.detail.version += serial;
  } else {
    const arn = String(e.detail.taskArn);
    const suffix = e.detail.lastStatus === 'STOPPED' ? `stop${index % TASK_FIXTURES.length}x${serial % STOPPED_POOL}` : `run${serial}`;
    e.detail.taskArn = `${arn.slice(0, arn.lastIndexOf('/') + 1)}${suffix}`;
  }
  return e as unknown as Json;
}

// ---- paths and roles ----

const pattern = (p: Path) => p.map((k) => (typeof k === 'number' ? '*' : k)).join('.');

function roleOf(kind: EventKind, p: Path): 'required' | 'typed' | 'unread' {
  const pat = pattern(p);
  if (CONTRACT[kind].required.includes(pat)) return 'required';
  if (CONTRACT[kind].typed.includes(pat)) return 'typed';
  return 'unread';
}

function allPaths(v: Json, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push([...prefix, i], ...allPaths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push([...prefix, k], ...allPaths(x, [...prefix, k]));
  return out;
}

function get(root: Json, p: Path): Json | undefined {
  let cur: Json | undefined = root;
  for (const k of p) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, Json>)[k] : undefined;
  return cur;
}

function set(root: Json, p: Path, value: Json | undefined): void {
  const parent = get(root, p.slice(0, -1)) as Record<string | number, Json>;
  const key = p[p.length - 1]!;
  if (value === undefined) delete parent[key];
  else parent[key] = value;
}

const jsonType = (v: Json | undefined) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const isAncestor = (a: Path, b: Path) => a.length <= b.length && a.every((k, i) => b[i] === k);

// ---- mutations ----

/** A value of another JSON type than the original: numbers for strings, arrays for objects, null… */
const OTHER_VALUES: Json[] = [42, -1, 3.5, 'x', '', true, false, null, [], ['x'], {}, { a: 1 }, '{"taskArn":"arn:aws:ecs:us-e'];

/** One character repeated: plain, needing JSON escapes (quote, backslash, control), multi-byte. */
const HUGE_UNITS = ['a', '"', '\\', '\u0001', 'é', '€', '😀', '\n'];
const escapedBytes = (s: string) => Buffer.byteLength(JSON.stringify(s)) - 2;
/** EventBridge's limit for one event: nothing larger can ever reach a handler. */
export const MAX_EVENT_BYTES = 256 * 1024;

const step = {
  kind: fc.constantFrom<'delete' | 'wrongType' | 'huge' | 'addKey'>('delete', 'wrongType', 'huge', 'addKey'),
  at: fc.nat(),
  pick: fc.nat(),
  fraction: fc.double({ min: 0.05, max: 1, noNaN: true }),
  extra: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
};
type Step = { [K in keyof typeof step]: (typeof step)[K] extends fc.Arbitrary<infer T> ? T : never };

const WHOLE = [
  'none',
  'truncatedJson',
  'notAnObject',
  'detailType',
  'source',
  'detailVersion',
  'envelopeVersion',
  'otherHandler',
  'detailAsTruncatedJson',
  'noId',
  'emptyId',
] as const;
type Whole = (typeof WHOLE)[number];

/**
 * Applies one path mutation; answers its label, or undefined when it does not apply (e.g. nothing
 * of that kind in this event, or it overlaps a path already mutated).
 */
function applyStep(kind: EventKind, event: Json, s: Step, done: Path[], log: string[], hugeUsed: { yes: boolean }): Label | undefined {
  const paths = allPaths(event).filter((p) => !done.some((d) => isAncestor(d, p) || isAncestor(p, d)));
  const candidates =
    s.kind === 'delete'
      ? paths.filter((p) => typeof p[p.length - 1] === 'string')
      : s.kind === 'huge'
        ? paths.filter((p) => typeof get(event, p) === 'string')
        : s.kind === 'addKey'
          ? [[], ...paths.filter((p) => jsonType(get(event, p)) === 'object')]
          : paths;
  if (candidates.length === 0) return undefined;
  const p = candidates[s.at % candidates.length]!;
  const role = roleOf(kind, p);
  const where = pattern(p) || '(root)';
  done.push(p);
  switch (s.kind) {
    case 'delete':
      set(event, p, undefined);
      log.push(`delete ${where}`);
      return role === 'required' ? 'malformed' : 'valid';
    case 'wrongType': {
      const original = get(event, p);
      const others = [...OTHER_VALUES, s.extra].filter((v) => jsonType(v) !== jsonType(original));
      const value = others[s.pick % others.length]!;
      set(event, p, value);
      log.push(`${where} = ${JSON.stringify(value).slice(0, 60)}`);
      return role === 'unread' ? 'valid' : 'malformed';
    }
    case 'huge': {
      if (hugeUsed.yes) return undefined;
      hugeUsed.yes = true;
      const unit = HUGE_UNITS[s.pick % HUGE_UNITS.length]!;
      const room = MAX_EVENT_BYTES - Buffer.byteLength(JSON.stringify(event)) - 512;
      const count = Math.max(1, Math.floor((room / escapedBytes(unit)) * s.fraction));
      set(event, p, unit.repeat(count));
      log.push(`${where} = ${JSON.stringify(unit)} × ${count}`);
      return role === 'unread' ? 'valid' : 'either';
    }
    case 'addKey': {
      const key = `fuzz${s.pick % 1000}`;
      (get(event, p) as Record<string, Json>)[key] = s.extra;
      log.push(`add ${where}.${key}`);
      return 'valid';
    }
  }
}

/** The field a whole-event mutation sets: path mutations keep off it, so labels never cancel out. */
const CLAIMS: Partial<Record<Whole, Path>> = {
  detailType: ['detail-type'],
  source: ['source'],
  detailVersion: ['detail', 'version'],
  envelopeVersion: ['version'],
  detailAsTruncatedJson: ['detail'],
  noId: ['id'],
  emptyId: ['id'],
};

function applyWhole(kind: EventKind, event: Json, w: Whole, pick: number, log: string[]): { event: Json; label: Label; handler: EventKind } {
  const e = event as Record<string, Json>;
  const other: EventKind = kind === 'task' ? 'instance' : 'task';
  log.push(w);
  switch (w) {
    case 'none':
      return { event, label: 'valid', handler: kind };
    case 'truncatedJson': {
      const text = JSON.stringify(event);
      return { event: text.slice(0, pick % text.length), label: 'malformed', handler: kind };
    }
    case 'notAnObject':
      return { event: ([null, 0, 7, true, 'ECS Task State Change', [], [event]] as Json[])[pick % 7]!, label: 'malformed', handler: kind };
    case 'detailType':
      e['detail-type'] = ['ECS Deployment State Change', 'ECS Service Action', CONTRACT[other].detailType, CONTRACT[kind].detailType.toLowerCase(), '', `Fuzz ${pick}`][pick % 6]!;
      return { event, label: 'malformed', handler: kind };
    case 'source':
      e.source = ['aws.ec2', 'aws.ecs ', 'AWS.ECS', 'shepherd', ''][pick % 5]!;
      return { event, label: 'malformed', handler: kind };
    case 'detailVersion':
      if (!e.detail || typeof e.detail !== 'object' || Array.isArray(e.detail)) return { event, label: 'malformed', handler: kind };
      (e.detail as Record<string, Json>).version = [-1, 0.5, -0.5, '5', 1e21][pick % 5]!;
      return { event, label: 'malformed', handler: kind };
    case 'envelopeVersion':
      // Any string passes today (ECS sends "0"); a number or null never does.
      e.version = ['1', 0, null][pick % 3]!;
      return { event, label: typeof e.version === 'string' ? 'either' : 'malformed', handler: kind };
    case 'otherHandler':
      return { event, label: 'malformed', handler: other };
    case 'detailAsTruncatedJson': {
      const text = JSON.stringify(e.detail ?? {});
      e.detail = text.slice(0, Math.max(1, pick % text.length));
      return { event, label: 'malformed', handler: kind };
    }
    case 'noId':
      delete e.id;
      return { event, label: 'malformed', handler: kind };
    case 'emptyId':
      e.id = '';
      return { event, label: 'malformed', handler: kind };
  }
}

const combine = (labels: Label[]): Label => (labels.includes('malformed') ? 'malformed' : labels.includes('either') ? 'either' : 'valid');

let serial = 0;

/**
 * Events of both kinds: 0–3 path mutations, then (half the time) one whole-event mutation.
 * `hugeStrings`: one string may be blown up to EventBridge's event size limit (256 KB).
 */
export function fuzzedEvents(stage: string, opts: { hugeStrings: boolean }): fc.Arbitrary<FuzzedEvent> {
  const kinds: Array<Step['kind']> = opts.hugeStrings ? ['delete', 'wrongType', 'huge', 'addKey'] : ['delete', 'wrongType', 'addKey'];
  return fc
    .record({
      kind: fc.constantFrom<EventKind>('task', 'instance'),
      fixture: fc.nat(),
      steps: fc.array(fc.record({ ...step, kind: fc.constantFrom(...kinds) }), { maxLength: 3 }),
      whole: fc.oneof({ weight: 5, arbitrary: fc.constant<Whole>('none') }, { weight: 5, arbitrary: fc.constantFrom(...WHOLE) }),
      pick: fc.nat(),
    })
    .map(({ kind, fixture: index, steps, whole, pick }) => {
      const event = baseEvent(kind, index, stage, ++serial);
      const log: string[] = [];
      const claimed = CLAIMS[whole];
      const done: Path[] = claimed ? [claimed] : [];
      const hugeUsed = { yes: false };
      const labels = steps.map((s) => applyStep(kind, event, s, done, log, hugeUsed)).filter((l): l is Label => l !== undefined);
      const out = applyWhole(kind, event, whole, pick, log);
      // What Lambda hands the function is JSON: whatever was built, deliver its JSON form.
      const delivered = JSON.parse(JSON.stringify(out.event)) as Json;
      return { handler: out.handler, event: delivered, label: combine([...labels, out.label]), mutations: log };
    });
}
