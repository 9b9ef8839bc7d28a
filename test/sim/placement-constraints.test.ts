import { describe, expect, it } from 'vitest';
import { FAILURE_REASONS, place } from '../../local/sim/ecs/placement';
import { arnOf, candidate, invalidParameter, names, request, tasksOf } from './placement-helpers';

describe('distinctInstance', () => {
  it('puts each task of the call on a different instance; the rest fail on every instance', () => {
    const fleet = ['a', 'b', 'c'].map((name) => candidate({ name }));
    const result = place(fleet, request({ count: 5, constraints: [{ type: 'distinctInstance' }] }));
    expect(names(result.placements).sort()).toEqual(['a', 'b', 'c']);
    expect(result.failures).toEqual(
      ['a', 'b', 'c'].map((n) => ({ arn: arnOf(n), reason: 'DistinctInstance placement constraint unsatisfied.' })),
    );
  });

  it('also avoids instances already running a task of the same group', () => {
    const fleet = [candidate({ name: 'a', tasks: tasksOf('family:web', 1) }), candidate({ name: 'b' })];
    const result = place(fleet, request({ count: 2, group: 'family:web', constraints: [{ type: 'distinctInstance' }] }));
    expect(names(result.placements)).toEqual(['b']);
    expect(result.failures.map((f) => f.reason)).toEqual([FAILURE_REASONS.distinctInstance, FAILURE_REASONS.distinctInstance]);
  });

  it('ignores tasks of other groups', () => {
    const fleet = [candidate({ name: 'a', tasks: tasksOf('family:other', 3) })];
    const result = place(fleet, request({ group: 'family:web', constraints: [{ type: 'distinctInstance' }] }));
    expect(names(result.placements)).toEqual(['a']);
  });

  it('rejects an expression on distinctInstance', () => {
    const message = invalidParameter(() =>
      place([candidate({ name: 'a' })], request({ constraints: [{ type: 'distinctInstance', expression: 'attribute:x exists' }] })),
    );
    expect(message).toBe('distinctInstance expression should not be specified.');
  });
});

describe('memberOf', () => {
  const fleet = [
    candidate({ name: 't2a', type: 't2.small', zone: 'us-east-1a' }),
    candidate({ name: 'm5a', type: 'm5.large', zone: 'us-east-1a' }),
    candidate({ name: 't2d', type: 't2.small', zone: 'us-east-1d' }),
  ];

  it('places only on instances the expression selects', () => {
    const result = place(
      fleet,
      request({ count: 6, constraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' }] }),
    );
    expect(new Set(names(result.placements))).toEqual(new Set(['t2a', 't2d']));
    expect(result.placements).toHaveLength(6);
  });

  it('reports the instances it excludes with the memberOf reason', () => {
    const result = place(
      [candidate({ name: 'm5', type: 'm5.large' })],
      request({ constraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' }] }),
    );
    expect(result.failures).toEqual([{ arn: arnOf('m5'), reason: 'MemberOf placement constraint unsatisfied.' }]);
  });

  it('holds every memberOf constraint at once (the task definition\'s and the call\'s)', () => {
    const result = place(
      fleet,
      request({
        count: 3,
        constraints: [
          { type: 'memberOf', expression: 'attribute:ecs.instance-type == t2.small' },
          { type: 'memberOf', expression: 'attribute:ecs.availability-zone != us-east-1d' },
        ],
      }),
    );
    expect(names(result.placements)).toEqual(['t2a', 't2a', 't2a']);
  });

  it('sees the tasks placed earlier in the call (anti-affinity with its own group)', () => {
    const result = place(
      [candidate({ name: 'a' }), candidate({ name: 'b' })],
      request({ count: 3, group: 'family:web', constraints: [{ type: 'memberOf', expression: 'not(task:group == family:web)' }] }),
    );
    expect(names(result.placements).sort()).toEqual(['a', 'b']);
    expect(result.failures.map((f) => f.reason)).toEqual([FAILURE_REASONS.memberOf, FAILURE_REASONS.memberOf]);
  });

  it('affinity to another group', () => {
    const result = place(
      [candidate({ name: 'a' }), candidate({ name: 'db', tasks: tasksOf('databases', 1) })],
      request({ count: 2, constraints: [{ type: 'memberOf', expression: 'task:group == databases' }] }),
    );
    expect(names(result.placements)).toEqual(['db', 'db']);
  });

  it('combines with distinctInstance', () => {
    const result = place(
      fleet,
      request({
        count: 3,
        constraints: [
          { type: 'memberOf', expression: 'attribute:ecs.availability-zone == us-east-1a' },
          { type: 'distinctInstance' },
        ],
      }),
    );
    expect(names(result.placements).sort()).toEqual(['m5a', 't2a']);
    expect(result.failures).toEqual([
      { arn: arnOf('t2a'), reason: FAILURE_REASONS.distinctInstance },
      { arn: arnOf('m5a'), reason: FAILURE_REASONS.distinctInstance },
      { arn: arnOf('t2d'), reason: FAILURE_REASONS.memberOf },
    ]);
  });

  it.each([[undefined], [''], ['   ']])('rejects memberOf with expression %j', (expression) => {
    invalidParameter(() =>
      place(fleet, request({ constraints: [{ type: 'memberOf', ...(expression === undefined ? {} : { expression }) }] })),
    );
  });

  it('rejects a malformed expression before placing anything', () => {
    invalidParameter(() => place(fleet, request({ constraints: [{ type: 'memberOf', expression: 'attribute:x ==' }] })));
  });

  it('rejects an unknown constraint type', () => {
    invalidParameter(() =>
      place(fleet, request({ constraints: [{ type: 'sameZone' } as unknown as { type: 'memberOf' }] })),
    );
  });
});

describe('attributes the task definition requires', () => {
  it('refuses an instance without them with ATTRIBUTE', () => {
    const result = place(
      [candidate({ name: 'plain' }), candidate({ name: 'eni', attributes: { 'ecs.capability.task-eni': '' } })],
      request({ count: 2, requiredAttributes: [{ name: 'ecs.capability.task-eni' }], constraints: [{ type: 'distinctInstance' }] }),
    );
    expect(names(result.placements)).toEqual(['eni']);
    expect(result.failures).toEqual([
      { arn: arnOf('plain'), reason: 'ATTRIBUTE' },
      { arn: arnOf('eni'), reason: FAILURE_REASONS.distinctInstance },
    ]);
  });

  it('compares the value when one is required', () => {
    const result = place(
      [candidate({ name: 'win', attributes: { 'ecs.os-type': 'windows' } })],
      request({ requiredAttributes: [{ name: 'ecs.os-type', value: 'linux' }] }),
    );
    expect(result.failures).toEqual([{ arn: arnOf('win'), reason: 'ATTRIBUTE' }]);
  });
});
