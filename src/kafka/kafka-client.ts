import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import { logger } from '../telemetry/log.js';

const log = logger('kafka');

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/**
 * kafkajs's warning that an idempotent producer's retries are limited. They are, on purpose: a
 * broker gone for good fails the run after its retries (what was not written is re-read on
 * restart, and a restarted producer gets a new id and sequence) instead of hanging it forever.
 */
const KNOWN_CHOICES = [/^Limiting retries for the idempotent producer/];

// kafkajs logs through its own interface; route it to ours so every line is structured JSON.
function logCreator() {
  return ({ level, label, log: entry }: LogEntry) => {
    const { message, timestamp: _t, logger: _l, ...fields } = entry;
    if (KNOWN_CHOICES.some((re) => re.test(message))) return;
    log[LEVELS[level] ?? 'info']({ ...fields, kafkaLevel: label }, message);
  };
}

export interface KafkaClientOptions {
  brokers: string[];
  clientId?: string;
  /**
   * How long a request keeps being retried while the cluster does not answer. Default: up to 30
   * tries, 10 s apart at most (a run waits out a broker restart). Short for work whose requests
   * are stale by the time a retry would send them (the quota topic's records).
   */
  retry?: { retries: number; maxRetryTime: number };
}

/**
 * A kafkajs client; a job's consumer, producers and admins come from one. The transactional
 * producer gets its own (clients of one share a committed-offsets cache its sendOffsets would
 * write into: transactional-producer.ts), and quota sharing its own (shorter retries).
 */
export function createKafka(opts: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: opts.clientId ?? 'tagspace',
    brokers: opts.brokers,
    logLevel: KafkaLogLevel.WARN,
    logCreator,
    connectionTimeout: 5_000,
    // A broker that is down for a while (restart, failover) must not end the run: keep trying.
    retry: { initialRetryTime: 300, retries: 30, maxRetryTime: 10_000, ...opts.retry },
  });
}
