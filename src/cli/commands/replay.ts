import type { Config } from '../config.js';
import { kafkaJob } from './kafka-job.js';

/** `tagspace replay`: a bounded full-space run that ends with a summary. */
export function replayCommand(config: Config): Promise<number> {
  return kafkaJob(config, 'replay');
}
