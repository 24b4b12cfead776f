import type { Config } from './config.js';
import type { KafkaSecurity } from '../kafka/kafka-security.js';
import { reachBrokers } from '../kafka/reach-brokers.js';

/** Where the brokers are and how to meet them (TLS, SASL): what every Kafka client of a command needs. */
export function kafkaConnection(config: Config): { brokers: string[]; security: KafkaSecurity } {
  return { brokers: config.kafka.brokers, security: config.kafka.security };
}

/**
 * A command's first contact with Kafka, before any client: brokers that cannot be reached are one
 * line within seconds (reach-brokers.ts), not the minutes a kafkajs client spends retrying.
 */
export function reachKafka(config: Config, signal?: AbortSignal): Promise<void> {
  return reachBrokers(config.kafka.brokers, {
    setting: 'KAFKA_BROKERS or --brokers',
    tls: config.kafka.security.tls,
    ...(signal !== undefined && { signal }),
  });
}
