import type { Kafka, Producer } from 'kafkajs';

/**
 * The producer of an at-least-once run: idempotent, so a retried send is written once.
 * (Exactly-once mode uses a TransactionalProducer.)
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
}
