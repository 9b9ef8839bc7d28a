import { EventPatternError } from './types';

const escapeRegex = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * Compiles an EventBridge wildcard (`*` = any run of characters, `\*` a literal star, `\\` a literal
 * backslash) into an anchored regex, rejecting what EventBridge rejects.
 */
export function compileWildcard(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') throw new EventPatternError(`Invalid escape character at pos ${i}`);
      source += escapeRegex(next);
      i++;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') throw new EventPatternError(`Consecutive wildcard characters at pos ${i + 1}`);
      source += '.*';
    } else {
      source += escapeRegex(c);
    }
  }
  return new RegExp(`^${source}$`, 's');
}
