/**
 * ECS ARNs in their current ("long") format:
 *   cluster            arn:aws:ecs:<region>:<account>:cluster/<name>
 *   container instance arn:aws:ecs:<region>:<account>:container-instance/<cluster>/<32 hex>
 *   task               arn:aws:ecs:<region>:<account>:task/<cluster>/<32 hex>
 *   task definition    arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>
 *   container          arn:aws:ecs:<region>:<account>:container/<cluster>/<task id>/<uuid>
 */
export interface ArnScope {
  region: string;
  accountId: string;
}

const prefix = (s: ArnScope) => `arn:aws:ecs:${s.region}:${s.accountId}:`;

export const clusterArn = (s: ArnScope, name: string) => `${prefix(s)}cluster/${name}`;
export const containerInstanceArn = (s: ArnScope, cluster: string, id: string) =>
  `${prefix(s)}container-instance/${cluster}/${id}`;
export const taskArn = (s: ArnScope, cluster: string, id: string) => `${prefix(s)}task/${cluster}/${id}`;
export const taskDefinitionArn = (s: ArnScope, family: string, revision: number) =>
  `${prefix(s)}task-definition/${family}:${revision}`;
export const containerArn = (s: ArnScope, cluster: string, taskId: string, id: string) =>
  `${prefix(s)}container/${cluster}/${taskId}/${id}`;

export interface ParsedArn {
  region: string;
  accountId: string;
  /** e.g. 'cluster', 'task', 'container-instance', 'task-definition'. */
  type: string;
  /** Everything after `<type>/`. */
  resource: string;
}

/** Splits an ECS ARN; undefined when the string is not one. */
export function parseEcsArn(arn: string): ParsedArn | undefined {
  const m = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):([a-z-]+)\/(.+)$/.exec(arn);
  if (!m) return undefined;
  return { region: m[1] as string, accountId: m[2] as string, type: m[3] as string, resource: m[4] as string };
}

/** True when the ARN belongs to this simulator's account and region. */
export function inScope(s: ArnScope, arn: ParsedArn): boolean {
  return arn.region === s.region && arn.accountId === s.accountId;
}
