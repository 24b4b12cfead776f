import { describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/kafka-client.js';
import { ensureTopics } from '../../src/kafka/ensure-topics.js';
import { captureLogs } from '../router/router-fixtures.js';
import { testBrokers, uniqueTopic, withAdmin } from '../support/kafka.js';

const logs = captureLogs();

async function createTopic(topic: string, config: Record<string, string>): Promise<void> {
  await withAdmin((admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: -1,
          configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
        },
      ],
    }),
  );
}

describe('a state topic someone else created', () => {
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'compaction-check-test' });

  it('is reported, with a warning naming it and the fix, when its records expire (delete policy, finite retention)', async () => {
    const topic = uniqueTopic('tags-delete');
    await createTopic(topic, { 'cleanup.policy': 'delete', 'retention.ms': '86400000' });
    const found = await ensureTopics(kafka, [{ topic, compacted: true }]);
    expect(found.uncompacted).toEqual([{ topic, cleanupPolicy: 'delete', retentionMs: '86400000' }]);
    const warning = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.topic === topic);
    expect(warning).toMatchObject({
      level: 'warn',
      component: 'topics',
      msg: 'state topic is not compacted: its records expire with its retention',
      cleanupPolicy: 'delete',
      retentionMs: 86_400_000,
    });
    expect(warning?.fix).toContain(`--entity-name ${topic} --add-config cleanup.policy=compact`);
  });

  it('is accepted when compacted (alone or with delete) or kept forever, and one tagspace created is too', async () => {
    const kept = [
      uniqueTopic('tags-compact'),
      uniqueTopic('tags-compact-delete'),
      uniqueTopic('tags-forever'),
    ];
    await createTopic(kept[0]!, { 'cleanup.policy': 'compact' });
    await createTopic(kept[1]!, { 'cleanup.policy': 'compact,delete' });
    await createTopic(kept[2]!, { 'cleanup.policy': 'delete', 'retention.ms': '-1' });
    const ours = uniqueTopic('tags-ours');
    await ensureTopics(kafka, [{ topic: ours, compacted: true }]);
    const found = await ensureTopics(
      kafka,
      [...kept, ours].map((topic) => ({ topic, compacted: true })),
    );
    expect(found.uncompacted).toEqual([]);
  });

  it('is not checked when it is not meant to be compacted (the events topic)', async () => {
    const topic = uniqueTopic('events-delete');
    await createTopic(topic, { 'cleanup.policy': 'delete' });
    expect((await ensureTopics(kafka, [{ topic }])).uncompacted).toEqual([]);
  });
});
