import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The reference events, copied from ../shared/fixtures into the repo (test/fixtures). */
export const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures');

/** The originals beside the repo, where they exist (they do on developers' machines and in CI). */
export const SHARED_FIXTURES_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures');

export function fixture<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, path), 'utf8')) as T;
}

type TaskEvent = { id: string; detail: Record<string, unknown> & { version: number } };

/** A fixture task event re-marked as a task of Shepherd service `service` in stage `stage`. */
export function managedTaskEvent(path: string, opts: { service?: string; stage?: string; version?: number; id?: string } = {}): TaskEvent {
  const e = fixture<TaskEvent>(path);
  e.detail.group = `shepherd:${opts.service ?? 'web'}`;
  e.detail.startedBy = `shepherd/${opts.stage ?? 'test'}`;
  if (opts.version !== undefined) e.detail.version = opts.version;
  if (opts.id !== undefined) e.id = opts.id;
  return e;
}
