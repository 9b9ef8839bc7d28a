import { SimError } from '../../errors';
import {
  FIELD_NAMES,
  FIELD_OPERATORS,
  OPERATOR_ALIASES,
  type Condition,
  type FieldName,
  type Operator,
  type Query,
  type Subject,
} from './query';
import { parseCount, parseDate, parseVersion } from './values';

/**
 * Parses a cluster query language expression. Grammar (precedence not > and > or):
 *
 *   or        := and (("or" | "||") and)*
 *   and       := unary (("and" | "&&") unary)*
 *   unary     := ("not" | "!") unary | "(" or ")" | condition
 *   condition := subject operator [argument]
 *   argument  := value | "[" value ("," value)* "]"
 *   value     := 'quoted' | "quoted" | bare   (bare: up to whitespace or one of ( ) [ ] ,)
 *   (a regex argument of matches / not_matches may also be bare with brackets and balanced parentheses)
 *
 * Keywords and word operators are case-insensitive; subjects are not. Throws
 * SimError(InvalidParameterException) on any syntax error, unknown subject, operator not valid
 * for its subject, or malformed argument (bad regex, date, version or count).
 */
export function parseQuery(expression: string): Query {
  const parser = new Parser(expression);
  const query = parser.parseOr();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail(`unexpected '${parser.rest().slice(0, 20)}'`);
  return query;
}

