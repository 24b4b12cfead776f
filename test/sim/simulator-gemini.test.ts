import {
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIFetchError,
  GoogleGenerativeAIResponseError,
} from '@google/generative-ai';
import { afterEach, describe, expect, it } from 'vitest';
import { buildUserPrompt } from '../../src/model/prompt.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { tagPage } from '../../src/gen/tagger.js';
import { geminiModel, PAGES, PROMPT, thrown, geminiAnswerIds, PAGE_IDS } from './sdk-kit.js';
import { waitFor } from '../support/wait-for.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(scenario: Record<string, unknown> = {}): Promise<Simulator> {
  sim = await startSimulator({ scenario });
  return sim;
}

interface Detail {
  '@type': string;
  retryDelay?: string;
  reason?: string;
  violations?: { quotaId: string; quotaValue: string }[];
}

async function fetchError(promise: () => Promise<unknown>): Promise<GoogleGenerativeAIFetchError> {
  const err = await thrown(promise);
  expect(err).toBeInstanceOf(GoogleGenerativeAIFetchError);
  return err as GoogleGenerativeAIFetchError;
}

function detail(err: GoogleGenerativeAIFetchError, type: string): Detail | undefined {
  return (err.errorDetails as Detail[] | undefined)?.find((d) => d['@type'].endsWith(type));
}

