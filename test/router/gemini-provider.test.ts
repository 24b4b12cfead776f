import { afterEach, describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import type { ProviderResponseInfo } from '../../src/router/provider.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { GeminiProvider } from '../../src/router/gemini-provider.js';
import {
  expectedTags,
  geminiFor,
  quietLogs,
  spacePages,
  startSim,
  WRONG_GEMINI_KEY,
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

describe('GeminiProvider', () => {
  it('tags a batch through the SDK and reports usage', async () => {
    sim = await startSim();
    const responses: ProviderResponseInfo[] = [];
    const answer = await geminiFor(sim).tag(pages, { onResponse: (i) => responses.push(i) });
    expect(answer.finishReason).toBe('STOP');
    expect(answer.json).toEqual({
      pages: pages.map((p) => ({
        id: p.id,
        tags: expectedTags({ pageId: p.id, title: p.title, text: p.text }),
      })),
    });
    const stats = sim.stats().gemini;
    expect(answer.usage).toEqual({ inputTokens: stats.inputTokens, outputTokens: stats.outputTokens });
    expect(answer.usage.inputTokens).toBeGreaterThan(0);
    expect(responses).toHaveLength(1);
    // The answer's modelVersion, through the SDK, and where the calls go.
    expect(answer.responseModel).toBe('gemini-2.0-flash');
    expect(geminiFor(sim).server).toEqual({ address: '127.0.0.1', port: Number(new URL(sim.url).port) });
  });

  it('reads a 429 of the minute window as rate_limited with its RetryInfo hint', async () => {
    sim = await startSim({ gemini: { rpm: 1, windowMs: 30_000 } });
    const provider = geminiFor(sim);
    await provider.tag(pages);
    const err = await failure(provider.tag(pages));
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, provider: 'gemini' });
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(30_000);
    // Through the SDK, the message keeps the quota it names, not the billing notice before it.
    expect(err.message).toMatch(
      /^gemini 429: Quota exceeded for metric: \S+_requests, limit: 1, model: gemini-2\.0-flash; Please retry in [\d.]+s\. \(GenerateRequestsPerMinute\S+\)$/,
    );
  });

  it('reads the per-day quota 429 as quota_exhausted', async () => {
    sim = await startSim({ gemini: { faults: { dailyQuotaExhausted: true } } });
    const err = await failure(geminiFor(sim).tag(pages));
    expect(err).toMatchObject({ kind: 'quota_exhausted', status: 429 });
    expect(err.message).toMatch(/limit: \d+, model: gemini-2\.0-flash \(GenerateRequestsPerDay\S+\)$/);
  });

  it('reads a 503 as overloaded', async () => {
    sim = await startSim({ gemini: { faults: { outages: [{ startMs: 0 }] } } });
    expect(await failure(geminiFor(sim).tag(pages))).toMatchObject({ kind: 'overloaded', status: 503 });
  });

  it('reads a rejected prompt as bad_request', async () => {
    sim = await startSim();
    const rejected = [...pages, { id: 'r', title: 'Bad', text: 'contains SIM_REJECT somewhere' }];
    expect(await failure(geminiFor(sim).tag(rejected))).toMatchObject({ kind: 'bad_request', status: 400 });
  });

  it('reads API_KEY_INVALID, 401 and 403 as auth naming the setting, never the key', async () => {
    for (const authStatus of [undefined, 401, 403]) {
      sim = await startSim({ gemini: { apiKey: 'the-right-key', ...(authStatus ? { authStatus } : {}) } });
      const err = await failure(geminiFor(sim, { apiKey: WRONG_GEMINI_KEY }).tag(pages));
      expect(err).toMatchObject({ kind: 'auth', setting: 'GEMINI_API_KEY', provider: 'gemini' });
      expect(err.status).toBe(authStatus ?? 400);
      expect(err.message).not.toContain(WRONG_GEMINI_KEY);
      await sim.close();
      sim = undefined;
    }
  });

  it('reads an unknown model as config naming the model setting', async () => {
    sim = await startSim({ gemini: { models: ['gemini-2.0-flash'] } });
    const err = await failure(geminiFor(sim, { model: 'gemini-9' }).tag(pages));
    expect(err).toMatchObject({ kind: 'config', setting: 'GEMINI_MODEL', status: 404 });
  });

  it('reads a base URL that serves no Gemini API as config naming the base URL setting, not the model', async () => {
    sim = await startSim();
    const provider = new GeminiProvider({
      apiKey: 'gemini-test-key',
      model: 'gemini-2.0-flash',
      baseUrl: `${sim.url}/gemini`,
      timeoutMs: 5_000,
    });
    const err = await failure(provider.tag(pages));
    expect(err).toMatchObject({ kind: 'config', setting: 'GEMINI_BASE_URL', status: 404 });
    expect(err.message).toMatch(
      /^gemini has no API at its base URL \(gemini 404: .*\); check GEMINI_BASE_URL$/,
    );
  });

  it('gives up after its timeout with kind timeout', async () => {
    // The simulator hangs until the client gives up: only the adapter's own timer ends the call,
    // and it says so (no HTTP status, its own limit named).
    sim = await startSim({ gemini: { faults: { timeoutRate: 1 } } });
    const err = await failure(geminiFor(sim, { timeoutMs: 100 }).tag(pages));
    expect(err).toMatchObject({ kind: 'timeout', status: undefined });
    expect(err.message).toContain('100 ms');
    expect(sim.stats().gemini).toMatchObject({ requests: 1, timeouts: 1, ok: 0 });
  });

  it('reads a 504 from the service as timeout', async () => {
    sim = await startSim({ gemini: { faults: { timeoutRate: 1, hangMs: 10 } } });
    expect(await failure(geminiFor(sim).tag(pages))).toMatchObject({ kind: 'timeout', status: 504 });
  });

  it('stops when its AbortSignal aborts, and says it was aborted rather than timed out', async () => {
    sim = await startSim({ gemini: { faults: { timeoutRate: 1 } } });
    const controller = new AbortController();
    const call = geminiFor(sim).tag(pages, { signal: controller.signal });
    await waitFor(() => sim!.stats().gemini.inFlight === 1, { message: 'the call to reach the simulator' });
    controller.abort();
    const err = await failure(call);
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('aborted');
  });

  it('reads an answer that is not JSON as malformed_output and still reports its usage', async () => {
    sim = await startSim({ gemini: { faults: { malformedRate: 1 } } });
    const responses: ProviderResponseInfo[] = [];
    const err = await failure(geminiFor(sim).tag(pages, { onResponse: (i) => responses.push(i) }));
    expect(err).toMatchObject({ kind: 'malformed_output', provider: 'gemini' });
    expect(responses[0]?.usage.outputTokens).toBe(sim.stats().gemini.outputTokens);
  });

  it('reads MAX_TOKENS as truncated_output', async () => {
    sim = await startSim({ gemini: { faults: { truncatedRate: 1 } } });
    expect(await failure(geminiFor(sim).tag(pages))).toMatchObject({ kind: 'truncated_output' });
  });

  it('reads a blocked prompt as safety_blocked', async () => {
    sim = await startSim();
    const unsafe = [...pages, { id: 'u', title: 'Unsafe', text: 'contains SIM_UNSAFE somewhere' }];
    expect(await failure(geminiFor(sim).tag(unsafe))).toMatchObject({ kind: 'safety_blocked' });
  });

  it('reads an unreachable service as overloaded, naming where it called and why it failed', async () => {
    sim = await startSim();
    const provider = geminiFor(sim);
    await sim.close();
    sim = undefined;
    const error = await failure(provider.tag(pages));
    expect(error).toMatchObject({ kind: 'overloaded' });
    expect(error.message).toMatch(/^gemini is unreachable at 127\.0\.0\.1:\d+: /);
    expect(error.message).toMatch(/fetch failed$/);
  });

  describe('check', () => {
    it('proves a key and model the provider accepts, spending none of its quota', async () => {
      sim = await startSim({ gemini: { apiKey: 'the-right-key', models: ['gemini-2.0-flash'], rpm: 1 } });
      const provider = geminiFor(sim, { apiKey: 'the-right-key', model: 'gemini-2.0-flash' });
      await provider.check(AbortSignal.timeout(5_000));
      await provider.check(AbortSignal.timeout(5_000));
      // Free of the quota: the one request a minute is still there for a page.
      expect(sim.stats().gemini.requests).toBe(0);
      await provider.tag(pages);
    });

    it('reads a refused key as auth naming the setting, never the key', async () => {
      sim = await startSim({ gemini: { apiKey: 'the-right-key' } });
      const err = await failure(
        geminiFor(sim, { apiKey: WRONG_GEMINI_KEY }).check(AbortSignal.timeout(5_000)),
      );
      expect(err).toMatchObject({ kind: 'auth', setting: 'GEMINI_API_KEY', status: 400 });
      expect(err.message).not.toContain(WRONG_GEMINI_KEY);
    });

    it("reads a base URL's 404 to the check as not proven, not as a wrong setting (a proxy may serve calls only)", async () => {
      sim = await startSim();
      const provider = new GeminiProvider({
        apiKey: 'k',
        model: 'gemini-2.0-flash',
        baseUrl: `${sim.url}/gemini`,
        timeoutMs: 5_000,
      });
      const err = await failure(provider.check(AbortSignal.timeout(5_000)));
      expect(err).toMatchObject({ kind: 'unavailable' });
      expect(err.message).toBe("gemini's base URL does not answer countTokens: key not proven");
    });

    it('reads an unknown model as config naming the model setting', async () => {
      sim = await startSim({ gemini: { models: ['gemini-2.0-flash'] } });
      const err = await failure(geminiFor(sim, { model: 'no-such-model' }).check(AbortSignal.timeout(5_000)));
      expect(err).toMatchObject({ kind: 'config', setting: 'GEMINI_MODEL', status: 404 });
    });
  });
});
