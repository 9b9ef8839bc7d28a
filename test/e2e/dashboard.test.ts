/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core (no downloaded
 * browser). The whole sandbox runs in-process on the real clock with the demo seeded; the page
 * shows the instances, one is terminated from the page (through Shepherd's API, which asks Auto
 * Scaling), and the page shows the web service recover: its running count back to desired, its
 * tasks on the other instances. A task stopped and an instance drained from the page (also through
 * the API) are replaced and emptied; Shepherd's own actions (scale, pause, deploy) follow.
 *
 * Skips only when Chromium is absent and this is not CI (`CI` set): CI installs it
 * (`apt-get install -y chromium`), so there a missing browser fails the test instead.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLUSTER, seedDemo } from '../../local/demo';
import { lambdaContext, loadHandler } from '../../local/invoke';
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { readStack } from '../../local/stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const inCi = Boolean(process.env.CI);
if (!present && !inCi) {
  console.warn(`[e2e] skipping the dashboard browser test: no Chromium at ${CHROMIUM} (apt-get install -y chromium; CI installs it)`);
}

const STEP = 90_000; // generous per wait: real clock, instances boot in 5 s, terminations take 30 s

/** The services' desired state as the API sees it (the page is checked separately). */
async function apiJson<T>(sb: Sandbox, path: string): Promise<T> {
  const res = await fetch(`${sb.apiUrl}${path}`);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Tasks of a service per instance, read off the page's instance cards. */
async function webTasksOnPage(page: Page): Promise<Record<string, { status: string; web: number }>> {
  return page.$$eval('article.instance', (cards) =>
    Object.fromEntries(
      cards.map((c) => [
        c.getAttribute('data-instance') ?? '',
        {
          status: c.getAttribute('data-status') ?? '',
          web: c.querySelectorAll('li.task[title^="web:"]').length,
        },
      ]),
    ),
  );
}

describe.skipIf(!present && !inCi)('dashboard (Chromium)', () => {
  let sb: Sandbox;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!present) throw new Error(`CI must install Chromium (apt-get install -y chromium): nothing at ${CHROMIUM}`);
    sb = await startSandbox({ clock: 'real', dashboardPort: 0 });
    await seedDemo(sb);
    // The demo's web tasks crash now and then; this test is about an instance's loss, not crashes.
    sb.sim.ecs.setFailureModel('web', { kind: 'healthy' });

    userDataDir = mkdtempSync(join(tmpdir(), 'shepherd-e2e-chromium-'));
    // A fresh profile directory per run, as Playwright's launch() would make; launchPersistentContext
    // is how a user data dir is given.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    // The page must never reach beyond loopback (no CDN fonts or scripts).
    await page.route(/^(?!http:\/\/127\.0\.0\.1[:/])/, (route) => {
      pageErrors.push(`off-loopback request: ${route.request().url()}`);
      return route.abort();
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await sb?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  }, 60_000);

  it('shows the instances, terminates one from the page, and shows the service recover', async () => {
    expect(sb.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await page.goto(sb.dashboardUrl!);
    await page.waitForSelector('body[data-ready=true]', { timeout: STEP });

    // The Auto Scaling group's three hosts boot and register; the page shows them.
    await expect
      .poll(async () => (await page.locator('article.instance[data-status=ACTIVE]').count()), { timeout: STEP, interval: 500 })
      .toBe(3);

    // Nothing in the event path starts a new service's first tasks: the scheduled reconciler does
    // (rate(1 minute)). Invoke it once by hand, as `aws lambda invoke` would, instead of waiting.
    const reconcile = readStack({ stage: sb.stage }).functions.find((f) => f.name === 'reconcile');
    expect(reconcile, 'serverless.yml has a reconcile function').toBeDefined();
    const handler = await loadHandler(reconcile!);
    await handler({ cluster: DEMO_CLUSTER }, lambdaContext(reconcile!, sb.stage));

    const web = page.locator('tr[data-service=web]');
    await expect.poll(() => web.locator('[data-field=running]').textContent(), { timeout: STEP, interval: 500 }).toBe('6');
    await expect.poll(() => web.locator('[data-field=desired]').textContent()).toBe('6');

    // Spread across zones: each instance runs web tasks. Terminate one of them from the page.
    const before = await webTasksOnPage(page);
    const victim = Object.entries(before).find(([, v]) => v.status === 'ACTIVE' && v.web > 0)?.[0];
    expect(victim, `an instance with web tasks: ${JSON.stringify(before)}`).toBeTruthy();
    await page.getByRole('button', { name: `Terminate instance ${victim}` }).click();
    await page.getByRole('status').filter({ hasText: `terminate ${victim}` }).waitFor({ timeout: STEP });

    // The instance leaves (INACTIVE), its web tasks stop, Shepherd replaces them elsewhere, and
    // the page shows web at desired again with no task on the terminated instance.
    await expect
      .poll(async () => (await webTasksOnPage(page))[victim!]?.status ?? 'gone', { timeout: STEP, interval: 500 })
      .not.toBe('ACTIVE');
    await expect
      .poll(
        async () => {
          const now = await webTasksOnPage(page);
          const running = await web.locator('[data-field=running]').textContent();
          const onOthers = Object.entries(now).filter(([id, v]) => id !== victim && v.status === 'ACTIVE').reduce((n, [, v]) => n + v.web, 0);
          return { running, onVictim: now[victim!]?.web ?? 0, onOthers };
        },
        { timeout: STEP, interval: 500 },
      )
      .toEqual({ running: '6', onVictim: 0, onOthers: 6 });

    // The page tells the story in its events too.
    await expect.poll(() => page.locator('#events').textContent(), { timeout: STEP, interval: 500 }).toMatch(/Task Replaced|Task Stopped/);

    // Stop one web task from the page: ECS records who asked, and Shepherd replaces it.
    const host = Object.entries(await webTasksOnPage(page)).find(([id, v]) => id !== victim && v.status === 'ACTIVE' && v.web > 0)?.[0];
    expect(host, 'an instance with web tasks').toBeTruthy();
    await page.getByRole('button', { name: `Stop one web task on instance ${host}` }).click();
    await page.getByRole('status').filter({ hasText: 'Stopped a web task' }).waitFor({ timeout: STEP });
    const stoppedFromPage = async () =>
      (await apiJson<{ items: Array<{ stoppedReason?: string; lastStatus: string }> }>(sb, '/services/web/tasks?limit=100')).items
        .filter((t) => t.lastStatus === 'STOPPED' && t.stoppedReason?.startsWith("Stopped through Shepherd's API by "))
        .map((t) => t.stoppedReason);
    await expect
      .poll(stoppedFromPage, { timeout: STEP, interval: 500 })
      .toEqual(["Stopped through Shepherd's API by an unauthenticated caller (127.0.0.1): from the local dashboard"]);
    await expect.poll(() => web.locator('[data-field=running]').textContent(), { timeout: STEP, interval: 500 }).toBe('6');

    // Drain that instance from the page: Shepherd moves its web tasks off; then activate it again.
    await page.getByRole('button', { name: `Drain instance ${host}` }).click();
    await expect.poll(async () => (await webTasksOnPage(page))[host!], { timeout: STEP, interval: 500 }).toEqual({ status: 'DRAINING', web: 0 });
    await expect.poll(() => web.locator('[data-field=running]').textContent(), { timeout: STEP, interval: 500 }).toBe('6');
    await page.getByRole('button', { name: `Activate instance ${host}` }).click();
    await expect.poll(async () => (await webTasksOnPage(page))[host!]?.status, { timeout: STEP, interval: 500 }).toBe('ACTIVE');

    // Shepherd's own actions from the page, through its HTTP API: scale, then pause and resume.
    await page.getByRole('spinbutton', { name: 'Desired count of web' }).fill('7');
    await web.getByRole('button', { name: 'Scale' }).click();
    await expect.poll(() => web.locator('[data-field=desired]').textContent(), { timeout: STEP, interval: 250 }).toBe('7');
    await expect.poll(async () => (await apiJson<{ desiredCount: number }>(sb, '/services/web')).desiredCount).toBe(7);
    await page.getByRole('button', { name: 'Pause web' }).click();
    await page.getByRole('button', { name: 'Resume web' }).waitFor({ timeout: STEP });
    expect((await apiJson<{ paused: boolean }>(sb, '/services/web')).paused).toBe(true);
    await page.getByRole('button', { name: 'Resume web' }).click();
    await page.getByRole('button', { name: 'Pause web' }).waitFor({ timeout: STEP });

    // Deploy a new revision from the page: the page shows the new PRIMARY deployment.
    const registered = await fetch(`${sb.apiUrl}/task-definitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ family: 'web', networkMode: 'bridge', containerDefinitions: [{ name: 'app', image: 'nginx:mainline', cpu: 256, memory: 512, portMappings: [{ containerPort: 80, hostPort: 0 }] }] }),
    });
    expect(registered.status).toBe(201);
    await page.getByRole('textbox', { name: 'Task definition to deploy to web' }).fill('web:2');
    await web.getByRole('button', { name: 'Deploy' }).click();
    await expect.poll(() => web.locator('[data-field=deployment]').textContent(), { timeout: STEP, interval: 250 }).toMatch(/d\d+ · web:2/);

    await page.screenshot({ path: '/tmp/shepherd-dashboard.png', fullPage: true });
    expect(pageErrors).toEqual([]);
    expect(sb.errors).toEqual([]);
  }, 300_000);
});
