import { afterEach, describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/kafka-client.js';
import { ensureTopics } from '../../src/kafka/ensure-topics.js';
import { QuotaTopic } from '../../src/kafka/quota-topic.js';
import { decodeShareRecord } from '../../src/router/sharing/share-record.js';
import { keyFingerprint } from '../../src/router/sharing/key-fingerprint.js';
import { QuotaSharing, SOONEST_REPORT_MS } from '../../src/router/sharing/quota-sharing.js';
import { consumeUntil, testBrokers, uniqueTopic, withAdmin } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Instances exchanging their quota records on a real broker, in one process: each has its own
 * QuotaSharing and QuotaTopic (its own client, as each tagspace process has).
 */
const KEY = 'AIzaSyQuotaTopicTestKey0123456789abcd';
const OTHER_KEY = 'AIzaSyQuotaTopicOtherKey0123456789ab';
const started: QuotaTopic[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.stop()));
});

function instance(topic: string, name: string, key = KEY, readyTimeoutMs = 10_000) {
  const sharing = new QuotaSharing({ instance: name, sessionTimeoutMs: 6_000, now: Date.now });
  const share = sharing.shareFor('gemini', keyFingerprint(key));
  share.demand(Date.now(), 1);
  const kafka = createKafka({
    brokers: testBrokers(),
    clientId: name,
    retry: { retries: 3, maxRetryTime: 1_000 },
  });
  const quotaTopic = new QuotaTopic({
    kafka,
    topic,
    instance: name,
    exchange: sharing,
    tickMs: SOONEST_REPORT_MS,
    readyTimeoutMs,
  });
  started.push(quotaTopic);
  return { sharing, share, quotaTopic, start: () => quotaTopic.start() };
}

async function quotaTopicNamed(prefix: string): Promise<string> {
  const topic = uniqueTopic(prefix);
  await ensureTopics(createKafka({ brokers: testBrokers() }), [QuotaTopic.spec(topic)]);
  return topic;
}

describe('the quota topic', () => {
  it('is created by the first instance, compacted, on one partition, deleting what crashed instances left after an hour', async () => {
    const topic = uniqueTopic('quota-spec');
    await instance(topic, 'a').start();
    const config = await withAdmin((admin) =>
      admin.describeConfigs({ resources: [{ type: 2, name: topic }], includeSynonyms: false }),
    );
    const entries = new Map(config.resources[0]?.configEntries.map((e) => [e.configName, e.configValue]));
    expect(entries.get('cleanup.policy')).toBe('compact,delete');
    expect(entries.get('retention.ms')).toBe('3600000');
    const partitions = await withAdmin(async (admin) => (await admin.fetchTopicOffsets(topic)).length);
    expect(partitions).toBe(1);
  });

  it('starts an instance on an empty topic only once its reader has joined and read it, its own first record included', async () => {
    // Before, an empty topic let start() go at once, before the reader's group had joined (3 s on
    // a broker with Kafka's default first-join delay): the instance called blind to its peers.
    const topic = await quotaTopicNamed('quota-empty');
    const a = instance(topic, 'a');
    await a.start();
    expect(a.sharing.connected()).toBe(true);
  });

  it('lets instances on one key find each other and split it, and keeps other keys apart', async () => {
    const topic = await quotaTopicNamed('quota-find');
    const a = instance(topic, 'a');
    const b = instance(topic, 'b');
    const c = instance(topic, 'c', OTHER_KEY);
    await Promise.all([a.start(), b.start(), c.start()]);
    await waitFor(() => a.share.instances(Date.now()) === 2 && b.share.instances(Date.now()) === 2, {
      message: 'a and b to see each other',
    });
    expect(a.share.fraction(Date.now())).toBeCloseTo(1 / 2);
    expect(c.share.instances(Date.now())).toBe(1);
    expect(c.share.fraction(Date.now())).toBe(1);
    await waitFor(() => a.sharing.connected(), { message: 'a to read its own records back' });
  });

  it('tells each instance the usage the others were admitted, within a report interval', async () => {
    const topic = await quotaTopicNamed('quota-usage');
    const a = instance(topic, 'a');
    const b = instance(topic, 'b');
    await Promise.all([a.start(), b.start()]);
    const t = Date.now();
    for (let i = 0; i < 7; i++) b.share.admitted(t, 100);
    await waitFor(() => a.share.peersUsage(Date.now(), 10_000).requests === 7, {
      timeoutMs: 5_000,
      message: 'a to hear of b’s 7 calls',
    });
    expect(a.share.peersUsage(Date.now(), 10_000).tokens).toBe(700);
  });

  it('starts a joiner from what the topic holds: it knows the others and their estimate before it publishes', async () => {
    const topic = await quotaTopicNamed('quota-join');
    const a = instance(topic, 'a');
    a.share.estimate({ windowMs: 10_000, requests: 30, learntAt: Date.now() });
    await a.start();
    await waitFor(() => a.sharing.connected(), { message: 'a to be on the topic' });
    const b = instance(topic, 'b');
    await b.start();
    expect(b.share.instances(Date.now())).toBe(2);
    expect(b.share.newestEstimate()).toMatchObject({ windowMs: 10_000, requests: 30, by: 'a' });
  });

  it('takes an instance that stops out at once, by its tombstone', async () => {
    const topic = await quotaTopicNamed('quota-leave');
    const a = instance(topic, 'a');
    const b = instance(topic, 'b');
    await Promise.all([a.start(), b.start()]);
    await waitFor(() => a.share.instances(Date.now()) === 2, { message: 'a to see b' });
    await b.quotaTopic.stop();
    await waitFor(() => a.share.instances(Date.now()) === 1, {
      timeoutMs: 3_000,
      message: 'a to see b leave (well before the 6 s session timeout)',
    });
    const records = await consumeUntil(topic, (m) =>
      m.some((x) => x.key?.endsWith('/b') && x.value === null),
    );
    // What b published names its key by fingerprint only.
    for (const r of records) {
      expect(r.key?.startsWith(`${keyFingerprint(KEY)}/`)).toBe(true);
      expect(`${r.key} ${r.value}`).not.toContain(KEY);
      if (r.value !== null) expect(decodeShareRecord(r.value)).toBeDefined();
    }
  });

  it('starts alone in seconds, without stalling, when the topic cannot be created or read', async () => {
    // A name the broker refuses, as it would a topic this instance has no right to.
    const a = instance(`${uniqueTopic('quota-refused')}/x`, 'a', KEY, 2_000);
    const began = Date.now();
    await a.start();
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(a.share.fraction(Date.now())).toBe(1);
    expect(a.sharing.connected()).toBe(false);
  });
});
