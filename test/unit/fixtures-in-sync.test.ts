import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR, SHARED_FIXTURES_DIR } from '../helpers/fixtures';

describe('test/fixtures mirror ../shared/fixtures', () => {
  const present = existsSync(SHARED_FIXTURES_DIR);
  it.runIf(present)('every reference event is copied unchanged', () => {
    for (const dir of readdirSync(SHARED_FIXTURES_DIR)) {
      for (const file of readdirSync(join(SHARED_FIXTURES_DIR, dir))) {
        const original = JSON.parse(readFileSync(join(SHARED_FIXTURES_DIR, dir, file), 'utf8'));
        const copy = JSON.parse(readFileSync(join(FIXTURES_DIR, dir, file), 'utf8'));
        expect(copy, `${dir}/${file}`).toEqual(original);
      }
    }
  });
  it('the copies exist', () => {
    expect(readdirSync(join(FIXTURES_DIR, 'ec2')).length).toBeGreaterThanOrEqual(6);
    expect(readdirSync(join(FIXTURES_DIR, 'aws-docs')).length).toBeGreaterThanOrEqual(2);
  });
});