describe('simulator, Gemini through @google/generative-ai', () => {
  it('answers a batched prompt with one entry per page, tagged by the deterministic tagger', async () => {
    const s = await start({ gemini: { model: 'gemini-2.0-flash-001' } });
    const { response } = await geminiModel(s).generateContent(PROMPT);
    const answer = JSON.parse(response.text()) as { pages: { id: string; tags: string[] }[] };
    expect(answer.pages).toEqual(PAGES.map((p) => ({ id: p.id, tags: tagPage(p.title, p.text) })));
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata?.promptTokenCount).toBeGreaterThan(PROMPT.length / 4);
    expect(response.usageMetadata?.totalTokenCount).toBe(
      (response.usageMetadata?.promptTokenCount ?? 0) + (response.usageMetadata?.candidatesTokenCount ?? 0),
    );
    expect((response as { modelVersion?: string }).modelVersion).toBe('gemini-2.0-flash-001');
    expect(s.stats().gemini).toMatchObject({ requests: 1, ok: 1, pagesAnswered: 3 });
  });

  it('answers in a Markdown fence when no JSON output was asked for', async () => {
    const s = await start();
    const { response } = await geminiModel(s, { generationConfig: {} }).generateContent(PROMPT);
    expect(response.text()).toMatch(/^```json\n\{"pages":.*\n```$/s);
  });

  it('rejects a response schema carrying additionalProperties, as the real service does', async () => {
    const s = await start();
    const schema = { type: 'object', properties: { pages: { type: 'array' } }, additionalProperties: false };
    const model = geminiModel(s, {
      generationConfig: { responseMimeType: 'application/json', responseSchema: schema as never },
    });
    const err = await fetchError(() => model.generateContent(PROMPT));
    expect(err.status).toBe(400);
    expect(err.message).toContain(
      'Unknown name "additionalProperties" at \'generation_config.response_schema\'',
    );
    expect(s.stats().gemini.rejected).toBe(1);
  });

  it('answers over the request limit with RESOURCE_EXHAUSTED, the wait cut to whole seconds in RetryInfo and exact in the message', async () => {
    const s = await start({ gemini: { rpm: 2, windowMs: 1_000 } });
    const model = geminiModel(s);
    await model.generateContent(PROMPT);
    await model.generateContent(PROMPT);
    const err = await fetchError(() => model.generateContent(PROMPT));
    expect(err.status).toBe(429);
    expect(err.message).toContain('You exceeded your current quota');
    expect(detail(err, 'QuotaFailure')?.violations?.[0]).toMatchObject({
      quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
      quotaValue: '2',
    });
    // A 1 s window's "second" is 1000 / 60 ms: RetryInfo drops the fraction of it, the message does not.
    const delay = detail(err, 'RetryInfo')?.retryDelay ?? '';
    expect(delay).toMatch(/^0(\.\d{1,3})?s$/);
    const exact = /Please retry in (\d+(?:\.\d+)?)s\./.exec(err.message)?.[1];
    const waitMs = Number(exact) * 1000;
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(1_000);
    expect(waitMs - Number(delay.slice(0, -1)) * 1000).toBeGreaterThanOrEqual(0);
    expect(waitMs - Number(delay.slice(0, -1)) * 1000).toBeLessThan(1_000 / 60);
    const refusedAt = Date.now();
    await waitFor(() => Date.now() - refusedAt >= waitMs, {
      timeoutMs: 3_000,
      intervalMs: 10,
      message: 'the exact wait',
    });
    expect(geminiAnswerIds(await model.generateContent(PROMPT))).toEqual(PAGE_IDS);
    expect(s.stats().gemini).toMatchObject({ requests: 4, ok: 3, rateLimited: 1 });
  });

  it('names the input-token quota when tokens run out', async () => {
    const s = await start({ gemini: { tpm: 300, windowMs: 1_000 } });
    const model = geminiModel(s);
    await model.generateContent(PROMPT);
    const err = await fetchError(() => model.generateContent(PROMPT));
    expect(err.status).toBe(429);
    expect(detail(err, 'QuotaFailure')?.violations?.[0]?.quotaId).toBe(
      'GenerateContentInputTokensPerModelPerMinute-FreeTier',
    );
    expect(detail(err, 'RetryInfo')?.retryDelay).toMatch(/s$/);
  });

  it('gives a per-day 429 without RetryInfo once the day is used up', async () => {
    const s = await start({ gemini: { rpd: 1 } });
    const model = geminiModel(s);
    await model.generateContent(PROMPT);
    const err = await fetchError(() => model.generateContent(PROMPT));
    expect(err.status).toBe(429);
    expect(detail(err, 'QuotaFailure')?.violations?.[0]?.quotaId).toBe(
      'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
    );
    expect(detail(err, 'RetryInfo')).toBeUndefined();
    s.update({ gemini: { rpd: null, faults: { dailyQuotaExhausted: true } } });
    const again = await fetchError(() => model.generateContent(PROMPT));
    expect(detail(again, 'QuotaFailure')?.violations?.[0]?.quotaId).toContain('PerDay');
    expect(s.stats().gemini).toMatchObject({ ok: 1, dailyQuota: 2, rateLimited: 0 });
  });

  it('fails every request with 503 during an outage started and ended at run time', async () => {
    const s = await start();
    const model = geminiModel(s);
    s.update({ gemini: { faults: { outages: [{ startMs: 0 }] } } });
    const err = await fetchError(() => model.generateContent(PROMPT));
    expect(err.status).toBe(503);
    expect(err.message).toContain('The service is currently unavailable.');
    s.update({ gemini: { faults: { outages: [] } } });
    expect(geminiAnswerIds(await model.generateContent(PROMPT))).toEqual(PAGE_IDS);
    expect(s.stats().gemini).toMatchObject({ serverErrors: 1, outageErrors: 1, ok: 1 });
  });

  it('answers 5xx at the error rate', async () => {
    const s = await start({ gemini: { faults: { errorRate: 1 } } });
    const err = await fetchError(() => geminiModel(s).generateContent(PROMPT));
    expect([500, 503]).toContain(err.status);
    expect(s.stats().gemini.serverErrors).toBe(1);
  });

  it('blocks a prompt whose page carries the safety marker, with promptFeedback and no candidates', async () => {
    const s = await start();
    const prompt = buildUserPrompt([...PAGES, { id: 'p-4', title: 'x', text: 'bad SIM_UNSAFE stuff' }]);
    const { response } = await geminiModel(s).generateContent(prompt);
    expect(response.promptFeedback?.blockReason).toBe('SAFETY');
    expect(response.candidates).toBeUndefined();
    expect(() => response.text()).toThrow(GoogleGenerativeAIResponseError);
    expect(s.stats().gemini).toMatchObject({ safetyBlocked: 1, ok: 0 });
  });

  it('rejects a request whose page carries the reject marker with 400 INVALID_ARGUMENT', async () => {
    const s = await start();
    const prompt = buildUserPrompt([{ id: 'p-9', title: 'x', text: 'SIM_REJECT' }]);
    const err = await fetchError(() => geminiModel(s).generateContent(prompt));
    expect(err.status).toBe(400);
    expect(err.message).toContain('Request contains an invalid argument.');
    expect(s.stats().gemini).toMatchObject({ rejected: 1, inputTokens: 0 });
  });

  it('returns text that is not JSON at the malformed rate', async () => {
    const s = await start({ gemini: { faults: { malformedRate: 1 } } });
    const { response } = await geminiModel(s).generateContent(PROMPT);
    expect(() => JSON.parse(response.text()) as unknown).toThrow();
    expect(s.stats().gemini).toMatchObject({ malformed: 1, ok: 0, pagesAnswered: 0 });
  });

  it('cuts the answer with MAX_TOKENS at the truncated rate and at the request’s own output cap', async () => {
    const s = await start({ gemini: { faults: { truncatedRate: 1 } } });
    const first = (await geminiModel(s).generateContent(PROMPT)).response;
    expect(first.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
    expect(() => JSON.parse(first.text()) as unknown).toThrow();
    s.update({ gemini: { faults: { truncatedRate: 0 } } });
    const capped = geminiModel(s, {
      generationConfig: { responseMimeType: 'application/json', maxOutputTokens: 5 },
    });
    const second = (await capped.generateContent(PROMPT)).response;
    expect(second.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
    expect(second.text()).toHaveLength(20);
    expect(s.stats().gemini.truncated).toBe(2);
  });

  it('cuts an answer longer than the model’s own output limit, whatever the request asked for', async () => {
    const s = await start({ gemini: { maxOutputTokens: 6 } });
    const generous = geminiModel(s, {
      generationConfig: { responseMimeType: 'application/json', maxOutputTokens: 1_000 },
    });
    const { response } = await generous.generateContent(PROMPT);
    expect(response.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
    expect(response.text()).toHaveLength(24);
    expect(response.usageMetadata?.candidatesTokenCount).toBe(6);
    expect(s.stats().gemini.truncated).toBe(1);
  });

  it('names the wrong pages at the misattribution rate', async () => {
    const s = await start({ gemini: { faults: { misattributionRate: 1 } } });
    const { response } = await geminiModel(s).generateContent(PROMPT);
    const answer = JSON.parse(response.text()) as { pages: { id: string; tags: string[] }[] };
    const expected = PAGES.map((p) => ({ id: p.id, tags: tagPage(p.title, p.text) }));
    expect(answer.pages).not.toEqual(expected);
    expect(s.stats().gemini).toMatchObject({ ok: 1, misattributed: 1 });
  });

  it('rejects a wrong key with API_KEY_INVALID without echoing it, or with the configured status', async () => {
    const secret = 'AIzaSyWRONGwrongWRONGwrongWRONG12345';
    const s = await start({ gemini: { apiKey: 'AIza-right' } });
    const err = await fetchError(() => geminiModel(s, { apiKey: secret }).generateContent(PROMPT));
    expect(err.status).toBe(400);
    expect(detail(err, 'ErrorInfo')?.reason).toBe('API_KEY_INVALID');
    expect(err.message).not.toContain(secret);
    expect(geminiAnswerIds(await geminiModel(s, { apiKey: 'AIza-right' }).generateContent(PROMPT))).toEqual(
      PAGE_IDS,
    );
    s.update({ gemini: { authStatus: 401 } });
    expect((await fetchError(() => geminiModel(s, { apiKey: secret }).generateContent(PROMPT))).status).toBe(
      401,
    );
    s.update({ gemini: { authStatus: 403 } });
    expect((await fetchError(() => geminiModel(s, { apiKey: secret }).generateContent(PROMPT))).status).toBe(
      403,
    );
    expect(s.stats().gemini).toMatchObject({ authFailures: 3, ok: 1 });
  });

  it('answers 404 for a model it does not serve', async () => {
    const s = await start({ gemini: { models: ['gemini-2.0-flash'] } });
    const err = await fetchError(() => geminiModel(s, { model: 'gemini-9' }).generateContent(PROMPT));
    expect(err.status).toBe(404);
    expect(s.stats().gemini.notFound).toBe(1);
  });

  it('hangs a timed-out request until the client gives up, then frees its slot', async () => {
    const s = await start({ gemini: { faults: { timeoutRate: 1 } } });
    const err = await thrown(() => geminiModel(s, { timeoutMs: 200 }).generateContent(PROMPT));
    expect(err).toBeInstanceOf(GoogleGenerativeAIAbortError);
    expect(s.stats().gemini.timeouts).toBe(1);
    await waitFor(() => s.stats().gemini.inFlight === 0, {
      timeoutMs: 5_000,
      intervalMs: 10,
      message: 'no gemini call in flight',
    });
  });

  it('answers a timed-out request with 504 after hangMs', async () => {
    const s = await start({ gemini: { faults: { timeoutRate: 1, hangMs: 50 } } });
    const started = Date.now();
    const err = await fetchError(() => geminiModel(s).generateContent(PROMPT));
    expect(err.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('refuses a request beyond the concurrency cap with a bare RESOURCE_EXHAUSTED', async () => {
    const s = await start({ gemini: { maxConcurrent: 1, latencyMs: { median: 300, jitter: 0 } } });
    const model = geminiModel(s);
    const results = await Promise.allSettled([model.generateContent(PROMPT), model.generateContent(PROMPT)]);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    const err = (refused[0] as PromiseRejectedResult).reason as GoogleGenerativeAIFetchError;
    expect(err.status).toBe(429);
    expect(err.errorDetails).toBeUndefined();
    expect(s.stats().gemini).toMatchObject({
      ok: 1,
      rateLimited: 1,
      concurrencyLimited: 1,
      maxConcurrentSeen: 1,
    });
  });

  it('takes the key from ?key= as well as from the header', async () => {
    const s = await start({ gemini: { apiKey: 'AIza-right' } });
    const res = await fetch(`${s.url}/v1beta/models/gemini-2.0-flash:generateContent?key=AIza-right`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: PROMPT }] }] }),
    });
    expect(res.status).toBe(200);
  });
});
