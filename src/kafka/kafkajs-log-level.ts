import { logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';

export type LogLevelName = 'error' | 'warn' | 'info' | 'debug';

const LEVELS: Record<number, LogLevelName> = {
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

/**
 * CONCURRENT_TRANSACTIONS: a transaction begun right after the last one committed is told so while
 * the broker writes the last one's markers, and kafkajs retries in milliseconds
 * (transactional-producer.ts). kafkajs logs each try as two errors — dozens of "error" lines in an
 * exactly-once run, at its start and after each failover. Should the retries run out, the
 * transaction's failure is tagspace's own warning (transactional-sink.ts).
 */
const ROUTINE_RETRIES = [/another concurrent operation on the same transaction was ongoing/];

/**
 * The level a kafkajs log entry is written at, or undefined when it is not written:
 *
 *   level(e) = none    if e is a known choice of ours
 *            = debug   if e is a routine retry
 *            = kafkajs's level otherwise
 */
export function levelOfKafkaLog(
  level: number,
  entry: Pick<LogEntry['log'], 'message'> & { error?: unknown },
): LogLevelName | undefined {
  if (KNOWN_CHOICES.some((re) => re.test(entry.message))) return undefined;
  const text = `${entry.message} ${typeof entry.error === 'string' ? entry.error : ''}`;
  if (ROUTINE_RETRIES.some((re) => re.test(text))) return 'debug';
  return LEVELS[level] ?? 'info';
}
