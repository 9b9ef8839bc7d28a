/**
 * The local dashboard's page: plain TypeScript, bundled by esbuild when the sandbox starts.
 *
 * Talks only to Shepherd's public HTTP API (through the dashboard server's `/api/` pass-through).
 * Every POLL_MS it reads GET /clusters, GET /clusters/{name}, GET /services/{name}/status and
 * GET /services/{name}/events. Its actions are API operations too: scale, deploy, pause, resume;
 * stop a task (GET /services/{name}/tasks to find one on the instance, then
 * POST …/tasks/{taskId}/stop); drain, activate and terminate an instance
 * (POST /clusters/{name}/instances/{id}/drain|activate|terminate).
 */

const POLL_MS = 1500;
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#8C6D1F', '#555555'];

interface Resources { cpu: number; memory: number }
interface Instance {
  containerInstanceArn: string;
  ec2InstanceId?: string;
  status: string;
  agentConnected: boolean;
  availabilityZone?: string;
  instanceType?: string;
  registered: Resources;
  remaining: Resources;
  runningTasksCount: number;
  pendingTasksCount: number;
}
interface ClusterService { name: string; status: string; schedulingStrategy: string; desiredCount: number; paused: boolean; taskDefinition: string }
interface ClusterDetail {
  name: string;
  capacity?: { autoScalingGroupName: string; minSize: number; maxSize: number; targetUtilizationPercent: number };
  reservation?: { needed: number; running: number; percent: number; desired: number };
  capacityState?: { drainingSince: Record<string, string> };
  instances: Instance[];
  resources: { instances: number; registered: Resources; remaining: Resources };
  services: ClusterService[];
}
interface Deployment { id: string; taskDefinition: string; status: string; rolloutState: string; failedTasks: number }
interface Counts { running: number; pending: number }
interface ServiceStatus {
  name: string;
  cluster: string;
  status: string;
  paused: boolean;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  tasks: {
    byTaskDefinition: Array<{ taskDefinition: string; revision?: number } & Counts>;
    byContainerInstance: Array<{ containerInstanceArn?: string } & Counts>;
  };
  deployments: Deployment[];
  deploymentInProgress?: Deployment;
  backoff?: { consecutiveFailures: number; delayMs: number; nextAttemptAt: string };
  unplaced?: { count: number; reasons: string[]; since: string };
}
interface HistoryEvent { id: string; type: string; subject: string; time: string; message: string }
interface Problem { title?: string; detail?: string; status?: number }

interface Snapshot {
  clusters: ClusterDetail[];
  statuses: Map<string, ServiceStatus>;
  strategies: Map<string, string>;
  events: Array<HistoryEvent & { service: string }>;
}

const $ = <T extends Element>(sel: string): T => {
  const el = document.querySelector<T>(sel);
  if (!el) throw new Error(`missing ${sel}`);
  return el;
};
const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const pct = (part: number, whole: number): number => (whole > 0 ? Math.max(0, Math.min(100, Math.round((part / whole) * 100))) : 0);
const shortTd = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);
const shortArn = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1).slice(0, 8);
const clock = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour12: false });
};

// ---- HTTP ----

class HttpError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
  const text = await res.text();
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      const p = JSON.parse(text) as Problem & { message?: string; __type?: string; Error?: unknown };
      msg = p.detail ?? p.message ?? p.title ?? msg;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new HttpError(msg, res.status);
  }
  return (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
}

