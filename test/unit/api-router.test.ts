/**
 * The handler's edge, with no store or AWS behind it: routing (404, 405 + Allow), validation,
 * body limits and preconditions all answer before any dependency is touched.
 */
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../shared/api/handler';
import { answer } from '../helpers/api';

const handler = createApiHandler(() => {
  throw new Error('dependencies must not be needed to refuse a request');
});
const call = (req: Parameters<typeof answer>[1]) => answer(handler, req);

describe('routing', () => {
  it('an unknown path is 404 problem+json naming it', async () => {
    const a = await call({ method: 'GET', path: '/nope' });
    expect(a.status).toBe(404);
    expect(a.headers['content-type']).toBe('application/problem+json');
    expect(a.body).toMatchObject({ type: 'urn:shepherd:problem:no-such-route', title: 'No such route', status: 404, instance: '/nope' });
    expect(a.body.requestId).toMatch(/^local-/);
  });

  it('a known path with another method is 405 with Allow', async () => {
    const cases: Array<[string, string, string]> = [
      ['DELETE', '/services', 'GET, POST'],
      ['PUT', '/services/web', 'DELETE, GET, PATCH'],
      ['GET', '/services/web/scale', 'POST'],
      ['POST', '/clusters/prod/capacity', 'PUT'],
      ['HEAD', '/openapi.json', 'GET'],
      ['get', '/services', 'GET, POST'],
    ];
    for (const [method, path, allow] of cases) {
      const a = await call({ method, path });
      expect(a.status, `${method} ${path}`).toBe(405);
      expect(a.headers.allow).toBe(allow);
      expect(a.body.type).toBe('urn:shepherd:problem:method-not-allowed');
    }
  });

  it('a trailing slash is the same route; an extra segment is not', async () => {
    expect((await call({ method: 'GET', path: '/services/bad name/' })).status).toBe(400);
    expect((await call({ method: 'GET', path: '/services/web/scale/more' })).status).toBe(404);
  });
});

describe('input is refused before any dependency is used', () => {
  it('invalid path parameters, query parameters and bodies are 400 with every offending field', async () => {
    const a = await call({ method: 'POST', path: '/services/bad%20name/scale', query: { verbose: '1' }, headers: { 'if-match': 'nope' }, body: { desiredCount: 1 } });
    expect(a.status).toBe(400);
    expect(a.body.errors.map((e: { field: string }) => e.field)).toEqual(['path.name', 'query.verbose', 'header.If-Match']);
    const b = await call({ method: 'POST', path: '/services', body: { name: 'web', taskDefinition: 'web:1', desiredCount: -1, extra: 1, placementStrategy: [{ type: 'spread' }] } });
    expect(b.body.errors).toEqual([
      { field: 'body.desiredCount', message: 'desiredCount: an integer from 0 to 10000' },
      { field: 'body.placementStrategy[0].field', message: expect.any(String) },
      { field: 'body.extra', message: 'unknown field' },
    ]);
    expect(b.body.detail).toBe('3 problems in body.desiredCount, body.placementStrategy[0].field, body.extra');
  });

  it('PATCH without If-Match is 428; bodies over 64 KB are 413, other media types 415', async () => {
    expect((await call({ method: 'PATCH', path: '/services/web', body: { desiredCount: 1 } })).status).toBe(428);
    expect((await call({ method: 'POST', path: '/task-definitions', body: 'x'.repeat(64 * 1024 + 1), headers: { 'content-type': 'application/json' } })).status).toBe(413);
    expect((await call({ method: 'POST', path: '/task-definitions', body: 'family=web', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await call({ method: 'POST', path: '/task-definitions', body: '{}', headers: {} })).status).toBe(415);
  });

  it('base64-encoded bodies (API Gateway\'s binary media) are decoded before validation', async () => {
    const { apiEvent } = await import('../helpers/api');
    const event = await apiEvent({ method: 'POST', path: '/services/web/scale' });
    const a = await answer(handler, { ...event, headers: { ...event.headers, 'content-type': 'application/json' }, body: Buffer.from('{"desiredCount":"x"}').toString('base64'), isBase64Encoded: true });
    expect(a.status).toBe(400);
    expect(a.body.errors[0].field).toBe('body.desiredCount');
  });

  it('the body limit counts bytes, not characters', async () => {
    const a = await call({ method: 'POST', path: '/task-definitions', body: JSON.stringify({ family: 'é'.repeat(33_000) }), headers: { 'content-type': 'application/json' } });
    expect(a.status).toBe(413);
  });
});

describe('GET /openapi.json', () => {
  it('is served without dependencies', async () => {
    const a = await call({ method: 'GET', path: '/openapi.json' });
    expect(a.status).toBe(200);
    expect(a.body.openapi).toBe('3.1.0');
  });
});
