import { describe, expect, it } from 'vitest';
import { missingTopicError } from '../../src/cli/missing-topic.js';

describe('missingTopicError', () => {
  it('is a bad setting naming the topic and the setting that named it', () => {
    const err = missingTopicError('page-events', ['page-tags']);
    expect(err.kind).toBe('config');
    expect(err.retriable).toBe(false);
    expect(err.message).toBe(
      'topic page-events does not exist, so there is nothing to replay (--topic or TAGSPACE_TOPIC)',
    );
  });

  it('suggests the closest topic within a quarter of the name’s length, and never one of Kafka’s own', () => {
    const existing = ['__consumer_offsets', 'page-tags', 'page-events', 'page-events-dlq'];
    expect(missingTopicError('page-evnets', existing).message).toMatch(/; did you mean page-events\?$/);
    expect(missingTopicError('pageevents', existing).message).toMatch(/; did you mean page-events\?$/);
    expect(missingTopicError('wiki-edits', existing).message).not.toContain('did you mean');
    expect(missingTopicError('_consumer_offsets', existing).message).not.toContain('did you mean');
  });

  it('names what a command other than replay would have done, and its setting', () => {
    const use = { verb: 'write back', flag: '--tags-topic', env: 'TAGSPACE_TAGS_TOPIC' };
    const err = missingTopicError('page-tgas', ['page-tags'], use);
    expect(err.message).toBe(
      'topic page-tgas does not exist, so there is nothing to write back (--tags-topic or TAGSPACE_TAGS_TOPIC); did you mean page-tags?',
    );
  });
});
