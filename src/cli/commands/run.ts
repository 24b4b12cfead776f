import type { Config } from '../config.js';
import { kafkaJob } from './kafka-job.js';

/** `tagspace run`: continuous tagging as a member of a consumer group. */
export function runCommand(config: Config): Promise<number> {
  return kafkaJob(config, 'run');
}
