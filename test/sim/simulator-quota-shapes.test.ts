import { GoogleGenerativeAIFetchError } from '@google/generative-ai';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import {
  chatRequest,
  geminiModel,
  openaiClient,
  PROMPT,
  thrown,
  geminiAnswerIds,
  openaiAnswerIds,
  PAGE_IDS,
} from './sdk-kit.js';

/**
 * Each quota shape through the real SDKs, on a virtual clock (answers are instant, so the clock
 * only moves when a test moves it): the 429s and headers each provider sends for it, and the
 * hints rounded as the real services round them.
 */
let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const MINUTE = 60_000;
/** A whole number of minutes since the epoch, so fixed windows start on it. */
const ON_THE_MINUTE = 100 * MINUTE;

async function start(scenario: Record<string, unknown>, startAt = ON_THE_MINUTE) {
  let t = startAt;
  sim = await startSimulator({ scenario, now: () => t });
  return { sim, advance: (ms: number) => (t += ms) };
}

interface Detail {
  '@type': string;
  retryDelay?: string;
  violations?: { quotaId: string; quotaValue: string }[];
}

async function geminiRefusal(call: () => Promise<unknown>) {
  const err = await thrown(call);
  expect(err).toBeInstanceOf(GoogleGenerativeAIFetchError);
  const e = err as GoogleGenerativeAIFetchError;
  expect(e.status).toBe(429);
  const details = (e.errorDetails ?? []) as Detail[];
  const find = (type: string) => details.find((d) => d['@type'].endsWith(type));
  return {
    message: e.message,
    retryDelay: find('RetryInfo')?.retryDelay,
    quotaValue: find('QuotaFailure')?.violations?.[0]?.quotaValue,
  };
}

async function openaiRefusal(
  call: () => Promise<unknown>,
): Promise<InstanceType<typeof OpenAI.RateLimitError>> {
  const err = await thrown(call);
  expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  return err as InstanceType<typeof OpenAI.RateLimitError>;
}

describe('quota shapes, Gemini through @google/generative-ai', () => {
  it('fixed window: refuses until the minute turns, with the seconds to it cut to whole ones and exact in the message', async () => {
    const { sim: s, advance } = await start(
      { gemini: { rpm: 2, windowMs: MINUTE, quotaShape: 'fixed_window' } },
      ON_THE_MINUTE + 13_129.3,
    );
    const model = geminiModel(s);
    await model.generateContent(PROMPT);
    await model.generateContent(PROMPT);
    const refused = await geminiRefusal(() => model.generateContent(PROMPT));
    expect(refused.retryDelay).toBe('46s');
    expect(refused.quotaValue).toBe('2');
    expect(refused.message).toContain(
      '* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 2, model: gemini-2.0-flash',
    );
    expect(refused.message).toContain('Please retry in 46.8707s.');
    advance(46_870);
    await geminiRefusal(() => model.generateContent(PROMPT));
    advance(0.7);
    expect(geminiAnswerIds(await model.generateContent(PROMPT))).toEqual(PAGE_IDS);
  });

  it('fixed window on a time-scaled clock: the hint is cut to whole simulated seconds (a sixtieth of the window)', async () => {
    const { sim: s } = await start(
      { gemini: { rpm: 1, windowMs: 6_000, quotaShape: 'fixed_window' } },
      ON_THE_MINUTE + 1_234,
    );
    const model = geminiModel(s);
    await model.generateContent(PROMPT);
    const refused = await geminiRefusal(() => model.generateContent(PROMPT));
    expect(refused.retryDelay).toBe('4.7s');
    expect(refused.message).toContain('Please retry in 4.766s.');
  });

  it('token bucket: a full bucket bursts, then one request per window / rpm, the hint counting the refill', async () => {
    const { sim: s, advance } = await start({
      gemini: { rpm: 3, windowMs: MINUTE, quotaShape: 'token_bucket' },
    });
    const model = geminiModel(s);
    for (let i = 0; i < 3; i += 1) await model.generateContent(PROMPT);
    const first = await geminiRefusal(() => model.generateContent(PROMPT));
    expect(first.retryDelay).toBe('20s');
    expect(first.message).toContain('Please retry in 20s.');
    advance(500);
    const second = await geminiRefusal(() => model.generateContent(PROMPT));
    expect(second.retryDelay).toBe('19s');
    expect(second.message).toContain('Please retry in 19.5s.');
    advance(19_500);
    expect(geminiAnswerIds(await model.generateContent(PROMPT))).toEqual(PAGE_IDS);
    expect(s.stats().gemini).toMatchObject({ ok: 4, rateLimited: 2 });
  });

  it('schedule: the quota halves while another service shares the key and comes back after', async () => {
    const { sim: s, advance } = await start({
      gemini: { rpm: 4, windowMs: MINUTE, schedule: [{ atMs: 10_000, rpm: 1 }, { atMs: 20_000 }] },
    });
    const model = geminiModel(s);
    await model.generateContent(PROMPT);
    advance(10_000);
    // The project's quota value stays 4: the other service's share of it is no change of the quota.
    expect((await geminiRefusal(() => model.generateContent(PROMPT))).quotaValue).toBe('4');
    advance(10_000);
    for (let i = 0; i < 3; i += 1) await model.generateContent(PROMPT);
    expect((await geminiRefusal(() => model.generateContent(PROMPT))).quotaValue).toBe('4');
  });
});

