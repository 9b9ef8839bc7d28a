/**
 * The sandbox with SigV4 on its HTTP API (what `SHEPHERD_API_AUTH=sigv4 npm start` runs): the API
 * refuses unsigned requests, while the demo's seeding (`sb.apiFetch`) and the dashboard's
 * pass-through sign theirs with the sandbox's credentials, so both keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLUSTER, seedDemo } from '../../local/demo';
import { startSandbox, type Sandbox } from '../../local/sandbox';

const credentials = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' };
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ clock: 'virtual', dashboardPort: 0, apiAuth: { region: 'eu-central-1', credentials } });
  await seedDemo(sb);
}, 120_000);
afterAll(async () => {
  await sb?.stop();
}, 60_000);

describe('SHEPHERD_API_AUTH=sigv4', () => {
  it('the API answers only signed requests; the seeding and the dashboard sign theirs', async () => {
    const unsigned = await fetch(`${sb.apiUrl}/services`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toMatchObject({ title: 'Forbidden', detail: expect.stringMatching(/^Missing Authentication Token.*region eu-central-1/) });

    // seedDemo created the services and the capacity settings through the signed apiFetch.
    const services = (await (await sb.apiFetch('/services')).json()) as { items: Array<{ name: string }> };
    expect(services.items.map((s) => s.name).sort()).toEqual(['log-agent', 'web']);
    const cluster = (await (await sb.apiFetch(`/clusters/${DEMO_CLUSTER}`)).json()) as { capacity?: { autoScalingGroupName: string } };
    expect(cluster.capacity?.autoScalingGroupName).toBe('demo-asg');

    // The dashboard's pass-through signs, for reads and actions alike.
    const page = new URL(sb.dashboardUrl!);
    const read = await fetch(new URL('/api/services/web', page));
    expect(read.status).toBe(200);
    const scaled = await fetch(new URL('/api/services/web/scale', page), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: page.origin },
      body: JSON.stringify({ desiredCount: 4 }),
    });
    expect(scaled.status).toBe(200);
    expect((await sb.store.services.get('web'))?.desiredCount).toBe(4);
    expect(sb.errors).toEqual([]);
  });
});
