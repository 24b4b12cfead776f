import { randomBytes } from 'node:crypto';
import { kafkaConnection } from './kafka-connection.js';
import type { Config } from './config.js';
import { createKafka } from '../kafka/kafka-client.js';
import { QuotaTopic } from '../kafka/quota-topic.js';
import type { ProviderName } from '../model/provider-name.js';
import { keyFingerprint } from '../router/sharing/key-fingerprint.js';
import type { QuotaShare } from '../router/sharing/quota-share.js';
import { QuotaSharing, TICK_MS } from '../router/sharing/quota-sharing.js';

/** How long a starting instance waits to have read the quota topic before it goes on alone. */
const READY_TIMEOUT_MS = 5_000;

export interface QuotaSharingRun {
  /** The share of each configured provider's key (none when sharing is off). */
  shares: Partial<Record<ProviderName, QuotaShare>> | undefined;
  /** Starts reading and publishing; resolves once the topic's past is read (or it timed out). */
  start(): Promise<void>;
  /** A last record and a tombstone per key, then disconnects. */
  stop(): Promise<void>;
}

/**
 * Quota sharing for a Kafka job (docs/quota.md): one QuotaShare per configured provider key,
 * known to the others by its fingerprint, exchanged on --quota-topic. The sharing id is the
 * instance id and a random suffix, so two processes with one --instance-id (or one host name)
 * never pass for one.
 */
export function quotaSharingFor(config: Config): QuotaSharingRun {
  if (!config.quota.sharing) {
    return { shares: undefined, start: () => Promise.resolve(), stop: () => Promise.resolve() };
  }
  const instance = `${config.kafka.instanceId}-${randomBytes(3).toString('hex')}`;
  const sharing = new QuotaSharing({
    instance,
    sessionTimeoutMs: config.kafka.sessionTimeoutMs,
    now: Date.now,
  });
  const shares: Partial<Record<ProviderName, QuotaShare>> = {};
  for (const name of ['gemini', 'openai'] as const) {
    const key = config[name].apiKey;
    if (key !== undefined) shares[name] = sharing.shareFor(name, keyFingerprint(key));
  }
  // Its own client: its records are stale after a second, so it retries little, and nothing it
  // still retries can outlive the run. Its kafkajs lines are debug: with the brokers down, its
  // consumer's restarts wrote four error lines a second beside the job's own, where quota-topic.ts
  // and quota-sharing.ts say the outage once.
  const kafka = createKafka({
    ...kafkaConnection(config),
    clientId: 'tagspace-quota',
    retry: { retries: 3, maxRetryTime: 1_000 },
    reportsOwnFailures: true,
  });
  const topic = new QuotaTopic({
    kafka,
    topic: config.quota.topic,
    instance,
    exchange: sharing,
    tickMs: TICK_MS,
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
  return {
    shares,
    start: () => topic.start(),
    stop: () => topic.stop(),
  };
}
