import { redactSecrets } from '../errors.js';
import type { Outcome } from '../work.js';

/** Headers of a dead-letter record: why it is there and where it came from. */
export const DLQ_HEADERS = {
  kind: 'tagspace.error.kind',
  message: 'tagspace.error.message',
  retriable: 'tagspace.error.retriable',
  topic: 'tagspace.source.topic',
  partition: 'tagspace.source.partition',
  offset: 'tagspace.source.offset',
  attempts: 'tagspace.attempts',
  failedAt: 'tagspace.failed.at',
} as const;

type DeadLetter = Extract<Outcome, { kind: 'dead_letter' }>;

export function deadLetterHeaders(outcome: DeadLetter, now: Date = new Date()): Record<string, string> {
  const { delivery, error, attempts } = outcome;
  return {
    // The original headers ride along (trace context included), ours beside them.
    ...delivery.headers,
    [DLQ_HEADERS.kind]: error.kind,
    [DLQ_HEADERS.message]: redactSecrets(error.message).slice(0, 1000),
    [DLQ_HEADERS.retriable]: String(error.retriable),
    [DLQ_HEADERS.topic]: delivery.topic,
    [DLQ_HEADERS.partition]: String(delivery.partition),
    [DLQ_HEADERS.offset]: delivery.offset,
    [DLQ_HEADERS.attempts]: String(attempts),
    [DLQ_HEADERS.failedAt]: now.toISOString(),
  };
}
