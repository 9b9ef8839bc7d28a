/**
 * The AWS region from the standard configuration: AWS_REGION, AWS_DEFAULT_REGION (the AWS CLI's
 * name), then the profile's `region` in the shared config file (AWS_PROFILE, AWS_CONFIG_FILE), as
 * the SDK itself resolves it. The SDK is loaded only when the environment does not say.
 */
export async function regionFromChain(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const fromEnv = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({});
  try {
    return await client.config.region();
  } catch {
    return undefined; // "Region is missing": nothing configured.
  } finally {
    client.destroy();
  }
}
