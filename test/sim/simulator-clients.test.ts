import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { GeminiProvider } from '../../src/router/gemini-provider.js';
import { OpenAIProvider } from '../../src/router/openai-provider.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { chatRequest, geminiModel, openaiClient, PAGES, PROMPT, thrown } from './sdk-kit.js';

/**
 * Several clients against one simulator: a quota belongs to an API key, or to everyone when the
 * scenario shares it; /stats counts per client (a hash of the key, plus the instance header the
 * SDKs carry through their documented header options), never showing a key.
 */
let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const KEY_A = 'sk-proj-aaaaaaaaaaaaaaaaaaaaaaaa';
const KEY_B = 'sk-proj-bbbbbbbbbbbbbbbbbbbbbbbb';

async function refused(call: () => Promise<unknown>): Promise<void> {
  expect(await thrown(call)).toBeInstanceOf(OpenAI.RateLimitError);
}

describe('simulator, several clients', () => {
  it('makes processes sharing a key share its quota, and leaves another key alone', async () => {
    sim = await startSimulator({ scenario: { openai: { rpm: 2, windowMs: 60_000 } } });
    const first = openaiClient(sim, KEY_A, undefined, { 'x-tagspace-instance': 'one' });
    const second = openaiClient(sim, KEY_A, undefined, { 'x-tagspace-instance': 'two' });
    const other = openaiClient(sim, KEY_B, undefined, { 'x-tagspace-instance': 'three' });
    await first.chat.completions.create(chatRequest());
    await second.chat.completions.create(chatRequest());
    await refused(() => first.chat.completions.create(chatRequest()));
    await refused(() => second.chat.completions.create(chatRequest()));
    await other.chat.completions.create(chatRequest());
    await other.chat.completions.create(chatRequest());
    expect(sim.stats().openai).toMatchObject({ requests: 6, ok: 4, rateLimited: 2 });
  });

  it('draws every key from one quota when the scenario shares it', async () => {
    sim = await startSimulator({ scenario: { gemini: { rpm: 2, windowMs: 60_000, quotaScope: 'shared' } } });
    await geminiModel(sim, { apiKey: KEY_A }).generateContent(PROMPT);
    await geminiModel(sim, { apiKey: KEY_B }).generateContent(PROMPT);
    const err = (await thrown(() =>
      geminiModel(sim as Simulator, { apiKey: 'a-third-key' }).generateContent(PROMPT),
    )) as { status?: number };
    expect(err.status).toBe(429);
  });

  it('reports per client at /stats, the totals their sum, with no key in sight', async () => {
    sim = await startSimulator({ scenario: { gemini: { rpm: 1, windowMs: 60_000 } } });
    const one = geminiModel(sim, { apiKey: KEY_A, headers: { 'x-tagspace-instance': 'worker-1' } });
    const two = geminiModel(sim, { apiKey: KEY_A, headers: { 'x-tagspace-instance': 'worker-2' } });
    await one.generateContent(PROMPT);
    await thrown(() => two.generateContent(PROMPT));
    await openaiClient(sim, KEY_B).chat.completions.create(chatRequest());

    const response = await fetch(`${sim.url}/stats`);
    const text = await response.text();
    expect(text).not.toContain(KEY_A);
    expect(text).not.toContain(KEY_B);
    const stats = JSON.parse(text) as ReturnType<Simulator['stats']>;
    const ids = Object.keys(stats.clients).sort();
    expect(ids).toHaveLength(3);
    const [keyA] = (ids.find((id) => id.endsWith('/worker-1')) ?? '').split('/');
    expect(keyA).toMatch(/^key-[0-9a-f]{8}$/);
    expect(stats.clients[`${keyA}/worker-1`]?.gemini).toMatchObject({ requests: 1, ok: 1, pagesAnswered: 3 });
    expect(stats.clients[`${keyA}/worker-2`]?.gemini).toMatchObject({ requests: 1, rateLimited: 1 });
    const keyB = ids.find((id) => !id.startsWith(keyA as string)) as string;
    expect(keyB).toMatch(/^key-[0-9a-f]{8}$/);
    expect(stats.clients[keyB]?.openai).toMatchObject({ requests: 1, ok: 1 });
    const sum = (field: 'requests' | 'inputTokens' | 'outputTokens') =>
      Object.values(stats.clients).reduce((n, c) => n + c.gemini[field] + c.openai[field], 0);
    expect(sum('requests')).toBe(stats.gemini.requests + stats.openai.requests);
    expect(sum('inputTokens')).toBe(stats.gemini.inputTokens + stats.openai.inputTokens);
    expect(sum('outputTokens')).toBe(stats.gemini.outputTokens + stats.openai.outputTokens);

    sim.resetStats();
    expect(sim.stats().clients).toEqual({});
  });

  it("hears the instance tagspace's own adapters name on every call", async () => {
    sim = await startSimulator();
    const common = { apiKey: KEY_A, timeoutMs: 5_000, instanceId: 'tagspace-7' };
    await new GeminiProvider({ ...common, model: 'gemini-2.0-flash', baseUrl: sim.geminiBaseUrl }).tag(PAGES);
    await new OpenAIProvider({ ...common, model: 'gpt-4o-mini', baseUrl: sim.openaiBaseUrl }).tag(PAGES);
    const [id, client] = Object.entries(sim.stats().clients)[0] ?? [];
    expect(Object.keys(sim.stats().clients)).toHaveLength(1);
    expect(id).toMatch(/^key-[0-9a-f]{8}\/tagspace-7$/);
    expect(client?.gemini.ok).toBe(1);
    expect(client?.openai.ok).toBe(1);
  });
});
