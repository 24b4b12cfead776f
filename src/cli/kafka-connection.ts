import type { Config } from './config.js';
import type { KafkaSecurity } from '../kafka/kafka-security.js';

/** Where the brokers are and how to meet them (TLS, SASL): what every Kafka client of a command needs. */
export function kafkaConnection(config: Config): { brokers: string[]; security: KafkaSecurity } {
  return { brokers: config.kafka.brokers, security: config.kafka.security };
}
