import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import type { SimStatsSnapshot } from '../../src/sim/sim-stats.js';
import {
  chatRequest,
  geminiModel,
  openaiClient,
  PAGES,
  PROMPT,
  geminiAnswerIds,
  PAGE_IDS,
} from './sdk-kit.js';

const started: Simulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function start(scenario: Record<string, unknown> = {}): Promise<Simulator> {
  const sim = await startSimulator({ scenario });
  started.push(sim);
  return sim;
}

async function getJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as T };
}

function post(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

describe('simulator control endpoints', () => {
  it('answers /healthz', async () => {
    const s = await start();
    expect(await getJson(`${s.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('serves its own counts at /stats, per page when tracked, and resets them', async () => {
    const s = await start({ trackPages: true });
    await geminiModel(s).generateContent(PROMPT);
    await openaiClient(s).chat.completions.create(chatRequest());
    const { body } = await getJson<SimStatsSnapshot>(`${s.url}/stats?pages=1`);
    expect(body.gemini).toMatchObject({ requests: 1, ok: 1, pagesAnswered: 3, inFlight: 0 });
    expect(body.openai).toMatchObject({ requests: 1, ok: 1, pagesAnswered: 3 });
    expect(body.gemini.inputTokens).toBeGreaterThan(0);
    expect(body.openai.outputTokens).toBeGreaterThan(0);
    expect(body.pages).toEqual(Object.fromEntries(PAGES.map((p) => [p.id, 2])));
    expect((await getJson<SimStatsSnapshot>(`${s.url}/stats`)).body.pages).toBeUndefined();
    expect((await getJson(`${s.url}/stats/reset`, { method: 'POST' })).status).toBe(200);
    expect(s.stats({ pages: true })).toMatchObject({ gemini: { requests: 0 }, pages: {} });
  });

  it('changes quotas mid-run through POST /control and never shows the key', async () => {
    const s = await start({ openai: { apiKey: 'sk-test-key' } });
    const { status, body } = await getJson<{ scenario: { openai: { rpm: number; apiKey: string } } }>(
      `${s.url}/control`,
      post({ openai: { rpm: 1, windowMs: 60_000 } }),
    );
    expect(status).toBe(200);
    expect(body.scenario.openai).toMatchObject({ rpm: 1, apiKey: '[set]' });
    const client = openaiClient(s);
    await client.chat.completions.create(chatRequest());
    await expect(client.chat.completions.create(chatRequest())).rejects.toMatchObject({ status: 429 });
  });

  it('refuses a bad patch with 400 naming the field and keeps the scenario', async () => {
    const s = await start({ gemini: { rpm: 5 } });
    const { status, body } = await getJson<{ error: { message: string } }>(
      `${s.url}/control`,
      post({ gemini: { rpm: 'many' } }),
    );
    expect(status).toBe(400);
    expect(body.error.message).toBe('scenario: gemini.rpm must be a positive number');
    expect(s.scenario().gemini.rpm).toBe(5);
    expect(() => s.update({ gemini: { faults: { errorRate: -1 } } })).toThrow(/gemini\.faults\.errorRate/);
  });

  it('starts and ends an outage on the uptime clock', async () => {
    const s = await start();
    const model = geminiModel(s);
    const at = s.uptimeMs();
    s.update({ gemini: { faults: { outages: [{ startMs: at, endMs: at + 60_000 }] } } });
    await expect(model.generateContent(PROMPT)).rejects.toMatchObject({ status: 503 });
    s.update({ gemini: { faults: { outages: [] } } });
    expect(geminiAnswerIds(await model.generateContent(PROMPT))).toEqual(PAGE_IDS);
  });

  it('gives the same latencies for the same seed and different ones for another', async () => {
    const latencies = async (seed: number): Promise<string[]> => {
      const s = await start({ seed, openai: { latencyMs: { median: 20, perTokenMs: 0.1, jitter: 0.5 } } });
      const client = openaiClient(s);
      const out: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const { response } = await client.chat.completions.create(chatRequest()).withResponse();
        out.push(response.headers.get('openai-processing-ms') ?? '');
      }
      return out;
    };
    const first = await latencies(4);
    expect(await latencies(4)).toEqual(first);
    expect(await latencies(5)).not.toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('fails to start with a config error naming the address when the port is taken', async () => {
    const s = await start();
    const port = Number(new URL(s.url).port);
    await expect(startSimulator({ port })).rejects.toMatchObject({
      kind: 'config',
      message: `sim: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`,
    });
  });

  it('answers unknown paths with the 404 of the API they look like', async () => {
    const s = await start();
    const openai = await getJson<{ error: { type: string } }>(`${s.url}/v1/embeddings`, post({}));
    expect(openai).toMatchObject({ status: 404, body: { error: { type: 'invalid_request_error' } } });
    const gemini = await getJson<{ error: { status: string } }>(
      `${s.url}/v1beta/models/x:embedContent`,
      post({}),
    );
    expect(gemini).toMatchObject({ status: 404, body: { error: { status: 'NOT_FOUND' } } });
  });
});
