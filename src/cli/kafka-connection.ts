import type { Config } from './config.js';
import { saslIdentity, type KafkaSecurity } from '../kafka/kafka-security.js';
import { mskTokenSourceFor } from '../kafka/msk-iam-token-source.js';
import { tokenSourceFor } from '../kafka/oauth-token-source.js';
import { reachBrokers } from '../kafka/reach-brokers.js';
import { logger } from '../telemetry/log.js';

const log = logger('kafka-connection');

/** Where the brokers are and how to meet them (TLS, SASL): what every Kafka client of a command needs. */
export function kafkaConnection(config: Config): { brokers: string[]; security: KafkaSecurity } {
  return { brokers: config.kafka.brokers, security: config.kafka.security };
}

/**
 * A command's first contact with Kafka, before any client: brokers that cannot be reached are one
 * line within seconds (reach-brokers.ts), not the minutes a kafkajs client spends retrying.
 */
export async function reachKafka(config: Config, signal?: AbortSignal): Promise<void> {
  const { brokers, security } = config.kafka;
  await reachBrokers(brokers, {
    setting: 'KAFKA_BROKERS or --brokers',
    tls: security.tls,
    ...(signal !== undefined && { signal }),
  });
  // A token endpoint that refuses the client, or AWS credentials that cannot be found, is one line now too.
  if (security.sasl?.mechanism === 'oauthbearer') await tokenSourceFor(security.sasl.oauth).token();
  if (security.sasl?.mechanism === 'aws-msk-iam') await mskTokenSourceFor(security.sasl.aws).token();
  // How it connects, so an operator sees which cluster and which user (never the password).
  const sasl =
    security.sasl === undefined ? {} : { sasl: security.sasl.mechanism, user: saslIdentity(security.sasl) };
  log.info({ brokers, tls: security.tls !== undefined, ...sasl }, 'kafka reached');
}