describe('quota shapes, OpenAI through openai', () => {
  it('token bucket: remaining and reset count the refill, reset meaning until the bucket is full again', async () => {
    const { sim: s, advance } = await start({
      openai: { rpm: 2, tpm: 1_000_000, windowMs: MINUTE, quotaShape: 'token_bucket' },
    });
    const client = openaiClient(s);
    const { data, response } = await client.chat.completions.create(chatRequest()).withResponse();
    const total = data.usage?.total_tokens ?? 0;
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(response.headers.get('x-ratelimit-reset-requests')).toBe('30s');
    expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe(String(1_000_000 - total));
    expect(response.headers.get('x-ratelimit-reset-tokens')).toBe(`${Math.ceil(total * 0.06)}ms`);
    await client.chat.completions.create(chatRequest());
    const err = await openaiRefusal(() => client.chat.completions.create(chatRequest()));
    expect(err.code).toBe('rate_limit_exceeded');
    expect(err.type).toBe('requests');
    expect(err.message).toContain('Limit 2, Used 2, Requested 1. Please try again in 30s.');
    expect(err.headers?.get('retry-after-ms')).toBe('30000');
    expect(err.headers?.get('retry-after')).toBe('30');
    expect(err.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(err.headers?.get('x-ratelimit-reset-requests')).toBe('1m0s');
    advance(12_345);
    const later = await openaiRefusal(() => client.chat.completions.create(chatRequest()));
    expect(later.headers?.get('retry-after-ms')).toBe('17655');
    expect(later.headers?.get('retry-after')).toBe('18');
    expect(later.message).toContain('Please try again in 17.655s.');
    advance(17_655);
    expect(openaiAnswerIds(await client.chat.completions.create(chatRequest()))).toEqual(PAGE_IDS);
  });

  it('token bucket with tokens binding: the wait is the missing tokens at tpm per window', async () => {
    const probe = await start({ openai: {} });
    const usage = (await openaiClient(probe.sim).chat.completions.create(chatRequest())).usage;
    await probe.sim.close();
    const input = usage?.prompt_tokens ?? 0;
    const total = usage?.total_tokens ?? 0;
    // Room for the first call and for all but 10 of the second's input tokens.
    const tpm = total + input - 10;
    const { sim: s } = await start({
      openai: { rpm: 100, tpm, windowMs: MINUTE, quotaShape: 'token_bucket' },
    });
    const client = openaiClient(s);
    await client.chat.completions.create(chatRequest());
    const err = await openaiRefusal(() => client.chat.completions.create(chatRequest()));
    expect(err.type).toBe('tokens');
    expect(err.message).toContain(
      `on tokens per min (TPM): Limit ${tpm}, Used ${total}, Requested ${input}.`,
    );
    expect(err.headers?.get('retry-after-ms')).toBe(String(Math.ceil((10 * MINUTE) / tpm)));
    expect(err.headers?.get('x-ratelimit-remaining-tokens')).toBe(String(tpm - total));
  });

  it('fixed window: the reset headers and the hint are the time to the boundary', async () => {
    const { sim: s, advance } = await start(
      { openai: { rpm: 1, windowMs: MINUTE, quotaShape: 'fixed_window' } },
      ON_THE_MINUTE + 59_000.5,
    );
    const client = openaiClient(s);
    const { response } = await client.chat.completions.create(chatRequest()).withResponse();
    expect(response.headers.get('x-ratelimit-reset-requests')).toBe('1s');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    advance(500);
    const err = await openaiRefusal(() => client.chat.completions.create(chatRequest()));
    expect(err.headers?.get('retry-after-ms')).toBe('500');
    expect(err.headers?.get('retry-after')).toBe('1');
    expect(err.headers?.get('x-ratelimit-reset-requests')).toBe('500ms');
    advance(500);
    expect(openaiAnswerIds(await client.chat.completions.create(chatRequest()))).toEqual(PAGE_IDS);
  });

  it('schedule: another service on the key lowers what is left, not the limit the headers report', async () => {
    const { sim: s, advance } = await start({
      openai: { rpm: 3, tpm: 50_000, windowMs: MINUTE, schedule: [{ atMs: 5_000, rpm: 2, tpm: 20_000 }] },
    });
    const client = openaiClient(s);
    const before = await client.chat.completions.create(chatRequest()).withResponse();
    expect(before.response.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(before.response.headers.get('x-ratelimit-remaining-requests')).toBe('2');
    advance(5_000);
    const after = await client.chat.completions.create(chatRequest()).withResponse();
    expect(after.response.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(after.response.headers.get('x-ratelimit-limit-tokens')).toBe('50000');
    expect(after.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    // The other service's request counts as used, against the key's limit.
    const err = await openaiRefusal(() => client.chat.completions.create(chatRequest()));
    expect(err.message).toContain('Limit 3, Used 3, Requested 1.');
    expect(err.headers?.get('x-ratelimit-limit-requests')).toBe('3');
  });

  it('schedule: a raised tier is reported as the new limit', async () => {
    const { sim: s, advance } = await start({
      openai: { rpm: 50, tpm: 20_000, schedule: [{ atMs: 5_000, rpm: 100, tpm: 50_000 }] },
    });
    const client = openaiClient(s);
    const before = await client.chat.completions.create(chatRequest()).withResponse();
    expect(before.response.headers.get('x-ratelimit-limit-requests')).toBe('50');
    advance(5_000);
    const after = await client.chat.completions.create(chatRequest()).withResponse();
    expect(after.response.headers.get('x-ratelimit-limit-requests')).toBe('100');
    expect(after.response.headers.get('x-ratelimit-limit-tokens')).toBe('50000');
    expect(after.response.headers.get('x-ratelimit-remaining-requests')).toBe('98');
  });
});
