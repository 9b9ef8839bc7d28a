/**
 * Failure reasons as RunTask reports them, one row per container instance that could not take the
 * task (`arn` = that instance's ARN). RESOURCE:*, AGENT and ATTRIBUTE are the documented codes
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/api_failures_messages.html);
 * ATTRIBUTE is for attributes the task definition requires, not for memberOf. A memberOf or
 * distinctInstance miss is reported with the sentence ECS uses for it (the API failure reasons
 * page lists "TaskFailedToStart: MemberOf placement constraint unsatisfied"; service events quote
 * both sentences with their final period).
 */
export const FAILURE_REASONS = {
  cpu: 'RESOURCE:CPU',
  memory: 'RESOURCE:MEMORY',
  ports: 'RESOURCE:PORTS',
  agent: 'AGENT',
  attribute: 'ATTRIBUTE',
  memberOf: 'MemberOf placement constraint unsatisfied.',
  distinctInstance: 'DistinctInstance placement constraint unsatisfied.',
} as const;

/**
 * RunTask (EC2 launch type) on a cluster with no ACTIVE container instance is not a partial
 * failure: ECS answers InvalidParameterException with this message.
 */
export const NO_CONTAINER_INSTANCES = 'No Container Instances were found in your cluster.';