const api = <T>(path: string, init?: RequestInit): Promise<T> => call<T>(`/api${path}`, init);
const post = <T>(path: string, body?: unknown): Promise<T> =>
  api<T>(path, body === undefined ? { method: 'POST' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// ---- reading ----

async function load(): Promise<Snapshot> {
  const list = await api<{ items: Array<{ name: string }> }>('/clusters?limit=100');
  const clusters = await Promise.all(list.items.map((c) => api<ClusterDetail>(`/clusters/${encodeURIComponent(c.name)}`)));
  const services = clusters.flatMap((c) => c.services);
  const strategies = new Map(services.map((s) => [s.name, s.schedulingStrategy]));
  const [statuses, histories] = await Promise.all([
    Promise.allSettled(services.map((s) => api<ServiceStatus>(`/services/${encodeURIComponent(s.name)}/status`))),
    Promise.allSettled(services.map((s) => api<{ items: HistoryEvent[] }>(`/services/${encodeURIComponent(s.name)}/events?limit=15`))),
  ]);
  const byName = new Map<string, ServiceStatus>();
  for (const r of statuses) if (r.status === 'fulfilled') byName.set(r.value.name, r.value);
  const events = histories
    .flatMap((r, i) => (r.status === 'fulfilled' ? r.value.items.map((e) => ({ ...e, service: services[i]?.name ?? '' })) : []))
    .sort((a, b) => b.time.localeCompare(a.time))
    .slice(0, 40);
  return { clusters, statuses: byName, strategies, events };
}

// ---- rendering ----

const colours = new Map<string, string>();
function colourOf(service: string): string {
  let c = colours.get(service);
  if (!c) {
    c = PALETTE[colours.size % PALETTE.length] ?? '#555555';
    colours.set(service, c);
  }
  return c;
}

/** Replaces an element's markup only when it changed, so focus and clicks survive the polling. */
function patch(el: Element, html: string): void {
  if ((el as HTMLElement).dataset.html !== html) {
    el.innerHTML = html;
    (el as HTMLElement).dataset.html = html;
  }
}

function bar(label: string, used: number, total: number, unit: string, cls = ''): string {
  const p = pct(used, total);
  return `<div class="bar-row"><span>${esc(label)}</span>
    <div class="bar ${cls}" role="meter" aria-label="${esc(label)}" aria-valuemin="0" aria-valuemax="${total}" aria-valuenow="${used}"
      aria-valuetext="${used} of ${total} ${esc(unit)} (${p} %)"><span style="width:${p}%"></span></div>
    <span class="num">${used}/${total}${esc(unit === 'MiB' ? ' MiB' : '')}</span></div>`;
}

/** Instances whose termination was asked from this page (Auto Scaling's Terminating state is not in Shepherd's API). */
const terminating = new Set<string>();

/** The id the API takes for an instance: its EC2 id, else its container instance id. */
const instanceId = (inst: Instance): string => inst.ec2InstanceId ?? inst.containerInstanceArn.slice(inst.containerInstanceArn.lastIndexOf('/') + 1);

/** `sized`: the cluster has capacity settings, so the API terminates its group's instances. */
function renderInstance(cluster: string, inst: Instance, perService: Array<{ service: string } & Counts>, sized: boolean): string {
  const gone = inst.status === 'INACTIVE' || inst.status === 'DEREGISTERING';
  const id = inst.ec2InstanceId ?? shortArn(inst.containerInstanceArn);
  const statusClass = inst.status === 'ACTIVE' ? 'ok' : inst.status === 'DRAINING' ? 'warn' : 'bad';
  const usedCpu = inst.registered.cpu - inst.remaining.cpu;
  const usedMem = inst.registered.memory - inst.remaining.memory;
  const chips = perService.flatMap(({ service, running, pending }) => [
    ...Array.from({ length: running }, () => `<li class="task running" style="--c:${colourOf(service)}" title="${esc(service)}: running"></li>`),
    ...Array.from({ length: pending }, () => `<li class="task pending" style="--c:${colourOf(service)}" title="${esc(service)}: pending"></li>`),
  ]);
  const summary = perService.length
    ? perService.map((s) => `${esc(s.service)} ${s.running} running${s.pending ? `, ${s.pending} pending` : ''}`).join(' · ')
    : 'no tasks of Shepherd\'s services';
  const requested = inst.ec2InstanceId !== undefined && terminating.has(inst.ec2InstanceId) && !gone;
  const drainLabel = inst.status === 'DRAINING' ? 'Activate' : 'Drain';
  const ops = gone
    ? ''
    : `<div class="ops"><span class="label">Operations (Shepherd's API):</span>
        <button type="button" data-op="${inst.status === 'DRAINING' ? 'activate' : 'drain'}" data-cluster="${esc(cluster)}" data-instance="${esc(instanceId(inst))}"
          aria-label="${drainLabel} instance ${esc(id)}">${drainLabel}</button>
        ${inst.ec2InstanceId && sized ? `<button type="button" class="danger" data-op="terminate" data-cluster="${esc(cluster)}" data-instance="${esc(inst.ec2InstanceId)}"
          aria-label="Terminate instance ${esc(id)}" ${requested ? 'disabled' : ''}>${requested ? 'Terminating…' : 'Terminate'}</button>` : ''}
        ${perService
          .filter((s) => s.running + s.pending > 0)
          .map((s) => `<button type="button" data-op="stop-task" data-arn="${esc(inst.containerInstanceArn)}"
            data-service="${esc(s.service)}" aria-label="Stop one ${esc(s.service)} task on instance ${esc(id)}">Stop a ${esc(s.service)} task</button>`)
          .join('')}
      </div>`;
  return `<article class="instance${gone ? ' gone' : ''}" data-instance="${esc(inst.ec2InstanceId ?? '')}" data-status="${esc(inst.status)}"
      aria-label="Instance ${esc(id)}">
    <header><h4>${esc(id)}</h4>
      <span class="badge ${statusClass}">${esc(inst.status)}</span>
      <span class="badge ${inst.agentConnected ? 'ok' : 'bad'}">${inst.agentConnected ? 'agent connected' : 'agent disconnected'}</span>
      ${requested ? '<span class="badge warn">termination requested</span>' : ''}
    </header>
    <p class="meta">${esc(inst.availabilityZone ?? 'zone ?')} · ${esc(inst.instanceType ?? 'type ?')}</p>
    ${bar('CPU', usedCpu, inst.registered.cpu, 'CPU units')}
    ${bar('Memory', usedMem, inst.registered.memory, 'MiB')}
    <ul class="tasks" aria-label="Tasks on ${esc(id)}">${chips.join('')}</ul>
    <p class="task-summary" data-field="tasks">${summary}</p>
    ${ops}
  </article>`;
}

function renderClusters(s: Snapshot): void {
  const root = $('#clusters');
  if (!s.clusters.length) return patch(root, '<p class="empty">No clusters yet: create a service (POST /services) to register its cluster.</p>');
  const html = s.clusters
    .map((c) => {
      // Per instance, per service: counts from each service's status (the API has no per-task listing).
      const perInstance = new Map<string, Array<{ service: string } & Counts>>();
      for (const svc of c.services) {
        const st = s.statuses.get(svc.name);
        for (const b of st?.tasks.byContainerInstance ?? []) {
          if (!b.containerInstanceArn || b.running + b.pending === 0) continue;
          const list = perInstance.get(b.containerInstanceArn) ?? [];
          list.push({ service: svc.name, running: b.running, pending: b.pending });
          perInstance.set(b.containerInstanceArn, list);
        }
      }
      const res = c.reservation;
      const scaling = Object.keys(c.capacityState?.drainingSince ?? {});
      const cap = c.capacity
        ? `Capacity: group <strong>${esc(c.capacity.autoScalingGroupName)}</strong>, ${c.capacity.minSize}–${c.capacity.maxSize} instances, target ${c.capacity.targetUtilizationPercent} %` +
          (res ? ` · <span class="reservation" title="instances needed / instances in service (like ECS's CapacityProviderReservation)">reservation <strong>${res.percent} %</strong> (${res.needed}/${res.running}, desired ${res.desired})</span>` : '') +
          (scaling.length ? ` · scaling in: ${scaling.map(esc).join(', ')}` : '')
        : 'Capacity: not set (Shepherd does not size this cluster)';
      const r = c.resources;
      const instances = [...c.instances].sort((a, b) => Number(a.status !== 'ACTIVE') - Number(b.status !== 'ACTIVE') || (a.availabilityZone ?? '').localeCompare(b.availabilityZone ?? ''));
      return `<section class="cluster" data-cluster="${esc(c.name)}" aria-label="Cluster ${esc(c.name)}">
        <div class="cluster-head"><h3>Cluster ${esc(c.name)}</h3>
          <span class="cap">${cap}</span>
          <span class="res">${r.instances} placeable instance(s) · CPU ${r.registered.cpu - r.remaining.cpu}/${r.registered.cpu} · memory ${r.registered.memory - r.remaining.memory}/${r.registered.memory} MiB in use</span>
        </div>
        <div class="instances">${instances.length ? instances.map((i) => renderInstance(c.name, i, perInstance.get(i.containerInstanceArn) ?? [], c.capacity !== undefined)).join('') : '<p class="empty">No container instances registered yet.</p>'}</div>
      </section>`;
    })
    .join('');
  patch(root, html);
  const names = s.clusters.flatMap((c) => c.services.map((x) => x.name));
  patch(
    $('#legend'),
    names.map((n) => `<span><span class="task running" style="--c:${colourOf(n)}"></span>${esc(n)}</span>`).join('') +
      (names.length ? '<span><span class="task pending" style="--c:#59636e"></span>pending (striped)</span>' : ''),
  );
}

interface Row { tr: HTMLTableRowElement; cells: HTMLTableCellElement[]; pause: HTMLButtonElement; scale: HTMLFormElement }
const rows = new Map<string, Row>();

function makeRow(name: string): Row {
  const tr = document.createElement('tr');
  tr.dataset.service = name;
  const cells = Array.from({ length: 7 }, (_, i) => {
    const td = document.createElement(i === 0 ? 'th' : 'td') as HTMLTableCellElement;
    if (i === 0) td.setAttribute('scope', 'row');
    if (i >= 1 && i <= 3) td.className = 'num';
    td.dataset.field = ['name', 'desired', 'running', 'pending', 'progress', 'deployment', 'trouble'][i];
    tr.append(td);
    return td;
  });
  const actions = document.createElement('td');
  actions.innerHTML = `<div class="actions">
    <form data-op="scale"><label>Desired <input type="number" name="desiredCount" min="0" max="10000" required aria-label="Desired count of ${esc(name)}"></label>
      <button type="submit">Scale</button></form>
    <form data-op="deploy"><label>Task def. <input type="text" name="taskDefinition" required placeholder="family:rev" aria-label="Task definition to deploy to ${esc(name)}"></label>
      <button type="submit">Deploy</button></form>
    <button type="button" data-op="pause"></button>
  </div>`;
  tr.append(actions);
  const row = { tr, cells, pause: actions.querySelector<HTMLButtonElement>('button[data-op=pause]')!, scale: actions.querySelector<HTMLFormElement>('form[data-op=scale]')! };
  for (const form of actions.querySelectorAll('form')) form.dataset.service = name;
  row.pause.dataset.service = name;
  return row;
}

function renderServices(s: Snapshot): void {
  const body = $('#services tbody');
  const names = [...s.statuses.keys()].sort();
  for (const [name, row] of rows) {
    if (s.statuses.has(name)) continue;
    row.tr.remove();
    rows.delete(name);
  }
  if (!names.length) return patch(body, '<tr><td colspan="8" class="empty">No services yet.</td></tr>');
  if (body.querySelector('td.empty')) {
    body.innerHTML = '';
    delete (body as HTMLElement).dataset.html;
  }
  for (const name of names) {
    const st = s.statuses.get(name)!;
    let row = rows.get(name);
    if (!row) rows.set(name, (row = makeRow(name)));
    body.append(row.tr); // keeps the order; moving a row keeps its inputs
    const daemon = s.strategies.get(name) === 'DAEMON';
    const primary = st.deployments.find((d) => d.status === 'PRIMARY');
    // By `family:revision`: a deployment may hold the ARN or the short form.
    const current = primary ? st.tasks.byTaskDefinition.find((t) => shortTd(t.taskDefinition) === shortTd(primary.taskDefinition)) : undefined;
    const [nameCell, desired, running, pending, progress, deployment, trouble] = row.cells as [HTMLTableCellElement, ...HTMLTableCellElement[]];
    patch(nameCell, `<span class="swatch" style="--c:${colourOf(name)}"></span><span class="svc-name">${esc(name)}</span>
      <div class="small">${esc(st.cluster)} · ${daemon ? 'DAEMON' : 'REPLICA'} · ${st.status === 'DRAINING' ? 'being deleted' : st.paused ? 'paused' : 'active'}</div>`);
    patch(desired!, String(st.desiredCount));
    patch(running!, String(st.runningCount));
    patch(pending!, String(st.pendingCount));
    patch(progress!, bar('Running', st.runningCount, st.desiredCount, 'tasks', 'progress'));
    patch(
      deployment!,
      primary
        ? `${esc(primary.id)} · ${esc(shortTd(primary.taskDefinition))}<div class="small">${esc(primary.rolloutState)} · ${current?.running ?? 0}/${st.desiredCount} on it${primary.failedTasks ? ` · ${primary.failedTasks} failed` : ''}</div>` +
            (st.deploymentInProgress ? bar('Rollout', current?.running ?? 0, st.desiredCount, 'tasks', 'progress') : '')
        : '<span class="small">none</span>',
    );
    const problems = [
      st.backoff ? `Backoff: ${st.backoff.consecutiveFailures} quick failures, next start ${esc(clock(st.backoff.nextAttemptAt))}` : '',
      st.unplaced ? `Unplaced: ${st.unplaced.count} (${esc(st.unplaced.reasons.join(', '))})` : '',
    ].filter(Boolean);
    patch(trouble!, problems.length ? problems.map((p) => `<div>${p}</div>`).join('') : '<span class="small">—</span>');
    row.scale.hidden = daemon;
    const label = st.paused ? 'Resume' : 'Pause';
    if (row.pause.textContent !== label) row.pause.textContent = label;
    row.pause.setAttribute('aria-label', `${label} ${name}`);
    const input = row.scale.elements.namedItem('desiredCount') as HTMLInputElement;
    if (document.activeElement !== input && !input.value) input.placeholder = String(st.desiredCount);
  }
}

function renderEvents(s: Snapshot): void {
  patch(
    $('#events'),
    s.events.length
      ? s.events
          .map((e) => `<li><time datetime="${esc(e.time)}">${esc(clock(e.time))}</time><span class="swatch" style="--c:${colourOf(e.service)}"></span>${esc(e.service)}<span class="type">${esc(e.type)}</span>${esc(e.message)}</li>`)
          .join('')
      : '<li class="empty">No events yet.</li>',
  );
}

// ---- actions ----

function notice(text: string): void {
  $('#notice').textContent = text;
  $('#error').textContent = '';
}
function failure(text: string): void {
  $('#error').textContent = text;
}

async function act(what: string, fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    notice(what);
    void refresh();
    return true;
  } catch (err) {
    failure(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

interface ServiceTask { taskId: string; containerInstanceArn?: string; lastStatus: string; desiredStatus: string }
const enc = encodeURIComponent;

/** One live task of a service on an instance, from GET /services/{name}/tasks (what Shepherd last observed). */
async function taskToStop(service: string, containerInstanceArn: string): Promise<string | undefined> {
  let nextToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const listed = await api<{ items: ServiceTask[]; nextToken?: string }>(`/services/${enc(service)}/tasks?limit=100${nextToken ? `&nextToken=${enc(nextToken)}` : ''}`);
    const task = listed.items.find((t) => t.containerInstanceArn === containerInstanceArn && t.desiredStatus === 'RUNNING' && t.lastStatus !== 'STOPPED');
    if (task) return task.taskId;
    nextToken = listed.nextToken;
    if (!nextToken) return undefined;
  }
  return undefined;
}

document.addEventListener('click', (ev) => {
  const btn = (ev.target as Element | null)?.closest<HTMLButtonElement>('button[data-op]');
  if (!btn || btn.disabled) return;
  const d = btn.dataset;
  if (d.op === 'terminate' && d.cluster && d.instance) {
    const { cluster, instance } = d;
    terminating.add(instance);
    btn.disabled = true;
    void act(`Asked to terminate ${instance}: its Auto Scaling group launches a replacement`, () =>
      post(`/clusters/${enc(cluster)}/instances/${enc(instance)}/terminate`).catch((err: unknown) => {
        terminating.delete(instance);
        throw err;
      }),
    );
  } else if ((d.op === 'drain' || d.op === 'activate') && d.cluster && d.instance) {
    const { cluster, instance, op } = d;
    void act(`${instance} ${op === 'drain' ? 'draining: Shepherd moves its tasks elsewhere' : 'active again'}`, () => post(`/clusters/${enc(cluster)}/instances/${enc(instance)}/${op}`));
  } else if (d.op === 'stop-task' && d.arn && d.service) {
    const { arn, service } = d;
    void act(`Stopped a ${service} task: Shepherd replaces it`, async () => {
      const task = await taskToStop(service, arn);
      if (!task) throw new Error(`no running ${service} task on that instance any more`);
      await post(`/services/${enc(service)}/tasks/${enc(task)}/stop`, { reason: 'from the local dashboard' });
    });
  } else if (d.op === 'pause' && d.service) {
    const resume = btn.textContent === 'Resume';
    void act(`${d.service} ${resume ? 'resumed' : 'paused'}`, () => post(`/services/${encodeURIComponent(d.service!)}/${resume ? 'resume' : 'pause'}`));
  }
});

document.addEventListener('submit', (ev) => {
  const form = ev.target as HTMLFormElement;
  const service = form.dataset.service;
  if (!service) return;
  ev.preventDefault();
  const data = new FormData(form);
  if (form.dataset.op === 'scale') {
    const desiredCount = Number(data.get('desiredCount'));
    void act(`${service} scaled to ${desiredCount}`, () => post(`/services/${encodeURIComponent(service)}/scale`, { desiredCount })).then((ok) => ok && form.reset());
  } else if (form.dataset.op === 'deploy') {
    const taskDefinition = String(data.get('taskDefinition') ?? '').trim();
    void act(`${service}: deploying ${taskDefinition}`, () => post(`/services/${encodeURIComponent(service)}/deploy`, { taskDefinition })).then((ok) => ok && form.reset());
  }
});

// ---- the loop ----

let inFlight: Promise<void> | undefined;
function refresh(): Promise<void> {
  inFlight ??= (async () => {
    try {
      const snap = await load();
      renderClusters(snap);
      renderServices(snap);
      renderEvents(snap);
      $('#updated').textContent = `Updated ${new Date().toLocaleTimeString([], { hour12: false })} · refreshes every ${POLL_MS / 1000} s`;
      document.body.dataset.ready = 'true';
    } catch (err) {
      $('#updated').textContent = `Cannot reach Shepherd's API: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      inFlight = undefined;
    }
  })();
  return inFlight;
}

async function loop(): Promise<void> {
  await refresh();
  setTimeout(() => void loop(), POLL_MS);
}
void loop();
