import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../../support/cli.js';
import { createTopics, testBrokers, uniqueTopic, withAdmin } from '../../support/kafka.js';

/**
 * A replay reads what is on its topic. Before, a misspelt --topic was created, replayed empty and
 * reported as "0 events" with exit 0: the user's full-space run did nothing and said it succeeded.
 */
describe('replay of a topic that does not exist', () => {
  it('stops at start-up with one line naming the topic it most likely meant, exit 2, and creates nothing', async () => {
    const topic = uniqueTopic('missing-events');
    await createTopics([{ topic }]);
    const misspelt = topic.replace('events', 'evnets');
    const tags = uniqueTopic('missing-tags');
    const result = await runCli(
      [
        'replay',
        ...['--brokers', testBrokers().join(','), '--topic', misspelt, '--tags-topic', tags],
        ...['--dlq-topic', `${tags}-dlq`, '--quota-topic', `${tags}-quota`],
        ...['--gemini-base-url', 'http://127.0.0.1:18999'],
      ],
      { env: cleanEnv({ GEMINI_API_KEY: 'missing-topic-key' }) },
    );
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect(lines.filter((l) => !l.includes('"level":"info"'))).toEqual([
      `tagspace: topic ${misspelt} does not exist, so there is nothing to replay (--topic or TAGSPACE_TOPIC); did you mean ${topic}?`,
    ]);
    const topics = await withAdmin((admin) => admin.listTopics());
    expect(topics.filter((t) => [misspelt, tags, `${tags}-dlq`].includes(t))).toEqual([]);
  });
});
