import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/**
 * The producer of an at-least-once run: idempotent, so a retried send is written once.
 * (Exactly-once mode uses a TransactionalProducer.)
 */
export function createProducer(kafka: Kafka): Producer {
  // The default (Java-compatible murmur2) partitioner, named so kafkajs does not warn that it changed.
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
