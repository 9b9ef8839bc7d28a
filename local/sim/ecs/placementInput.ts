/**
 * RunTask's placementStrategy / placementConstraints, checked as ECS checks them (≤ 5 strategies,
 * ≤ 10 constraints including the task definition's, known types and fields, valid expressions).
 * Evaluating them is placement's job.
 */
import { parseQuery } from './placement';
import type { PlacementConstraint, PlacementStrategy } from './placement/types';
import type { TaskDefinitionRecord } from './state';
import { invalid, optObjectList, optString, type Input } from './validate';

export function readStrategies(input: Input): PlacementStrategy[] {
  const list = optObjectList(input, 'placementStrategy') ?? [];
  if (list.length > 5) throw invalid('The number of placement strategies cannot exceed 5.');
  return list.map((s) => {
    const type = optString(s, 'type');
    const field = optString(s, 'field');
    switch (type) {
      case 'random':
        return { type };
      case 'binpack': {
        const f = field?.toLowerCase();
        if (f !== 'cpu' && f !== 'memory') throw invalid(`Invalid field for binpack placement strategy: ${field ?? '(none)'}. Use cpu or memory.`);
        return { type, field: f };
      }
      case 'spread': {
        if (!field) throw invalid('A spread placement strategy needs a field (instanceId, host or attribute:<name>).');
        const ok = field === 'instanceId' || field === 'host' || /^attribute:[a-zA-Z0-9_./\\-]{1,128}$/.test(field);
        if (!ok) throw invalid(`Invalid field for spread placement strategy: ${field}.`);
        return { type, field };
      }
      default:
        throw invalid(`Invalid placement strategy type: ${type ?? '(none)'}. Use random, spread or binpack.`);
    }
  });
}

export function readConstraints(input: Input, td: TaskDefinitionRecord): PlacementConstraint[] {
  const list = optObjectList(input, 'placementConstraints') ?? [];
  const own = list.map((c): PlacementConstraint => {
    const type = optString(c, 'type');
    const expression = optString(c, 'expression');
    if (type === 'distinctInstance') {
      if (expression) throw invalid('An expression cannot be specified for a distinctInstance placement constraint.');
      return { type };
    }
    if (type === 'memberOf') {
      if (!expression) throw invalid('A memberOf placement constraint needs an expression.');
      if (expression.length > 2000) throw invalid('A placement constraint expression can have at most 2000 characters.');
      parseQuery(expression);
      return { type, expression };
    }
    throw invalid(`Invalid placement constraint type: ${type ?? '(none)'}. Use distinctInstance or memberOf.`);
  });
  const all = [...own, ...td.placementConstraints];
  if (all.length > 10) throw invalid('The number of placement constraints, including those of the task definition, cannot exceed 10.');
  return all;
}
