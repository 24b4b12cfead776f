import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import {
  type PrivateBroker,
  privateBrokerPort,
  produceMessages,
  startPrivateBroker,
} from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';
import {
  deliveryTopics,
  duplicateVersions,
  missingLatest,
  pageMessage,
  pipelineArgs,
  readAll,
  startCli,
  writtenSoFar,
} from './support.js';

/**
 * The broker goes down in the middle of a replay and comes back: the replay waits for it (the
 * producer retries, the consumer restarts and rejoins) and completes with nothing lost. A private
 * broker on its own port, so the shared one other tests use is not disturbed.
 */
const PORT = privateBrokerPort(2);

let sim: Simulator;
let broker: PrivateBroker;

beforeAll(async () => {
  sim = await startSimulator({ scenario: { seed: 67, gemini: { latencyMs: { median: 40 } } } });
  broker = await startPrivateBroker(PORT);
});

afterAll(async () => {
  await broker?.stop();
  await sim?.close();
});

describe('a broker restart in the middle of a replay', () => {
  it.each([
    { mode: 'at-least-once', flags: [] as string[] },
    { mode: 'exactly-once', flags: ['--exactly-once', '--instance-id', 'broker-restart'] },
  ])('does not stop the replay, which completes with nothing lost ($mode)', async ({ mode, flags }) => {
    const { brokers } = broker;
    const t = await deliveryTopics(`broker-${mode}`, { brokers });
    const { events } = generateSpace({ pages: 800, seed: 19, spaceKey: 'BRK' });
    await produceMessages(t.events, events.map(pageMessage), brokers);

    const replay = startCli([
      'replay',
      ...pipelineArgs(t, sim, brokers),
      ...['--concurrency', '2', '--max-concurrency', '2', '--commit-interval-ms', '200', ...flags],
    ]);
    await waitFor(async () => (await writtenSoFar(t.tags, brokers)) >= 100, {
      timeoutMs: 60_000,
      message: 'the replay to write 100 records',
    });
    await broker.stop();
    await broker.start();
    const result = await Promise.race([
      replay.exited,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`replay still running:\n${replay.stderr().slice(-4000)}`)),
          150_000,
        ),
      ),
    ]);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);

    const tags = await readAll(t.tags, { brokers });
    expect(missingLatest(events, tags)).toEqual([]);
    if (mode === 'exactly-once') expect(duplicateVersions(tags)).toEqual([]);
    expect(await readAll(t.dlq, { brokers })).toEqual([]);
  });
});
