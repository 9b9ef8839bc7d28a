/**
 * RFC 9457 problem details: every error the API answers is `application/problem+json` with a
 * type, title, status, detail, the request path as `instance`, the request id, and for invalid
 * input the offending fields (`errors: [{ field, message }]`).
 */
import type { z } from 'zod';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types: `urn:shepherd:problem:<slug>`; docs/api.md lists them. */
export const PROBLEM = {
  validation: { slug: 'validation-error', status: 400, title: 'Invalid request' },
  notFound: { slug: 'not-found', status: 404, title: 'Not found' },
  noRoute: { slug: 'no-such-route', status: 404, title: 'No such route' },
  methodNotAllowed: { slug: 'method-not-allowed', status: 405, title: 'Method not allowed' },
  conflict: { slug: 'conflict', status: 409, title: 'Conflict' },
  alreadyExists: { slug: 'already-exists', status: 409, title: 'Already exists with other settings' },
  draining: { slug: 'service-draining', status: 409, title: 'Service is being deleted' },
  capacityNotExclusive: { slug: 'capacity-not-exclusive', status: 409, title: 'Auto Scaling group is not Shepherd\'s alone' },
  preconditionFailed: { slug: 'precondition-failed', status: 412, title: 'Precondition failed' },
  payloadTooLarge: { slug: 'payload-too-large', status: 413, title: 'Payload too large' },
  unsupportedMediaType: { slug: 'unsupported-media-type', status: 415, title: 'Unsupported media type' },
  preconditionRequired: { slug: 'precondition-required', status: 428, title: 'Precondition required' },
  internal: { slug: 'internal-error', status: 500, title: 'Internal error' },
  unavailable: { slug: 'service-unavailable', status: 503, title: 'Service unavailable' },
} as const;

export type ProblemKind = keyof typeof PROBLEM;

export const problemType = (kind: ProblemKind): string => `urn:shepherd:problem:${PROBLEM[kind].slug}`;

export interface FieldError {
  /** Where: `body.<path>`, `query.<name>`, `path.<name>` or `header.<Name>`; array items as `[i]`. */
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

/** An error that becomes a problem response. Thrown anywhere in a route; rendered by the handler. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly opts: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }

  get status(): number {
    return PROBLEM[this.kind].status;
  }
}

/** At most this many field errors are listed (a huge invalid body must not make a huge answer). */
const MAX_ERRORS = 50;

export function invalid(errors: FieldError[], detail?: string): HttpProblem {
  const listed = errors.slice(0, MAX_ERRORS);
  const fields = [...new Set(listed.map((e) => e.field))];
  const summary =
    detail ??
    (fields.length === 1 ? `${fields[0]}: ${listed[0]?.message ?? 'invalid'}` : `${errors.length} problems in ${fields.slice(0, 5).join(', ')}${fields.length > 5 ? ', …' : ''}`);
  return new HttpProblem('validation', summary, { errors: listed });
}

export function invalidField(field: string, message: string): HttpProblem {
  return invalid([{ field, message }]);
}

/** Renders a field path: `body.containerDefinitions[0].image`. */
export function fieldPath(location: string, path: ReadonlyArray<PropertyKey>): string {
  let out = location;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}

/** zod issues → field errors; an unknown field is reported at its own path. */
export function issuesToFieldErrors(issues: ReadonlyArray<z.core.$ZodIssue>, location: string): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: fieldPath(location, [...issue.path, key]), message: 'unknown field' });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the alternative that got furthest (the fewest issues), not a bare "Invalid input".
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      const nested = issuesToFieldErrors(
        best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
        location,
      );
      out.push(...(nested.length ? nested : [{ field: fieldPath(location, issue.path), message: issue.message }]));
    } else {
      out.push({ field: fieldPath(location, issue.path), message: issue.message });
    }
    if (out.length >= MAX_ERRORS) break;
  }
  return out;
}

export function problemBody(p: HttpProblem, instance: string | undefined, requestId: string | undefined): ProblemBody {
  const k = PROBLEM[p.kind];
  return {
    type: problemType(p.kind),
    title: k.title,
    status: k.status,
    detail: p.detail,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(p.opts.errors?.length ? { errors: p.opts.errors } : {}),
  };
}
