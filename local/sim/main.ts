/**
 * `npm run local:aws`: the simulator standalone, in real time, so the AWS CLI or any SDK can use it.
 *   AWS_ENDPOINT_URL=http://127.0.0.1:4566 aws ecs list-clusters
 */
import { startSimulator } from './index';

const port = Number(process.env.SIM_PORT ?? 4566);
const sim = await startSimulator({ clock: 'real', port, seed: Number(process.env.SIM_SEED ?? Date.now() % 1e9) });
console.log(`Shepherd local AWS (ECS, EventBridge, Auto Scaling) listening on ${sim.endpoint}`);
console.log(`  export AWS_ENDPOINT_URL_ECS=${sim.endpoint} AWS_ENDPOINT_URL_EVENTBRIDGE=${sim.endpoint} AWS_ENDPOINT_URL_AUTO_SCALING=${sim.endpoint}`);
console.log('  any access key works; region us-east-1. Ctrl-C stops it.');
const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
