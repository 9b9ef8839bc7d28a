/**
 * Classifying what the AWS SDK throws: a service's answer (with `$metadata`), or a failure to get
 * one (network, timeout). Routes turn the client faults that mean "bad input" into 400s; every
 * other AWS or network failure becomes a 503 with Retry-After.
 */

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: unknown;
  $fault?: 'client' | 'server';
  code?: unknown;
}

/** The service's error name (e.g. `ClientException`) when this is an AWS service error. */
export function awsErrorName(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as SdkError;
  return e.$metadata !== undefined && typeof e.name === 'string' ? e.name : undefined;
}

export function isAwsError(err: unknown, ...names: string[]): boolean {
  const name = awsErrorName(err);
  return name !== undefined && (names.length === 0 || names.includes(name));
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

/** An AWS service error or a failure to reach AWS: the request may succeed if retried later. */
export function isDependencyFailure(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as SdkError;
  if (e.$metadata !== undefined) return true;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
  return typeof e.code === 'string' && NETWORK_CODES.has(e.code);
}

export function isThrottling(err: unknown): boolean {
  const name = awsErrorName(err) ?? '';
  return /Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded|LimitExceeded/.test(name);
}

export function awsMessage(err: unknown): string {
  const m = (err as SdkError | undefined)?.message;
  return typeof m === 'string' && m ? m.slice(0, 500) : String(awsErrorName(err) ?? 'error');
}
