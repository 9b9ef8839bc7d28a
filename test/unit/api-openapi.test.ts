/** The OpenAPI document: valid OpenAPI 3.1, complete, and generated from the validating schemas. */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/api/openapi';
import { routes } from '../../shared/api/routes';

const doc = openApiDocument(routes) as unknown as {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security: unknown; parameters?: Array<{ name: string; in: string }>; requestBody?: { content: Record<string, { schema: { $ref: string } }> }; responses: Record<string, { content?: Record<string, unknown> }> }>>;
  components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>>; additionalProperties?: unknown; required?: string[] }>; securitySchemes: Record<string, unknown> };
};

const schema = (name: string) => {
  const s = doc.components.schemas[name];
  if (!s) throw new Error(`no schema ${name}`);
  return s;
};

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has every route, each IAM-authorised, with its errors as problem+json', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => `${m.toUpperCase()} ${path} ${op.operationId}`));
    expect(operations.sort()).toEqual(routes.map((r) => `${r.method} ${r.path} ${r.operationId}`).sort());
    expect(operations).toHaveLength(24);
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        expect(op.security).toEqual([{ sigv4: [] }]);
        expect(op.responses['400']?.content).toHaveProperty(['application/problem+json']);
        expect(op.responses['503']?.content).toHaveProperty(['application/problem+json']);
      }
    }
    expect(doc.components.securitySchemes.sigv4).toMatchObject({ 'x-amazon-apigateway-authtype': 'awsSigv4' });
  });

  it('carries the validation rules themselves: strict bodies, ranges, name patterns, If-Match', () => {
    const create = schema('CreateService');
    expect(create.additionalProperties).toBe(false);
    expect(create.required).toEqual(['name', 'taskDefinition']);
    expect(create.properties?.desiredCount).toMatchObject({ type: 'integer', minimum: 0, maximum: 10_000 });
    expect(create.properties?.name).toMatchObject({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });
    expect(create.properties?.schedulingStrategy).toMatchObject({ default: 'REPLICA' });
    const dc = schema('DeploymentConfigurationInput').properties;
    expect(dc?.minimumHealthyPercent).toMatchObject({ minimum: 0, maximum: 100 });
    expect(dc?.maximumPercent).toMatchObject({ minimum: 100, maximum: 200 });
    expect(schema('CapacitySettings').properties?.targetUtilizationPercent).toMatchObject({ minimum: 1, maximum: 100 });
    expect(schema('RegisterTaskDefinition').additionalProperties).toBe(false);
    const patch = doc.paths['/services/{name}']?.patch;
    expect(patch?.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'If-Match', in: 'header', required: true })]));
    expect(patch?.requestBody?.content['application/json']?.schema.$ref).toBe('#/components/schemas/PatchService');
    const list = doc.paths['/services']?.get?.parameters?.map((p) => `${p.in}:${p.name}`);
    expect(list).toEqual(['query:cluster', 'query:limit', 'query:nextToken']);
  });
});
