import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SimInstance } from '../../local/sim/autoscaling/model';
import { launchZone, scaleInVictims } from '../../local/sim/autoscaling/termination';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

const instances = fc
  .array(fc.record({ zone: fc.constantFrom(...ZONES), protectedFromScaleIn: fc.boolean(), launchedAt: fc.nat(1000) }), { maxLength: 12 })
  .map((specs) =>
    specs.map(
      (s, n): SimInstance => ({
        id: `i-${n}`,
        groupName: 'g',
        instanceType: 'm5.large',
        availabilityZone: s.zone,
        lifecycle: 'InService',
        health: 'Healthy',
        protectedFromScaleIn: s.protectedFromScaleIn,
        launchedAt: s.launchedAt,
        seq: n,
        hostGone: false,
      }),
    ),
  );

const spread = (list: SimInstance[]): number => {
  const counts = ZONES.map((z) => list.filter((i) => i.availabilityZone === z).length);
  return Math.max(...counts) - Math.min(...counts);
};

describe('default termination policy (simplified)', () => {
  it('never picks a protected instance, and picks as many as it can', () => {
    fc.assert(
      fc.property(instances, fc.nat(15), (list, k) => {
        const victims = scaleInVictims(list, ZONES, k);
        expect(victims.every((v) => !v.protectedFromScaleIn)).toBe(true);
        expect(new Set(victims).size).toBe(victims.length);
        expect(victims.length).toBe(Math.min(k, list.filter((i) => !i.protectedFromScaleIn).length));
      }),
    );
  });

  it('does not unbalance the zones when nothing is protected', () => {
    fc.assert(
      fc.property(instances, fc.nat(15), (list, k) => {
        const free = list.map((i) => ({ ...i, protectedFromScaleIn: false }));
        const victims = scaleInVictims(free, ZONES, k);
        const left = free.filter((i) => !victims.includes(i));
        expect(spread(left)).toBeLessThanOrEqual(Math.max(spread(free), 1));
      }),
    );
  });

  it('launches into the zone with the fewest live instances', () => {
    fc.assert(
      fc.property(instances, (list) => {
        const zone = launchZone(list, ZONES);
        const count = (z: string) => list.filter((i) => i.availabilityZone === z).length;
        expect(ZONES.every((z) => count(zone) <= count(z))).toBe(true);
      }),
    );
  });
});
