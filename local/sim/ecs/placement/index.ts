/**
 * ECS task placement for the simulator: a pure engine (place) and the cluster query language
 * (parseQuery, matchesQuery) that memberOf constraints and ListContainerInstances' filter use.
 */
export { place } from './place';
export { parseQuery } from './parse';
export { matchesQuery } from './match';
export type { Query } from './query';
export { FAILURE_REASONS, NO_CONTAINER_INSTANCES } from './reasons';
export * from './types';
