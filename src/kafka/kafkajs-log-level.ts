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
 * Retries kafkajs makes on its own, milliseconds apart, each of which it logs as an error.
 * CONCURRENT_TRANSACTIONS: a transaction begun right after the last one committed is told so while
 * the broker writes the last one's markers (transactional-producer.ts) — dozens of "error" lines in
 * an exactly-once run, at its start and after each failover. Should the retries run out, the
 * failure is tagspace's own error or warning (transactional-sink.ts, the job's).
 */
const ROUTINE_RETRIES = [
  /another concurrent operation on the same transaction was ongoing/,
  // GROUP_COORDINATOR_NOT_AVAILABLE and GROUP_LOAD_IN_PROGRESS: a fresh broker creates its
  // offsets topic at a group's first use, and a broker that has just become a coordinator (that,
  // or a failover) reads its log first. A first `gen` and `run` on a new broker each printed one
  // as an error before they did their work.
  /The group coordinator is not available/,
  /The coordinator is loading and hence can't process requests/,
  // UNKNOWN_TOPIC_OR_PARTITION to a metadata request: a topic tagspace has just created is not yet
  // in the metadata of the broker asked (a replay on a fresh topic logged one as an error). The
  // wait for its leaders asks again and names the topic itself should it never come
  // (topic-leaders.ts); a produce or fetch refused so keeps kafkajs's level.
  /^Response Metadata\(.* This server does not host this topic-partition/,
  // Not a retry, but ours to report: a DescribeConfigs refused for want of DESCRIBE_CONFIGS, an ACL
  // tagspace does not need. The compaction check is skipped and says so (compaction-check.ts).
  /^Response DescribeConfigs\(.* Not authorized to access topics/,
];

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
