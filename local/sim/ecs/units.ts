/**
 * Task-level `cpu` and `memory` as ECS accepts them: integers (CPU units, MiB) or strings such as
 * "1024", "1 vCPU", "0.5 vcpu", "2GB", "1 GB". Registration converts them to integers.
 */
import { clientError } from './validate';

function parse(value: unknown, unit: RegExp, what: string): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const plain = /^\d+$/.exec(text);
  if (plain) return Number(text);
  const scaled = new RegExp(`^(\\d+(?:\\.\\d+)?)\\s*${unit.source}$`, 'i').exec(text);
  if (scaled) return Math.round(Number(scaled[1]) * 1024);
  throw clientError(`Invalid '${what}' setting for task: ${String(value)}.`);
}

export const parseCpu = (value: unknown) => parse(value, /vcpu/, 'cpu');
export const parseMemory = (value: unknown) => parse(value, /gb/, 'memory');