const WORD_CHAR = /[A-Za-z0-9_]/;
const SUBJECT_CHAR = /[A-Za-z0-9_\-./\\:]/;
const BARE_END = /[\s()[\],]/;

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  fail(problem: string): never {
    throw new SimError(
      'InvalidParameterException',
      `Invalid expression '${this.text}': ${problem} at position ${this.pos}.`,
    );
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  rest(): string {
    return this.text.slice(this.pos);
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  /** Consumes `symbol` if the text continues with it. */
  private symbol(symbol: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(symbol, this.pos)) return false;
    this.pos += symbol.length;
    return true;
  }

  /** Consumes the word `word` (case-insensitive) if it stands alone (not a prefix of a longer word). */
  private keyword(word: string): boolean {
    this.skipSpace();
    const candidate = this.text.slice(this.pos, this.pos + word.length);
    if (candidate.toLowerCase() !== word) return false;
    if (WORD_CHAR.test(this.text[this.pos + word.length] ?? '')) return false;
    this.pos += word.length;
    return true;
  }

  parseOr(): Query {
    let left = this.parseAnd();
    while (this.keyword('or') || this.symbol('||')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Query {
    let left = this.parseUnary();
    while (this.keyword('and') || this.symbol('&&')) left = { kind: 'and', left, right: this.parseUnary() };
    return left;
  }

  private parseUnary(): Query {
    this.skipSpace();
    if (this.atEnd()) this.fail('expression ends early');
    if (this.keyword('not') || this.symbol('!')) return { kind: 'not', operand: this.parseUnary() };
    if (this.symbol('(')) {
      const inner = this.parseOr();
      if (!this.symbol(')')) this.fail("missing ')'");
      return inner;
    }
    return this.parseCondition();
  }

  private parseCondition(): Condition {
    const subject = this.parseSubject();
    const operator = this.parseOperator();
    const allowed = subject.kind === 'field' ? FIELD_OPERATORS[subject.name] : undefined;
    if (allowed && !allowed.includes(operator)) this.fail(`operator ${operator} is not valid for ${subject.name}`);
    switch (operator) {
      case 'exists':
      case 'not_exists':
        return { kind: 'condition', subject, operator };
      case 'in':
      case 'not_in':
        return { kind: 'condition', subject, operator, values: this.parseList() };
      case 'matches':
      case 'not_matches': {
        const source = this.parsePatternValue();
        return { kind: 'condition', subject, operator, source, pattern: this.compilePattern(source) };
      }
      default: {
        const value = this.parseValue();
        this.checkOrderedValue(subject, value);
        return { kind: 'condition', subject, operator, value };
      }
    }
  }

  private parseSubject(): Subject {
    this.skipSpace();
    const start = this.pos;
    while (!this.atEnd() && SUBJECT_CHAR.test(this.text[this.pos] ?? '')) this.pos++;
    const word = this.text.slice(start, this.pos);
    if (word === '') this.fail('expected a subject');
    if (word.startsWith('attribute:')) {
      const name = word.slice('attribute:'.length);
      if (name === '') this.fail('attribute name missing');
      return { kind: 'attribute', name };
    }
    if ((FIELD_NAMES as string[]).includes(word)) return { kind: 'field', name: word as FieldName };
    this.pos = start;
    return this.fail(`unknown subject '${word}'`);
  }

  private parseOperator(): Operator {
    this.skipSpace();
    for (const symbol of ['==', '!=', '>=', '<=', '=~', '!~', '>', '<']) {
      if (this.text.startsWith(symbol, this.pos)) {
        this.pos += symbol.length;
        return OPERATOR_ALIASES[symbol] as Operator;
      }
    }
    const negated = this.text[this.pos] === '!';
    const start = negated ? this.pos + 1 : this.pos;
    let end = start;
    while (end < this.text.length && WORD_CHAR.test(this.text[end] ?? '')) end++;
    const word = this.text.slice(start, end).toLowerCase();
    const operator = OPERATOR_ALIASES[negated ? `!${word}` : word];
    if (!operator || word === '') return this.fail('expected an operator');
    this.pos = end;
    return operator;
  }

  private parseList(): string[] {
    if (!this.symbol('[')) this.fail("expected '[' to start an argument list");
    const values = [this.parseValue()];
    while (this.symbol(',')) values.push(this.parseValue());
    if (!this.symbol(']')) this.fail("expected ',' or ']' in argument list");
    return values;
  }

  private parseValue(): string {
    this.skipSpace();
    const quote = this.text[this.pos];
    if (quote === "'" || quote === '"') {
      const close = this.text.indexOf(quote, this.pos + 1);
      if (close < 0) this.fail('unterminated quoted value');
      const value = this.text.slice(this.pos + 1, close);
      this.pos = close + 1;
      return value;
    }
    const start = this.pos;
    while (!this.atEnd() && !BARE_END.test(this.text[this.pos] ?? '')) this.pos++;
    if (this.pos === start) this.fail('expected a value');
    return this.text.slice(start, this.pos);
  }

  /**
   * A regex argument: quoted, or bare up to whitespace or an unbalanced ')' — so `t[23].*`,
   * `(t2|t3).*` and `a{1,3}` need no quotes, and `not(attribute:x =~ t2.*)` still closes.
   */
  private parsePatternValue(): string {
    this.skipSpace();
    const quote = this.text[this.pos];
    if (quote === "'" || quote === '"') return this.parseValue();
    const start = this.pos;
    let depth = 0;
    while (!this.atEnd()) {
      const ch = this.text[this.pos] ?? '';
      if (/\s/.test(ch)) break;
      if (ch === '(') depth++;
      if (ch === ')' && depth-- === 0) break;
      this.pos++;
    }
    if (this.pos === start) this.fail('expected a pattern');
    return this.text.slice(start, this.pos);
  }

  /** Java regular expression, matched against the whole value (as Java's String.matches does). */
  private compilePattern(source: string): RegExp {
    try {
      return new RegExp(`^(?:${source})$`);
    } catch {
      return this.fail(`invalid regular expression '${source}'`);
    }
  }

  private checkOrderedValue(subject: Subject, value: string): void {
    if (subject.kind !== 'field') return;
    const valid =
      subject.name === 'registeredAt'
        ? parseDate(value) !== undefined
        : subject.name === 'agentVersion'
          ? parseVersion(value) !== undefined
          : subject.name === 'runningTasksCount'
            ? parseCount(value) !== undefined
            : true;
    if (!valid) this.fail(`'${value}' is not a valid value for ${subject.name}`);
  }
}
