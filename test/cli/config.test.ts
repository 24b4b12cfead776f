import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/cli/config.js';
import { TagspaceError } from '../../src/model/errors.js';

function configError(fn: () => unknown): TagspaceError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TagspaceError) return err;
    throw err;
  }
  throw new Error('expected a config error');
}

describe('loadConfig', () => {
  it('uses the origin document defaults when nothing is set', () => {
    const c = loadConfig('replay', [], {});
    expect(c.concurrency).toEqual({ policy: 'adaptive', initial: 3, max: 10 });
    expect(c.batch.size).toBe(5);
    expect(c.cache).toEqual({ enabled: true, size: 1000 });
    expect(c.kafka.brokers).toEqual(['localhost:9092']);
    expect(c.kafka.tagsTopic).toBe('page-tags');
    expect(c.gemini.apiKey).toBeUndefined();
  });

  it('reads the origin environment variables, including the rollback switches', () => {
    const c = loadConfig('run', [], {
      TAG_SPACE_AI_CONCURRENCY: '1',
      TAG_SPACE_MAX_AI_CONCURRENCY: '4',
      TAG_SPACE_BATCH_SIZE: '1',
      TAG_SPACE_CACHE_ENABLED: 'false',
      TAG_SPACE_CACHE_SIZE: '50',
      KAFKA_BROKERS: 'a:9092, b:9092',
      GEMINI_API_KEY: 'secret-key',
    });
    expect(c.concurrency.initial).toBe(1);
    expect(c.concurrency.max).toBe(4);
    expect(c.batch.size).toBe(1);
    expect(c.cache).toEqual({ enabled: false, size: 50 });
    expect(c.kafka.brokers).toEqual(['a:9092', 'b:9092']);
    expect(c.gemini.apiKey).toBe('secret-key');
  });

  it('lets flags override the environment', () => {
    const c = loadConfig('run', ['--batch-size', '7', '--no-cache', '--brokers', 'x:1'], {
      TAG_SPACE_BATCH_SIZE: '2',
      TAG_SPACE_CACHE_ENABLED: 'true',
      KAFKA_BROKERS: 'y:2',
    });
    expect(c.batch.size).toBe(7);
    expect(c.cache.enabled).toBe(false);
    expect(c.kafka.brokers).toEqual(['x:1']);
  });

  it('names the environment variable of a bad value in one line', () => {
    const e = configError(() => loadConfig('run', [], { TAG_SPACE_BATCH_SIZE: 'five' }));
    expect(e.kind).toBe('config');
    expect(e.message).toBe('invalid TAG_SPACE_BATCH_SIZE (--batch-size): "five" is not a number');
  });

  it('names the flag of a bad value', () => {
    const e = configError(() => loadConfig('run', ['--concurrency', '0'], {}));
    expect(e.message).toBe('invalid --concurrency: 0 is below the minimum 1');
  });

  it('limits heap growth to 50 % by default, and takes 0 (V8’s own) or another percent', () => {
    expect(loadConfig('replay', [], {}).heapGrowthPercent).toBe(50);
    expect(loadConfig('run', [], { TAGSPACE_HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(loadConfig('demo', ['--heap-growth', '100'], {}).heapGrowthPercent).toBe(100);
    expect(configError(() => loadConfig('run', ['--heap-growth=-5'], {})).message).toBe(
      'invalid --heap-growth: -5 is below the minimum 0',
    );
  });

  it('takes the consumer group session timeout for run, no shorter than the broker’s default minimum', () => {
    expect(loadConfig('run', [], {}).kafka.sessionTimeoutMs).toBe(10_000);
    expect(loadConfig('run', ['--session-timeout-ms', '6000'], {}).kafka.sessionTimeoutMs).toBe(6000);
    expect(configError(() => loadConfig('run', [], { TAGSPACE_SESSION_TIMEOUT_MS: '500' })).message).toBe(
      'invalid TAGSPACE_SESSION_TIMEOUT_MS (--session-timeout-ms): 500 is below the minimum 6000',
    );
  });

  it('shares each key’s quota on the tagspace-quota topic by default, and can be told another topic or not to', () => {
    expect(loadConfig('run', [], {}).quota).toEqual({ sharing: true, topic: 'tagspace-quota' });
    expect(loadConfig('replay', ['--quota-sharing', 'off', '--quota-topic', 'q'], {}).quota).toEqual({
      sharing: false,
      topic: 'q',
    });
    expect(
      loadConfig('run', [], { TAGSPACE_QUOTA_SHARING: 'false', TAGSPACE_QUOTA_TOPIC: 'shared' }).quota,
    ).toEqual({
      sharing: false,
      topic: 'shared',
    });
    expect(configError(() => loadConfig('run', ['--quota-sharing=maybe'], {})).message).toBe(
      'invalid --quota-sharing: "maybe" is not true or false',
    );
  });

  it('names a bad word after a switch as that switch’s value, not as an argument out of place', () => {
    expect(configError(() => loadConfig('run', ['--spill', 'maybe'], {})).message).toBe(
      'invalid --spill: "maybe" is not true or false',
    );
    expect(loadConfig('run', ['--spill', 'off', '--trace'], {}).spill).toBeUndefined();
    expect(loadConfig('run', ['--spill', '--trace', 'on'], {}).spill).toEqual({ afterMs: 3000 });
  });

  it('rejects an unknown flag naming it', () => {
    const e = configError(() => loadConfig('replay', ['--bogus', '1'], {}));
    expect(e.message).toContain("'--bogus'");
    expect(e.message).not.toContain('\n');
  });

  it('rejects a flag that belongs to another command, and says which commands take it', () => {
    const e = configError(() => loadConfig('replay', ['--group', 'g'], {}));
    expect(e.message).toBe(
      "replay: Unknown option '--group' (--group is a flag of run and labels, not of replay)",
    );
  });

  it('suggests the flag a misspelt one most likely meant', () => {
    expect(configError(() => loadConfig('run', ['--batchsize', '3'], {})).message).toBe(
      "run: Unknown option '--batchsize' (did you mean --batch-size?)",
    );
    expect(configError(() => loadConfig('ingest', ['--spaces=ENG'], {})).message).toBe(
      "ingest: Unknown option '--spaces' (did you mean --space?)",
    );
  });

  it('rejects an initial concurrency above the maximum', () => {
    const e = configError(() => loadConfig('run', [], { TAG_SPACE_AI_CONCURRENCY: '12' }));
    expect(e.message).toContain('TAG_SPACE_AI_CONCURRENCY');
  });

  it('rejects a maximum batch size below the starting one, and lets a start above the default maximum raise it', () => {
    expect(
      configError(() => loadConfig('run', ['--max-batch-size', '2', '--batch-size', '5'], {})).message,
    ).toBe('invalid --max-batch-size: 2 is below the starting batch size 5 (--batch-size)');
    expect(
      configError(() => loadConfig('run', [], { TAGSPACE_MAX_BATCH_SIZE: '4', TAG_SPACE_BATCH_SIZE: '8' }))
        .message,
    ).toBe('invalid TAGSPACE_MAX_BATCH_SIZE: 4 is below the starting batch size 8 (TAG_SPACE_BATCH_SIZE)');
    expect(loadConfig('run', ['--batch-size', '50'], {}).batch).toMatchObject({ size: 50, maxSize: 40 });
  });

  it('stops at start-up on a report, summary or output file that has nowhere to go, naming the flag', () => {
    expect(configError(() => loadConfig('replay', ['--report', '/nonexistent-dir/r.html'], {})).message).toBe(
      'invalid --report: cannot write /nonexistent-dir/r.html: directory /nonexistent-dir does not exist',
    );
    expect(
      configError(() => loadConfig('demo', ['--summary-json', '/nonexistent-dir/s.json'], {})).message,
    ).toBe(
      'invalid --summary-json: cannot write /nonexistent-dir/s.json: directory /nonexistent-dir does not exist',
    );
    expect(
      configError(() => loadConfig('demo', ['--out', '/nonexistent-dir/t.jsonl'], {})).message,
    ).toContain('invalid --out: cannot write /nonexistent-dir/t.jsonl');
  });

  it('stops at start-up when two file settings name one file, blaming the one the user gave', () => {
    // The demo's default --out is its tag state: a summary written there would erase it.
    expect(configError(() => loadConfig('demo', ['--summary-json', 'tags.jsonl'], {})).message).toBe(
      'invalid --summary-json: tags.jsonl is already --out (its default); give each its own file',
    );
    expect(
      configError(() => loadConfig('demo', ['--input', 'space.jsonl', '--out', './space.jsonl'], {})).message,
    ).toBe('invalid --out: ./space.jsonl is already --input; give each its own file');
    expect(configError(() => loadConfig('gen', ['--out', 'a.jsonl', '--truth', 'a.jsonl'], {})).message).toBe(
      'invalid --truth: a.jsonl is already --out; give each its own file',
    );
    expect(loadConfig('demo', ['--summary-json', 'summary.json', '--report', 'report.html'], {}).out).toBe(
      'tags.jsonl',
    );
  });

  it('stops at start-up when two topics of one command are one topic, blaming the one the user gave', () => {
    // A dead letter on the events topic is read again, dead-lettered again, forever.
    expect(configError(() => loadConfig('run', ['--dlq-topic', 'page-events'], {})).message).toBe(
      'invalid --dlq-topic: page-events is already --topic (its default); give each its own topic',
    );
    expect(
      configError(() => loadConfig('replay', [], { TAGSPACE_TOPIC: 'ev', TAGSPACE_TAGS_TOPIC: 'ev' }))
        .message,
    ).toBe('invalid TAGSPACE_TAGS_TOPIC: ev is already TAGSPACE_TOPIC; give each its own topic');
    const confluence = {
      CONFLUENCE_URL: 'https://acme.atlassian.net/wiki/',
      CONFLUENCE_EMAIL: 'me@acme.com',
      CONFLUENCE_API_TOKEN: 'ATATT-secret',
    };
    const ingest = ['--space', 'ENG', '--checkpoint-topic', 'page-events'];
    expect(configError(() => loadConfig('ingest', ingest, confluence)).message).toBe(
      'invalid --checkpoint-topic: page-events is already --topic (its default); give each its own topic',
    );
    expect(
      configError(() => loadConfig('labels', ['--labels-state-topic', 'page-tags'], confluence)).message,
    ).toBe(
      'invalid --labels-state-topic: page-tags is already --tags-topic (its default); give each its own topic',
    );
    // Different commands may share a name: gen writes the topic run reads.
    expect(loadConfig('gen', ['--topic', 'page-tags'], {}).kafka.topic).toBe('page-tags');
  });

  it('stops at start-up on a bootstrap server that is a URL or has no valid port, naming where it came from', () => {
    expect(configError(() => loadConfig('run', [], { KAFKA_BROKERS: 'http://kafka:9092' })).message).toBe(
      'invalid KAFKA_BROKERS: "http://kafka:9092" is a URL; Kafka takes host:port (kafka:9092)',
    );
    expect(configError(() => loadConfig('gen', ['--brokers', 'kafka:x'], {})).message).toContain(
      'invalid --brokers: "kafka:x" has no valid port',
    );
  });

  it('rejects an unknown concurrency policy and a base URL that is not a URL', () => {
    expect(configError(() => loadConfig('run', ['--concurrency-policy', 'yolo'], {})).message).toContain(
      '--concurrency-policy',
    );
    expect(configError(() => loadConfig('run', [], { GEMINI_BASE_URL: 'not a url' })).message).toContain(
      'GEMINI_BASE_URL',
    );
  });

  it('rejects a URL that is not http(s) as such, and one on a port fetch refuses, naming the port', () => {
    expect(configError(() => loadConfig('run', ['--openai-base-url', 'ftp://h/v1'], {})).message).toBe(
      'invalid --openai-base-url: "ftp://h/v1" is not an http(s) URL',
    );
    expect(
      configError(() => loadConfig('run', [], { GEMINI_BASE_URL: 'http://127.0.0.1:6000' })).message,
    ).toBe(
      'invalid GEMINI_BASE_URL (--gemini-base-url): port 6000 is one fetch refuses to connect to (a blocked port); serve it on another',
    );
    expect(loadConfig('run', ['--gemini-base-url', 'http://127.0.0.1:6001/'], {}).gemini.baseUrl).toBe(
      'http://127.0.0.1:6001',
    );
  });

  it('rejects a URL with a user name or password, which fetch will not send, without echoing them', () => {
    for (const url of ['http://me:s3cret@proxy:8080/v1', 'ftp://me:s3cret@proxy/v1', 'http://me:s3cret@@']) {
      const message = configError(() => loadConfig('run', ['--openai-base-url', url], {})).message;
      expect(message).toMatch(/^invalid --openai-base-url: "(http|ftp):\/\/\*\*\*@/);
      expect(message).not.toContain('s3cret');
    }
    expect(
      configError(() => loadConfig('ingest', [], { CONFLUENCE_URL: 'https://me@x.atlassian.net' })).message,
    ).toBe(
      'invalid CONFLUENCE_URL (--confluence-url): "https://***@x.atlassian.net" carries a user name or password, which fetch will not send; give credentials through their own settings',
    );
  });

  it('sizes batches adaptively from 5 up to 40 pages and spills after 3 s unless told otherwise', () => {
    const c = loadConfig('run', [], {});
    expect(c.batch).toMatchObject({ size: 5, policy: 'adaptive', maxSize: 40 });
    expect(c.spill).toEqual({ afterMs: 3000 });
    const pinned = loadConfig(
      'run',
      ['--batch-policy', 'fixed', '--max-batch-size', '20', '--spill', 'off'],
      {
        TAGSPACE_SPILL_AFTER_MS: '500',
      },
    );
    expect(pinned.batch).toMatchObject({ size: 5, policy: 'fixed', maxSize: 20 });
    expect(pinned.spill).toBeUndefined();
    const fromEnv = loadConfig('run', [], { TAGSPACE_MAX_BATCH_SIZE: '12', TAGSPACE_SPILL_AFTER_MS: '500' });
    expect(fromEnv.batch.maxSize).toBe(12);
    expect(fromEnv.spill).toEqual({ afterMs: 500 });
  });

  it('rejects an unknown batch policy and a maximum batch size below 1, naming the setting', () => {
    expect(configError(() => loadConfig('run', ['--batch-policy', 'big'], {})).message).toContain(
      '--batch-policy',
    );
    expect(configError(() => loadConfig('run', [], { TAGSPACE_MAX_BATCH_SIZE: '0' })).message).toContain(
      'TAGSPACE_MAX_BATCH_SIZE',
    );
  });

  it('never puts a key into an error message', () => {
    const e = configError(() =>
      loadConfig('run', ['--max-tags', 'x'], { GEMINI_API_KEY: 'AIzaSyD-supersecret-1234567890' }),
    );
    expect(e.message).not.toContain('supersecret');
  });
});
