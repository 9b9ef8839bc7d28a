/** A JSON leaf value as it appears in an event (strings, numbers, booleans, null). */
export type Leaf = string | number | boolean | null;

/** A numeric interval; `undefined` bounds are open-ended. */
export interface NumericRange {
  low?: number;
  lowInclusive: boolean;
  high?: number;
  highInclusive: boolean;
}

/** An IP address range, both ends inclusive, in one address family. */
export interface IpRange {
  family: 4 | 6;
  low: bigint;
  high: bigint;
}

/** One entry of a field's match array: `"value"`, `{ "prefix": … }`, `{ "anything-but": … }` … */
export type ValueMatcher =
  | { kind: 'exact'; value: Leaf; ip?: IpRange }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; regex: RegExp }
  | { kind: 'numeric'; range: NumericRange }
  | { kind: 'cidr'; range: IpRange }
  | { kind: 'exists'; value: boolean }
  | { kind: 'anything-but'; excludes: Exclusion };

/** What an `anything-but` leaves out; a value matches when it is none of these. */
export type Exclusion =
  | { kind: 'strings'; values: ReadonlySet<string> }
  | { kind: 'numbers'; values: readonly number[] }
  | { kind: 'prefix'; values: readonly string[] }
  | { kind: 'suffix'; values: readonly string[] }
  | { kind: 'equals-ignore-case'; values: readonly string[] }
  | { kind: 'wildcard'; regexes: readonly RegExp[] };

/** One AND-branch of a pattern: dotted field path → the values any of which must match. */
export type Branch = ReadonlyMap<string, readonly ValueMatcher[]>;

/** A validated event pattern: it matches an event when any branch does ($or expands into branches). */
export class CompiledPattern {
  constructor(readonly branches: readonly Branch[]) {}
}

/** A pattern EventBridge would reject; the message is EventBridge's "Reason". */
export class EventPatternError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'EventPatternError';
  }
}
