import { Kafka, logLevel as KafkaLogLevel, type LogEntry, type Mechanism, type SASLOptions } from 'kafkajs';
import { levelOfKafkaLog } from './kafkajs-log-level.js';
import { logger } from '../telemetry/log.js';
import type { KafkaSecurity, SaslCredentials } from './kafka-security.js';
import { oauthBearerLogin } from './oauth-bearer-login.js';
import { tokenSourceFor } from './oauth-token-source.js';
import { mskTokenSourceFor } from './msk-iam-token-source.js';

const log = logger('kafka');

/**
 * kafkajs logs through its own interface; route it to ours so every line is structured JSON. A
 * client whose component reports its own failures has kafkajs's lines at debug.
 */
function logCreatorFor(reportsOwnFailures: boolean) {
  return () =>
    ({ level, label, log: entry }: LogEntry) => {
      const { message, timestamp: _t, logger: _l, ...fields } = entry;
      const to = levelOfKafkaLog(level, entry);
      if (to !== undefined) log[reportsOwnFailures ? 'debug' : to]({ ...fields, kafkaLevel: label }, message);
    };
}

export interface KafkaClientOptions {
  brokers: string[];
  /** TLS and SASL, as the cluster asks; absent = a plain connection. */
  security?: KafkaSecurity;
  clientId?: string;
  /**
   * How long a request keeps being retried while the cluster does not answer. Default: up to 30
   * tries, 10 s apart at most (a run waits out a broker restart). Short for work whose requests
   * are stale by the time a retry would send them (the quota topic's records).
   */
  retry?: { retries: number; maxRetryTime: number };
  /**
   * The component using the client says in its own lines when the cluster fails it (quota
   * sharing: "lost its topic", "records not sent", once an outage): kafkajs's retries and
   * restarts, several lines a second while brokers are down, go to debug.
   */
  reportsOwnFailures?: boolean;
}

/**
 * A kafkajs client; a job's consumer, producers and admins come from one. The transactional
 * producer gets its own (clients of one share a committed-offsets cache its sendOffsets would
 * write into: transactional-producer.ts), and quota sharing its own (shorter retries).
 */
export function createKafka(opts: KafkaClientOptions): Kafka {
  const { tls, sasl } = opts.security ?? {};
  return new Kafka({
    clientId: opts.clientId ?? 'tagspace',
    brokers: opts.brokers,
    ...(tls !== undefined && { ssl: tls.ca === undefined ? true : { ca: [tls.ca] } }),
    ...(sasl !== undefined && { sasl: saslOptions(sasl) }),
    logLevel: KafkaLogLevel.WARN,
    logCreator: logCreatorFor(opts.reportsOwnFailures === true),
    connectionTimeout: 5_000,
    // A broker that is down for a while (restart, failover) must not end the run: keep trying.
    retry: { initialRetryTime: 300, retries: 30, maxRetryTime: 10_000, ...opts.retry },
  });
}

/** kafkajs's SASL options: OAUTHBEARER asks the run's one token source at every login. */
function saslOptions(sasl: SaslCredentials): SASLOptions | Mechanism {
  if (sasl.mechanism === 'aws-msk-iam') {
    const source = mskTokenSourceFor(sasl.aws);
    return oauthBearerLogin(() => source.token());
  }
  if (sasl.mechanism !== 'oauthbearer') return sasl;
  const source = tokenSourceFor(sasl.oauth);
  return oauthBearerLogin(() => source.token());
}
