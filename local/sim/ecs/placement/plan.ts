import { SimError } from '../../errors';
import { parseQuery } from './parse';
import type { Query } from './query';
import type { PlacementRequest } from './types';

/** A strategy after validation. */
export type Strategy =
  | { type: 'binpack'; resource: 'cpu' | 'memory' }
  | { type: 'spread'; by: { kind: 'instance' } | { kind: 'attribute'; name: string } }
  | { type: 'random' };

/** The request's strategies and constraints, validated and compiled once per call. */
export interface Plan {
  strategies: Strategy[];
  memberOf: Query[];
  distinctInstance: boolean;
}

/**
 * RunTask's default for standalone tasks when no strategy is given is random placement ("When you
 * run tasks with the RunTask API action, tasks are placed randomly in a cluster", AWS Compute
 * Blog, Amazon ECS Task Placement). Throws InvalidParameterException for a field a strategy does
 * not accept, a memberOf without expression, a distinctInstance with one, or a bad expression.
 */
export function planOf(request: PlacementRequest): Plan {
  const strategies = request.strategies.map(strategyOf);
  const memberOf: Query[] = [];
  let distinctInstance = false;
  for (const constraint of request.constraints) {
    const expression = constraint.expression;
    if (constraint.type === 'distinctInstance') {
      if (expression !== undefined && expression !== '') {
        throw invalid('distinctInstance expression should not be specified.');
      }
      distinctInstance = true;
    } else if (constraint.type === 'memberOf') {
      if (expression === undefined || expression.trim() === '') {
        throw invalid('memberOf constraint requires an expression.');
      }
      memberOf.push(parseQuery(expression));
    } else {
      throw invalid(`Unknown placement constraint type: ${String(constraint.type)}.`);
    }
  }
  return { strategies: strategies.length > 0 ? strategies : [{ type: 'random' }], memberOf, distinctInstance };
}

function strategyOf(strategy: PlacementRequest['strategies'][number]): Strategy {
  const field = strategy.field ?? '';
  switch (strategy.type) {
    case 'random':
      return { type: 'random' };
    case 'binpack': {
      const resource = field.toLowerCase();
      if (resource !== 'cpu' && resource !== 'memory') {
        throw invalid(`Invalid field '${field}' for binpack placement strategy: use cpu or memory.`);
      }
      return { type: 'binpack', resource };
    }
    case 'spread': {
      if (field === 'instanceId' || field === 'host') return { type: 'spread', by: { kind: 'instance' } };
      const name = field.startsWith('attribute:') ? field.slice('attribute:'.length) : '';
      if (name === '') {
        throw invalid(`Invalid field '${field}' for spread placement strategy: use instanceId, host or attribute:<name>.`);
      }
      return { type: 'spread', by: { kind: 'attribute', name } };
    }
    default:
      throw invalid(`Unknown placement strategy type: ${String(strategy.type)}.`);
  }
}

function invalid(message: string): SimError {
  return new SimError('InvalidParameterException', message);
}
