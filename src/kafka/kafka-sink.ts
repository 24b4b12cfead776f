import { concatMap, from, map, mergeMap, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { asyncScheduler } from 'rxjs';
import type { Message, Producer, TopicMessages } from 'kafkajs';
import { encodeTagRecord } from '../model/tag-record.js';
import { bufferLinger } from '../operators/buffer-linger.js';
import type { Outcome } from '../model/work.js';
import { deadLetterMessage } from './dead-letter.js';
import type { PartitionSender } from './partition-sender.js';
import { removalVersion, TOMBSTONE_VERSION_HEADER } from './tombstone-version.js';

export interface KafkaSinkOptions {
  producer: Producer;
  /** Writes each partition's records in its own produce call (partition-sender.ts). */
  sender: PartitionSender;
  tagsTopic: string;
  dlqTopic: string;
  /** Outcomes per produce request. */
  maxBatch?: number;
  /** How long outcomes wait to share a produce request. */
  lingerMs?: number;
  scheduler?: SchedulerLike;
  /**
   * The Kafka headers of the TagRecord (or tombstone) written for an outcome. Default: the input
   * event's own `traceparent`/`tracestate`; tracing passes its produce span's context instead.
   */
  headersFor?: HeadersFor;
}

export type HeadersFor = (outcome: Outcome) => Record<string, string>;

/**
 * Writes outcomes to Kafka and re-emits each one only after the partition's leader acknowledged it
 * with all in-sync replicas, so the offset tracker downstream never marks an event finished before
 * its outcome is durable.
 * Writes are sequential (concatMap): two versions of one page reach the compacted topic in order.
 */
export function kafkaSink(opts: KafkaSinkOptions): OperatorFunction<Outcome, Outcome> {
  const { producer, sender, tagsTopic, dlqTopic, maxBatch = 500, lingerMs = 20 } = opts;
  const { scheduler = asyncScheduler } = opts;
  const { headersFor } = opts;
  return (source) =>
    source.pipe(
      bufferLinger<Outcome>(lingerMs, maxBatch, scheduler),
      concatMap((outcomes) => {
        const topicMessages = toTopicMessages(outcomes, tagsTopic, dlqTopic, headersFor);
        return from(sender.send(producer, topicMessages)).pipe(map(() => outcomes));
      }),
      mergeMap((outcomes) => outcomes),
    );
}

export function toTopicMessages(
  outcomes: readonly Outcome[],
  tagsTopic: string,
  dlqTopic: string,
  headersFor: HeadersFor = (o) => traceHeaders(o.delivery.headers),
): TopicMessages[] {
  const tags: Message[] = [];
  const dlq: Message[] = [];
  for (const o of outcomes) {
    switch (o.kind) {
      case 'tagged':
        tags.push({
          key: o.record.pageId,
          value: encodeTagRecord(o.record),
          headers: headersFor(o),
        });
        break;
      case 'tombstone':
        tags.push({ key: o.pageId, value: null, headers: withRemovalVersion(headersFor(o), o) });
        break;
      case 'dead_letter':
        dlq.push(deadLetterMessage(o));
        break;
      case 'skipped':
        break;
    }
  }
  const out: TopicMessages[] = [];
  if (tags.length > 0) out.push({ topic: tagsTopic, messages: tags });
  if (dlq.length > 0) out.push({ topic: dlqTopic, messages: dlq });
  return out;
}

function withRemovalVersion(
  headers: Record<string, string>,
  outcome: Extract<Outcome, { kind: 'tombstone' }>,
): Record<string, string> {
  const version = removalVersion(outcome);
  return version === undefined ? headers : { ...headers, [TOMBSTONE_VERSION_HEADER]: String(version) };
}

function traceHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers.traceparent !== undefined) out.traceparent = headers.traceparent;
  if (headers.tracestate !== undefined) out.tracestate = headers.tracestate;
  return out;
}
