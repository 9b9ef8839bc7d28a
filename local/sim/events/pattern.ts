/**
 * EventBridge's event-pattern language (content filtering), pure: validation with EventBridge's
 * error reasons, and matching. See local/sim/events/README.md for what is and is not modelled.
 */
import { compilePattern } from './pattern/compile';
import { matchCompiled } from './pattern/match';
import { CompiledPattern, EventPatternError } from './pattern/types';

export { CompiledPattern, EventPatternError } from './pattern/types';

/** Parses and validates a pattern given as JSON text (as PutRule's EventPattern carries it). */
export function parseEventPattern(json: string): CompiledPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new EventPatternError(err instanceof Error ? err.message : String(err));
  }
  return compilePattern(parsed);
}

/** Validates and compiles a pattern given as an object; throws EventPatternError. */
export function compileEventPattern(pattern: unknown): CompiledPattern {
  return compilePattern(pattern);
}

/** Whether the pattern (compiled, JSON text or object) matches the event. */
export function matchesEventPattern(pattern: CompiledPattern | string | object, event: unknown): boolean {
  const compiled =
    typeof pattern === 'string' ? parseEventPattern(pattern) : pattern instanceof CompiledPattern ? pattern : compilePattern(pattern);
  return matchCompiled(compiled, event);
}

/** The reason text of a pattern error, or undefined when the pattern (object or JSON text) is valid. */
export function eventPatternProblem(pattern: string | object): string | undefined {
  try {
    if (typeof pattern === 'string') parseEventPattern(pattern);
    else compilePattern(pattern);
    return undefined;
  } catch (err) {
    if (err instanceof EventPatternError) return err.message;
    throw err;
  }
}
