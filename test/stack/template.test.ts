/**
 * Packages the stack offline (`npm run package`, dummy credentials, no AWS) and checks the
 * generated CloudFormation for the properties production depends on.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../../shared/store/table';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: unknown };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

const root = join(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'shepherd-package-'));
let resources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

beforeAll(() => {
  execFileSync('npx', ['--no-install', 'tsx', 'scripts/package.ts', '--stage', 'ci', '--package', out], { cwd: root, stdio: 'pipe', timeout: 120_000 });
  const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as {
    Resources: Record<string, Resource>;
  };
  resources = template.Resources;
}, 180_000);

describe('packaged stack', () => {
  it('declares the table exactly as the store creates it, with PITR, encryption, TTL and a stream', () => {
    const [, table] = ofType('AWS::DynamoDB::Table')[0]!;
    const p = table.Properties;
    const def = tableDefinition('x');
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.SSESpecification).toEqual({ SSEEnabled: true });
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(p.StreamSpecification).toEqual({ StreamViewType: def.StreamSpecification?.StreamViewType });
    expect(p.KeySchema).toEqual(def.KeySchema);
    expect(p.AttributeDefinitions).toEqual(def.AttributeDefinitions);
    expect(p.GlobalSecondaryIndexes).toEqual(def.GlobalSecondaryIndexes);
  });

  it('runs every function on nodejs22.x with its own role and a log retention', () => {
    const fns = ofType('AWS::Lambda::Function');
    expect(fns.map(([name]) => name).sort()).toEqual(
      ['ApiLambdaFunction', 'OnContainerInstanceStateChangeLambdaFunction', 'OnTaskStateChangeLambdaFunction', 'PublishOutboxLambdaFunction', 'ReconcileLambdaFunction'],
    );
    const roles = new Set<string>();
    for (const [, fn] of fns) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      roles.add(role);
    }
    expect(roles.size).toBe(fns.length);
    const logGroups = ofType('AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(fns.length);
    for (const [, lg] of logGroups) expect(lg.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('filters ECS events at the rule: only this stage\'s tasks, only RUNNING and STOPPED', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties as { EventPattern?: Record<string, unknown>; Targets: Array<Record<string, unknown>> });
    const task = rules.find((r) => JSON.stringify(r.EventPattern ?? {}).includes('ECS Task State Change'));
    expect(task?.EventPattern).toMatchObject({
      source: ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      detail: {
        startedBy: ['shepherd/ci'],
        $or: [{ lastStatus: ['RUNNING'], desiredStatus: ['RUNNING'] }, { lastStatus: ['STOPPED'] }],
      },
    });
    const instance = rules.find((r) => JSON.stringify(r.EventPattern ?? {}).includes('ECS Container Instance State Change'));
    expect(instance?.EventPattern).toMatchObject({ source: ['aws.ecs'], 'detail-type': ['ECS Container Instance State Change'] });
    for (const r of [task!, instance!]) {
      for (const t of r.Targets) {
        expect(t.DeadLetterConfig).toBeDefined();
        expect(t.RetryPolicy).toBeDefined();
      }
    }
    const schedule = rules.find((r) => typeof (r as { ScheduleExpression?: string }).ScheduleExpression === 'string');
    expect((schedule as { ScheduleExpression?: string }).ScheduleExpression).toBe('rate(1 minute)');
  });

  it('gives every asynchronously invoked function bounded retries and an on-failure destination', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
    const fnRefs = configs.map((c) => JSON.stringify(c.FunctionName));
    for (const name of ['OnTaskStateChange', 'OnContainerInstanceStateChange', 'Reconcile']) {
      expect(fnRefs.some((r) => r.includes(`${name}LambdaFunction`))).toBe(true);
    }
    for (const c of configs) {
      expect(c.MaximumRetryAttempts).toBeLessThanOrEqual(2);
      expect((c.DestinationConfig as { OnFailure?: { Destination?: unknown } }).OnFailure?.Destination).toBeDefined();
    }
  });

  it('authorises every HTTP API route with IAM (SigV4)', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    for (const [, r] of routes) expect(r.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  it('grants least privilege: task control only under an ecs:cluster condition, PassRole only to ECS tasks, no wildcards', () => {
    for (const [roleName, role] of ofType('AWS::IAM::Role')) {
      const policies = role.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>;
      for (const s of policies.flatMap((p) => p.PolicyDocument.Statement)) {
        for (const a of actions(s)) {
          expect(a, `${roleName} grants ${a}`).not.toMatch(/(^\*$|:\*$)/);
          if (['ecs:RunTask', 'ecs:StartTask', 'ecs:StopTask', 'ecs:UpdateContainerInstancesState'].includes(a) && s.Resource === '*') {
            expect(s.Condition?.ArnLike?.['ecs:cluster'] ?? s.Condition?.ArnEquals?.['ecs:cluster'], `${roleName} ${a} without ecs:cluster`).toBeDefined();
          }
          if (a === 'ecs:TagResource') {
            expect(s.Condition?.StringEquals?.['ecs:CreateAction'], `${roleName} TagResource beyond tag-on-create`).toBeDefined();
          }
          if (a === 'iam:PassRole') {
            expect(s.Condition?.StringEquals?.['iam:PassedToService'], `${roleName} PassRole`).toBe('ecs-tasks.amazonaws.com');
          }
        }
      }
    }
  });

  it('feeds Shepherd\'s own bus from the table stream (outbox), reporting partial batch failures', () => {
    expect(ofType('AWS::Events::EventBus')).toHaveLength(1);
    const [, esm] = ofType('AWS::Lambda::EventSourceMapping')[0]!;
    const p = esm.Properties as Record<string, unknown>;
    expect(JSON.stringify(p.EventSourceArn)).toContain('StreamArn');
    expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(p.BisectBatchOnFunctionError).toBe(true);
    expect(JSON.stringify(p.FilterCriteria)).toContain('EVT#');
    expect((p.DestinationConfig as { OnFailure?: unknown }).OnFailure).toBeDefined();
  });

  it('bundles each function on its own, minified, as ESM, without the code of other functions', () => {
    for (const fn of ['onTaskStateChange', 'onContainerInstanceStateChange', 'reconcile', 'api', 'publishOutbox']) {
      const zip = join(out, `${fn}.zip`);
      expect(statSync(zip).size, fn).toBeLessThan(1024 * 1024);
      const files = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
      expect(files, fn).toEqual([`functions/${fn}.mjs`]);
      const code = execFileSync('unzip', ['-p', zip, `functions/${fn}.mjs`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      // Minified: long lines (an unminified bundle averages ~40 characters a line).
      expect(code.length / code.split('\n').length, fn).toBeGreaterThan(1000);
    }
  });
});
