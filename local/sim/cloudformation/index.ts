/**
 * A tiny CloudFormation (query protocol, `Version=2010-05-15`, XML answers): DescribeStacks over
 * stacks put in place by code (`putStack`), so a caller that reads a deployed stack's outputs — the
 * CLI finding the API's URL — runs its real SDK client against the simulator. No templates, change
 * sets, events or resources; see README.md.
 */
import { SimError } from '../errors';
import { uuid } from '../random';
import type { QueryProtocolService } from '../server';
import type { SimContext } from '../types';
import { el, members } from '../xml';

export interface StackOutput {
  key: string;
  value: string;
  description?: string;
  exportName?: string;
}

export interface StackSpec {
  name: string;
  /** `{ HttpApiUrl: 'https://…' }`, or outputs with descriptions and export names. */
  outputs?: Record<string, string> | StackOutput[];
  /** Default CREATE_COMPLETE. */
  status?: string;
  description?: string;
  parameters?: Record<string, string>;
  tags?: Record<string, string>;
}

interface Stack {
  id: string;
  name: string;
  status: string;
  description?: string;
  outputs: StackOutput[];
  parameters: Record<string, string>;
  tags: Record<string, string>;
  createdAt: number;
  updatedAt?: number;
}

/** Stacks per DescribeStacks page (CloudFormation's own page size is not documented; 100 is generous). */
const PAGE = 100;
/** CloudFormation's stack names: a letter, then letters, digits and hyphens, at most 128. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

const iso = (ms: number) => new Date(ms).toISOString();
const pairs = (xs: Record<string, string>) => Object.entries(xs);

export class CloudFormationSimulator implements QueryProtocolService {
  readonly name = 'cloudformation' as const;
  readonly apiVersion = '2010-05-15';
  readonly xmlns = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
  private readonly stacks = new Map<string, Stack>();

  constructor(private readonly ctx: SimContext) {}

  /** Creates or replaces (same name, same stack id) a stack; returns its stack id. */
  putStack(spec: StackSpec): string {
    if (!STACK_NAME.test(spec.name)) throw new Error(`not a CloudFormation stack name: ${spec.name}`);
    const existing = this.stacks.get(spec.name);
    const now = this.ctx.clock.now();
    const outputs = Array.isArray(spec.outputs) ? spec.outputs : pairs(spec.outputs ?? {}).map(([key, value]) => ({ key, value }));
    const stack: Stack = {
      id: existing?.id ?? `arn:aws:cloudformation:${this.ctx.region}:${this.ctx.accountId}:stack/${spec.name}/${uuid(this.ctx.random)}`,
      name: spec.name,
      status: spec.status ?? (existing ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE'),
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      outputs,
      parameters: spec.parameters ?? {},
      tags: spec.tags ?? {},
      createdAt: existing?.createdAt ?? now,
      ...(existing ? { updatedAt: now } : {}),
    };
    this.stacks.set(spec.name, stack);
    return stack.id;
  }

  /** Removes a stack (as once DELETE_COMPLETE: DescribeStacks by name no longer finds it). */
  deleteStack(name: string): boolean {
    return this.stacks.delete(name);
  }

  handle(action: string, params: URLSearchParams): string {
    if (action === 'DescribeStacks') return this.describeStacks(params);
    throw new SimError('InvalidAction', `The action ${action} is not valid for this web service (the simulator answers DescribeStacks only).`);
  }

  private describeStacks(params: URLSearchParams): string {
    const ref = params.get('StackName');
    if (ref !== null) {
      const stack = [...this.stacks.values()].find((s) => s.name === ref || s.id === ref);
      if (!stack) throw new SimError('ValidationError', `Stack with id ${ref} does not exist`);
      return members('Stacks', [stack], (s) => this.render(s));
    }
    const all = [...this.stacks.values()].sort((a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name));
    const token = params.get('NextToken');
    const start = token === null ? 0 : Number(token);
    if (!Number.isInteger(start) || start < 0 || start > all.length) throw new SimError('ValidationError', 'Invalid NextToken');
    const page = all.slice(start, start + PAGE);
    const next = start + PAGE < all.length ? String(start + PAGE) : undefined;
    return members('Stacks', page, (s) => this.render(s)) + el('NextToken', next);
  }

  private render(s: Stack): string {
    return (
      el('StackId', s.id) +
      el('StackName', s.name) +
      el('Description', s.description) +
      members('Parameters', pairs(s.parameters), ([k, v]) => el('ParameterKey', k) + el('ParameterValue', v)) +
      el('CreationTime', iso(s.createdAt)) +
      el('LastUpdatedTime', s.updatedAt !== undefined ? iso(s.updatedAt) : undefined) +
      el('StackStatus', s.status) +
      el('DisableRollback', false) +
      members('Outputs', s.outputs, (o) => el('OutputKey', o.key) + el('OutputValue', o.value) + el('Description', o.description) + el('ExportName', o.exportName)) +
      members('Tags', pairs(s.tags), ([k, v]) => el('Key', k) + el('Value', v)) +
      el('EnableTerminationProtection', false) +
      `<DriftInformation>${el('StackDriftStatus', 'NOT_CHECKED')}</DriftInformation>`
    );
  }
}
