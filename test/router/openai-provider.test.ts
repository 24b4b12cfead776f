import { afterEach, describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import type { ProviderResponseInfo } from '../../src/router/provider.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { OpenAIProvider } from '../../src/router/openai-provider.js';
import {
  expectedTags,
  openaiFor,
  quietLogs,
  spacePages,
  startSim,
  WRONG_OPENAI_KEY,
} from './router-fixtures.js';
import { waitFor } from '../support/wait-for.js';

quietLogs();

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const pages = spacePages(3).map((p) => ({ id: p.pageId, title: p.title, text: p.text }));

async function failure(promise: Promise<unknown>): Promise<TagspaceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TagspaceError);
  return err as TagspaceError;
}

describe('OpenAIProvider', () => {
  it('tags a batch through the SDK and reports usage', async () => {
    sim = await startSim();
    const answer = await openaiFor(sim).tag(pages);
    expect(answer.finishReason).toBe('stop');
    expect(answer.json).toEqual({
      pages: pages.map((p) => ({
        id: p.id,
        tags: expectedTags({ pageId: p.id, title: p.title, text: p.text }),
      })),
    });
    const stats = sim.stats().openai;
    expect(answer.usage).toEqual({ inputTokens: stats.inputTokens, outputTokens: stats.outputTokens });
    expect(answer.responseModel).toBe('gpt-4o-mini');
    expect(openaiFor(sim).server).toEqual({ address: '127.0.0.1', port: Number(new URL(sim.url).port) });
    expect(stats.requests).toBe(1);
  });

  it('reads rate_limit_exceeded as rate_limited with the retry-after-ms hint', async () => {
    sim = await startSim({ openai: { rpm: 1, windowMs: 30_000 } });
    const provider = openaiFor(sim);
    await provider.tag(pages);
    const err = await failure(provider.tag(pages));
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, provider: 'openai' });
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(30_000);
    // The SDK's own retries are off: the router owns every attempt.
    expect(sim.stats().openai.requests).toBe(2);
  });

  it('says by when OpenAI had the call: the answer less the processing time it reports', async () => {
    sim = await startSim({ openai: { latencyMs: { median: 300, jitter: 0 } } });
    const before = Date.now();
    const answer = await openaiFor(sim).tag(pages);
    const after = Date.now();
    // openai-processing-ms: the simulator holds the answer that long after it got the call.
    expect(answer.arrivedBy).toBeGreaterThanOrEqual(before);
    expect(answer.arrivedBy).toBeLessThanOrEqual(after - 300);
  });

  it('reads the quota OpenAI reports on an answer and on a 429 from the x-ratelimit headers', async () => {
    sim = await startSim({ openai: { rpm: 2, tpm: 100_000, windowMs: 60_000, quotaShape: 'token_bucket' } });
    const provider = openaiFor(sim);
    const answer = await provider.tag(pages);
    const spent = answer.usage.inputTokens + answer.usage.outputTokens;
    // The bucket refills on the simulator's real clock between the answer and our look at it.
    const { requests, tokens } = answer.reading ?? {};
    expect(requests).toMatchObject({ limit: 2, remaining: 1 });
    expect(requests?.resetMs).toBeGreaterThan(29_000);
    expect(requests?.resetMs).toBeLessThanOrEqual(30_000);
    expect(tokens?.limit).toBe(100_000);
    expect(tokens?.remaining).toBeGreaterThanOrEqual(100_000 - spent);
    expect(tokens?.remaining).toBeLessThan(100_000 - spent + 100);
    expect(tokens?.resetMs).toBeLessThanOrEqual(Math.ceil(spent * 0.6));
    expect(tokens?.resetMs).toBeGreaterThan(Math.ceil(spent * 0.6) - 60);
    await provider.tag(pages);
    const err = await failure(provider.tag(pages));
    expect(err.kind).toBe('rate_limited');
    expect(err.reading?.requests).toMatchObject({ limit: 2, remaining: 0 });
    expect(err.reading?.tokens?.limit).toBe(100_000);
  });

  it('reads insufficient_quota as quota_exhausted', async () => {
    sim = await startSim({ openai: { faults: { dailyQuotaExhausted: true } } });
    expect(await failure(openaiFor(sim).tag(pages))).toMatchObject({ kind: 'quota_exhausted', status: 429 });
  });

  it('reads a 503 as overloaded', async () => {
    sim = await startSim({ openai: { faults: { outages: [{ startMs: 0 }] } } });
    expect(await failure(openaiFor(sim).tag(pages))).toMatchObject({ kind: 'overloaded', status: 503 });
  });

  it('reads a rejected prompt as bad_request', async () => {
    sim = await startSim();
    const rejected = [...pages, { id: 'r', title: 'Bad', text: 'contains SIM_REJECT somewhere' }];
    expect(await failure(openaiFor(sim).tag(rejected))).toMatchObject({ kind: 'bad_request', status: 400 });
  });

  it('reads invalid_api_key as auth naming the setting, never the key', async () => {
    sim = await startSim({ openai: { apiKey: 'the-right-key' } });
    const err = await failure(openaiFor(sim, { apiKey: WRONG_OPENAI_KEY }).tag(pages));
    expect(err).toMatchObject({ kind: 'auth', setting: 'OPENAI_API_KEY', status: 401, provider: 'openai' });
    expect(err.message).not.toContain(WRONG_OPENAI_KEY);
  });

  it('reads an unknown model as config naming the model setting', async () => {
    sim = await startSim({ openai: { models: ['gpt-4o-mini'] } });
    const err = await failure(openaiFor(sim, { model: 'gpt-9' }).tag(pages));
    expect(err).toMatchObject({ kind: 'config', setting: 'OPENAI_MODEL', status: 404 });
  });

  it('reads a base URL that serves no OpenAI API as config naming the base URL setting, not the model', async () => {
    sim = await startSim();
    const provider = new OpenAIProvider({
      apiKey: 'openai-test-key',
      model: 'gpt-4o-mini',
      baseUrl: `${sim.url}/openai`,
      timeoutMs: 5_000,
    });
    const err = await failure(provider.tag(pages));
    expect(err).toMatchObject({ kind: 'config', setting: 'OPENAI_BASE_URL', status: 404 });
    expect(err.message).toMatch(
      /^openai has no API at its base URL \(openai 404: .*\); check OPENAI_BASE_URL$/,
    );
  });

  it('gives up after its timeout with kind timeout', async () => {
    // The simulator hangs until the client gives up: only the adapter's own timer ends the call,
    // and it says so (no HTTP status, its own limit named).
    sim = await startSim({ openai: { faults: { timeoutRate: 1 } } });
    const err = await failure(openaiFor(sim, { timeoutMs: 100 }).tag(pages));
    expect(err).toMatchObject({ kind: 'timeout', status: undefined });
    expect(err.message).toContain('100 ms');
    expect(sim.stats().openai).toMatchObject({ requests: 1, timeouts: 1, ok: 0 });
  });

  it('stops when its AbortSignal aborts, and says it was aborted rather than timed out', async () => {
    sim = await startSim({ openai: { faults: { timeoutRate: 1 } } });
    const controller = new AbortController();
    const call = openaiFor(sim).tag(pages, { signal: controller.signal });
    await waitFor(() => sim!.stats().openai.inFlight === 1, { message: 'the call to reach the simulator' });
    controller.abort();
    const err = await failure(call);
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('aborted');
  });

  it('reads an answer that is not JSON as malformed_output and still reports its usage', async () => {
    sim = await startSim({ openai: { faults: { malformedRate: 1 } } });
    const responses: ProviderResponseInfo[] = [];
    const err = await failure(openaiFor(sim).tag(pages, { onResponse: (i) => responses.push(i) }));
    expect(err).toMatchObject({ kind: 'malformed_output', provider: 'openai' });
    expect(responses[0]?.usage.outputTokens).toBe(sim.stats().openai.outputTokens);
  });

  it('reads finish_reason length as truncated_output', async () => {
    sim = await startSim({ openai: { faults: { truncatedRate: 1 } } });
    expect(await failure(openaiFor(sim).tag(pages))).toMatchObject({ kind: 'truncated_output' });
  });

  it('reads a refusal as safety_blocked', async () => {
    sim = await startSim();
    const unsafe = [...pages, { id: 'u', title: 'Unsafe', text: 'contains SIM_UNSAFE somewhere' }];
    expect(await failure(openaiFor(sim).tag(unsafe))).toMatchObject({ kind: 'safety_blocked' });
  });

  it('reads an unreachable service as overloaded, naming where it called and why it failed', async () => {
    sim = await startSim();
    const provider = openaiFor(sim);
    await sim.close();
    sim = undefined;
    const error = await failure(provider.tag(pages));
    expect(error).toMatchObject({ kind: 'overloaded' });
    expect(error.message).toMatch(/^openai is unreachable at 127\.0\.0\.1:\d+: /);
    expect(error.message).toMatch(/ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  describe('check', () => {
    it('proves a key and model the provider accepts, spending none of its quota', async () => {
      sim = await startSim({ openai: { apiKey: 'the-right-key', models: ['gpt-4o-mini'], rpm: 1 } });
      const provider = openaiFor(sim, { apiKey: 'the-right-key', model: 'gpt-4o-mini' });
      await provider.check(AbortSignal.timeout(5_000));
      await provider.check(AbortSignal.timeout(5_000));
      // Free of the quota: the one request a minute is still there for a page.
      expect(sim.stats().openai.requests).toBe(0);
      await provider.tag(pages);
    });

    it('reads a refused key as auth naming the setting, never the key', async () => {
      sim = await startSim({ openai: { apiKey: 'the-right-key' } });
      const err = await failure(
        openaiFor(sim, { apiKey: WRONG_OPENAI_KEY }).check(AbortSignal.timeout(5_000)),
      );
      expect(err).toMatchObject({ kind: 'auth', setting: 'OPENAI_API_KEY', status: 401 });
      expect(err.message).not.toContain(WRONG_OPENAI_KEY);
    });

    it("reads a base URL's 404 to the check as not proven, not as a wrong setting (a proxy may serve calls only)", async () => {
      sim = await startSim();
      const provider = new OpenAIProvider({
        apiKey: 'k',
        model: 'gpt-4o-mini',
        baseUrl: `${sim.url}/proxy/v1`,
        timeoutMs: 5_000,
      });
      const err = await failure(provider.check(AbortSignal.timeout(5_000)));
      expect(err).toMatchObject({ kind: 'unavailable' });
      expect(err.message).toBe("openai's base URL does not answer models.retrieve: key not proven");
    });

    it('reads an unknown model as config naming the model setting', async () => {
      sim = await startSim({ openai: { models: ['gpt-4o-mini'] } });
      const err = await failure(openaiFor(sim, { model: 'no-such-model' }).check(AbortSignal.timeout(5_000)));
      expect(err).toMatchObject({ kind: 'config', setting: 'OPENAI_MODEL', status: 404 });
    });
  });
});
