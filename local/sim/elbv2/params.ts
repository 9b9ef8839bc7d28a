/**
 * Readers for ELBv2's query-protocol parameters. The generic ones (strings, integers, lists) are
 * Auto Scaling's: both services answer bad input with the same `ValidationError` shapes.
 */
import { SimError } from '../errors';
import { optInt, structList, validationError } from '../autoscaling/params';

export { optBool, optInt, optString, reqString, stringList, validationError } from '../autoscaling/params';

export interface TargetInput {
  id: string;
  port?: number;
  availabilityZone?: string;
}

/** A value outside its documented range, in AWS's wording. */
export function checkRange(field: string, value: number, min: number, max: number): void {
  if (value < min || value > max) {
    const bound = value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`;
    throw validationError(`1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have value ${bound}`);
  }
}

/** A value outside an enumeration, in AWS's wording. */
export function checkEnum<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw validationError(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
    );
  }
  return value as T;
}

/** `Targets.member.N.{Id,Port,AvailabilityZone}`; at least one. */
export function targetList(params: URLSearchParams): TargetInput[] {
  const raw = structList(params, 'Targets');
  if (raw.length === 0) {
    throw validationError("1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null");
  }
  return raw.map((fields, i) => {
    const id = fields.get('Id');
    if (!id) {
      throw validationError(`1 validation error detected: Value null at 'targets.${i + 1}.member.id' failed to satisfy constraint: Member must not be null`);
    }
    const one = new URLSearchParams([...fields]);
    const port = optInt(one, 'Port', Number.MIN_SAFE_INTEGER);
    if (port !== undefined) checkRange(`targets.${i + 1}.member.port`, port, 1, 65535);
    const zone = fields.get('AvailabilityZone');
    return { id, ...(port !== undefined ? { port } : {}), ...(zone ? { availabilityZone: zone } : {}) };
  });
}

/** `Targets.member.N`, optional (DescribeTargetHealth). */
export function optTargetList(params: URLSearchParams): TargetInput[] | undefined {
  return [...params.keys()].some((k) => k.startsWith('Targets.member.')) ? targetList(params) : undefined;
}

/** `Attributes.member.N.{Key,Value}`. */
export function attributeList(params: URLSearchParams): { key: string; value: string }[] {
  return structList(params, 'Attributes').map((fields, i) => {
    const key = fields.get('Key');
    if (!key) {
      throw validationError(`1 validation error detected: Value null at 'attributes.${i + 1}.member.key' failed to satisfy constraint: Member must not be null`);
    }
    return { key, value: fields.get('Value') ?? '' };
  });
}

const TARGET_GROUP_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;

/** Rejects what cannot be a target group ARN, as ELBv2 does before looking it up. */
export function checkTargetGroupArn(arn: string): void {
  if (!TARGET_GROUP_ARN.test(arn)) throw validationError(`'${arn}' is not a valid target group ARN`);
}

export const targetGroupNotFound = (what = 'One or more target groups not found'): SimError => new SimError('TargetGroupNotFound', what);
