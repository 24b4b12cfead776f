import { describe, expect, it } from 'vitest';
import { startConfluenceSim } from '../../../src/sim/confluence/start-confluence-sim.js';
import { startSimulator } from '../../../src/sim/simulator.js';
import { loopEnv } from '../../confluence/loop-kit.js';
import { cleanEnv, runCli } from '../../support/cli.js';
import { createTopics, testBrokers, uniqueTopic, withAdmin } from '../../support/kafka.js';

/**
 * A bounded command reads what is on its topic. Before, a misspelt topic was created, read empty
 * and reported as "0 events" (replay) or "0 records" (labels --until-end) with exit 0: the user's
 * full-space run did nothing and said it succeeded.
 */
describe('replay of a topic that does not exist', () => {
  it('stops at start-up with one line naming the topic it most likely meant, exit 2, and creates nothing', async () => {
    const topic = uniqueTopic('missing-events');
    await createTopics([{ topic }]);
    const misspelt = topic.replace('events', 'evnets');
    const tags = uniqueTopic('missing-tags');
    const sim = await startSimulator();
    const result = await runCli(
      [
        'replay',
        ...['--brokers', testBrokers().join(','), '--topic', misspelt, '--tags-topic', tags],
        ...['--dlq-topic', `${tags}-dlq`, '--quota-topic', `${tags}-quota`],
        ...['--gemini-base-url', sim.geminiBaseUrl],
      ],
      { env: cleanEnv({ GEMINI_API_KEY: 'missing-topic-key' }) },
    ).finally(() => sim.close());
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect(lines.filter((l) => !l.includes('"level":"info"'))).toEqual([
      `tagspace: topic ${misspelt} does not exist, so there is nothing to replay (--topic or TAGSPACE_TOPIC); did you mean ${topic}?`,
    ]);
    const topics = await withAdmin((admin) => admin.listTopics());
    expect(topics.filter((t) => [misspelt, tags, `${tags}-dlq`].includes(t))).toEqual([]);
  });
});

describe('labels --until-end on a tags topic that does not exist', () => {
  it('stops at start-up with one line naming the topic it most likely meant, exit 2, and creates nothing', async () => {
    const tags = uniqueTopic('missing-tags');
    await createTopics([{ topic: tags, compact: true }]);
    const misspelt = tags.replace('tags', 'tgas');
    const state = uniqueTopic('missing-owned');
    const wiki = await startConfluenceSim({ spaces: [{ key: 'MIS', pages: 2, seed: 1 }] });
    try {
      const result = await runCli(
        [
          'labels',
          ...['--confluence-url', wiki.url, '--brokers', testBrokers().join(',')],
          ...['--tags-topic', misspelt, '--until-end'],
          ...['--labels-state-topic', state, '--labels-dlq-topic', `${state}-dlq`],
        ],
        { env: loopEnv() },
      );
      expect(result.code).toBe(2);
      const lines = result.stderr.split('\n').filter((l) => l !== '');
      expect(lines.filter((l) => !l.includes('"level":"info"'))).toEqual([
        `tagspace: topic ${misspelt} does not exist, so there is nothing to write back (--tags-topic or TAGSPACE_TAGS_TOPIC); did you mean ${tags}?`,
      ]);
      const topics = await withAdmin((admin) => admin.listTopics());
      expect(topics.filter((t) => [misspelt, state, `${state}-dlq`].includes(t))).toEqual([]);
    } finally {
      await wiki.close();
    }
  });
});
