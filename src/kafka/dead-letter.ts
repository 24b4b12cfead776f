import type { Message } from 'kafkajs';
import { redactSecrets } from '../model/errors.js';
import type { Outcome } from '../model/work.js';

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
  /** Present when the value was cut to fit the topic: the original size in bytes. */
  valueTruncated: 'tagspace.value.truncated',
} as const;

/** max.message.bytes of the dead-letter topic tagspace creates: room for a 10 MB event and more. */
export const DLQ_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Longest value kept whole. A bigger event (its input topic may allow more than the dead-letter
 * topic does) is cut to this, and says so in a header: one huge event must not stop the run.
 */
export const DLQ_MAX_VALUE_BYTES = DLQ_MAX_MESSAGE_BYTES - 256 * 1024;

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

/** The dead-letter record of an outcome: the original key and bytes, and why. */
export function deadLetterMessage(outcome: DeadLetter, maxValueBytes = DLQ_MAX_VALUE_BYTES): Message {
  const headers = deadLetterHeaders(outcome);
  const value = outcome.delivery.value;
  if (value !== null && value.length > maxValueBytes) {
    headers[DLQ_HEADERS.valueTruncated] = String(value.length);
    return { key: outcome.delivery.key, value: value.subarray(0, maxValueBytes), headers };
  }
  return { key: outcome.delivery.key, value, headers };
}
