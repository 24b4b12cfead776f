import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { buildUserPrompt } from '../../src/model/prompt.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { tagPage } from '../../src/gen/tagger.js';
import { chatRequest, openaiClient, PAGES, PROMPT, thrown, openaiAnswerIds, PAGE_IDS } from './sdk-kit.js';
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

async function apiError<T>(
  type: abstract new (...args: never[]) => T,
  call: () => Promise<unknown>,
): Promise<T> {
  const err = await thrown(call);
  expect(err).toBeInstanceOf(type);
  return err as T;
}

describe('simulator, OpenAI through openai', () => {
  it('answers a batched prompt with one entry per page and the x-ratelimit headers', async () => {
    const s = await start({ openai: { rpm: 60, tpm: 100_000, model: 'gpt-4o-mini-2024-07-18' } });
    const { data, response } = await openaiClient(s).chat.completions.create(chatRequest()).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.model).toBe('gpt-4o-mini-2024-07-18');
    const choice = data.choices[0];
    expect(choice?.finish_reason).toBe('stop');
    expect(choice?.message.refusal).toBeNull();
    const answer = JSON.parse(choice?.message.content ?? '') as unknown;
    expect(answer).toEqual({ pages: PAGES.map((p) => ({ id: p.id, tags: tagPage(p.title, p.text) })) });
    expect(data.usage?.total_tokens).toBe(
      (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0),
    );
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('60');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('59');
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
    expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBe(
      100_000 - (data.usage?.total_tokens ?? 0),
    );
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+ms|\d+(\.\d+)?s|\d+m[\d.]+s)$/);
    expect(s.stats().openai).toMatchObject({ requests: 1, ok: 1, pagesAnswered: 3 });
  });

  it('answers over the request limit with RateLimitError carrying retry-after and x-ratelimit headers', async () => {
    const s = await start({ openai: { rpm: 1, windowMs: 1_000 } });
    const client = openaiClient(s);
    await client.chat.completions.create(chatRequest());
    const err = await apiError(OpenAI.RateLimitError, () => client.chat.completions.create(chatRequest()));
    expect(err.status).toBe(429);
    expect(err.code).toBe('rate_limit_exceeded');
    expect(err.type).toBe('requests');
    expect(err.message).toMatch(
      /on requests per min \(RPM\): Limit 1, Used 1, Requested 1\. Please try again in \d+ms\./,
    );
    expect(err.headers?.get('retry-after')).toBe('1');
    const waitMs = Number(err.headers?.get('retry-after-ms'));
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(1_000);
    expect(err.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(err.headers?.get('x-ratelimit-reset-requests')).toMatch(/^\d+ms$|^1s$/);
    const refusedAt = Date.now();
    await waitFor(() => Date.now() - refusedAt >= waitMs, {
      timeoutMs: 3_000,
      intervalMs: 10,
      message: 'the hinted wait',
    });
    expect(openaiAnswerIds(await client.chat.completions.create(chatRequest()))).toEqual(PAGE_IDS);
  });

  it('names tokens per minute when tokens run out', async () => {
    const s = await start({ openai: { tpm: 300, windowMs: 1_000 } });
    const client = openaiClient(s);
    await client.chat.completions.create(chatRequest());
    const err = await apiError(OpenAI.RateLimitError, () => client.chat.completions.create(chatRequest()));
    expect(err.type).toBe('tokens');
    expect(err.message).toContain('tokens per min (TPM): Limit 300');
    expect(err.headers?.get('retry-after-ms')).not.toBeNull();
  });

  it('answers insufficient_quota, with no retry hint, when the day is used up or the quota exhausted', async () => {
    const s = await start({ openai: { rpd: 1 } });
    const client = openaiClient(s);
    await client.chat.completions.create(chatRequest());
    const daily = await apiError(OpenAI.RateLimitError, () => client.chat.completions.create(chatRequest()));
    expect(daily.code).toBe('insufficient_quota');
    expect(daily.type).toBe('insufficient_quota');
    expect(daily.headers?.get('retry-after')).toBeNull();
    expect(daily.headers?.get('retry-after-ms')).toBeNull();
    s.update({ openai: { rpd: null, faults: { dailyQuotaExhausted: true } } });
    const exhausted = await apiError(OpenAI.RateLimitError, () =>
      client.chat.completions.create(chatRequest()),
    );
    expect(exhausted.code).toBe('insufficient_quota');
    expect(s.stats().openai).toMatchObject({ ok: 1, dailyQuota: 2, rateLimited: 0 });
  });

  it('fails with 503 during an outage and recovers when it ends', async () => {
    const s = await start({ openai: { faults: { outages: [{ startMs: 0 }] } } });
    const client = openaiClient(s);
    const err = await apiError(OpenAI.InternalServerError, () =>
      client.chat.completions.create(chatRequest()),
    );
    expect(err.status).toBe(503);
    s.update({ openai: { faults: { outages: null } } });
    expect(openaiAnswerIds(await client.chat.completions.create(chatRequest()))).toEqual(PAGE_IDS);
  });

  it('answers a refusal when a page carries the safety marker', async () => {
    const s = await start();
    const prompt = buildUserPrompt([{ id: 'p-7', title: 'x', text: 'SIM_UNSAFE' }]);
    const data = await openaiClient(s).chat.completions.create(chatRequest(prompt));
    expect(data.choices[0]?.message.content).toBeNull();
    expect(data.choices[0]?.message.refusal).toMatch(/can't help/);
    expect(s.stats().openai.safetyBlocked).toBe(1);
  });

  it('rejects a page carrying the reject marker with 400 invalid_request_error', async () => {
    const s = await start();
    const prompt = buildUserPrompt([{ id: 'p-8', title: 'x', text: 'SIM_REJECT' }]);
    const err = await apiError(OpenAI.BadRequestError, () =>
      openaiClient(s).chat.completions.create(chatRequest(prompt)),
    );
    expect(err.type).toBe('invalid_request_error');
    expect(s.stats().openai.rejected).toBe(1);
  });

  it('cuts the answer with finish_reason length, and garbles it at the malformed rate', async () => {
    const s = await start({ openai: { faults: { truncatedRate: 1 } } });
    const client = openaiClient(s);
    const cut = await client.chat.completions.create(chatRequest());
    expect(cut.choices[0]?.finish_reason).toBe('length');
    expect(() => JSON.parse(cut.choices[0]?.message.content ?? '') as unknown).toThrow();
    s.update({ openai: { faults: { truncatedRate: 0, malformedRate: 1 } } });
    const garbled = await client.chat.completions.create(chatRequest());
    expect(garbled.choices[0]?.finish_reason).toBe('stop');
    expect(() => JSON.parse(garbled.choices[0]?.message.content ?? '') as unknown).toThrow();
    expect(s.stats().openai).toMatchObject({ truncated: 1, malformed: 1, ok: 0 });
  });

  it('names the wrong pages at the misattribution rate', async () => {
    const s = await start({ openai: { faults: { misattributionRate: 1 } } });
    const data = await openaiClient(s).chat.completions.create(chatRequest());
    const answer = JSON.parse(data.choices[0]?.message.content ?? '') as { pages: unknown[] };
    expect(answer.pages).not.toEqual(PAGES.map((p) => ({ id: p.id, tags: tagPage(p.title, p.text) })));
    expect(s.stats().openai.misattributed).toBe(1);
  });

  it('rejects a wrong key with 401 invalid_api_key without echoing the key', async () => {
    const secret = 'sk-proj-WRONGwrongWRONGwrong1234';
    const s = await start({ openai: { apiKey: 'sk-right' } });
    const err = await apiError(OpenAI.AuthenticationError, () =>
      openaiClient(s, secret).chat.completions.create(chatRequest()),
    );
    expect(err.code).toBe('invalid_api_key');
    expect(err.message).not.toContain(secret);
    expect(err.message).toContain('1234');
    expect(s.stats().openai.authFailures).toBe(1);
  });

  it('rejects a strict schema that leaves an object open, as structured outputs do', async () => {
    const s = await start();
    const schema = { type: 'object', properties: { pages: { type: 'array' } }, required: ['pages'] };
    const request = chatRequest(PROMPT, {
      response_format: { type: 'json_schema', json_schema: { name: 'tags', strict: true, schema } },
    });
    const err = await apiError(OpenAI.BadRequestError, () =>
      openaiClient(s).chat.completions.create(request),
    );
    expect(err.message).toContain("'additionalProperties' is required to be supplied and to be false");
  });

  it('requires the word json in the messages for json_object mode', async () => {
    const s = await start();
    const request = chatRequest(PROMPT, {
      response_format: { type: 'json_object' },
      messages: [{ role: 'user', content: 'label these pages' }],
    });
    const err = await apiError(OpenAI.BadRequestError, () =>
      openaiClient(s).chat.completions.create(request),
    );
    expect(err.message).toContain("must contain the word 'json'");
  });

  it('times out on the client when the request hangs', async () => {
    const s = await start({ openai: { faults: { timeoutRate: 1 } } });
    await apiError(OpenAI.APIConnectionTimeoutError, () =>
      openaiClient(s, 'sk-test-key', 200).chat.completions.create(chatRequest()),
    );
    expect(s.stats().openai.timeouts).toBe(1);
    await waitFor(() => s.stats().openai.inFlight === 0, {
      timeoutMs: 5_000,
      intervalMs: 10,
      message: 'no openai call in flight',
    });
  });
});
