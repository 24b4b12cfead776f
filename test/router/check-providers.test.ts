import { afterEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/router/provider.js';
import { Router } from '../../src/router/router.js';
import type { Simulator } from '../../src/sim/simulator.js';
import {
  captureLogs,
  geminiFor,
  openaiFor,
  spacePages,
  startSim,
  WRONG_GEMINI_KEY,
  WRONG_OPENAI_KEY,
} from './router-fixtures.js';

const logs = captureLogs();

let sim: Simulator | undefined;
let router: Router | undefined;
afterEach(async () => {
  router?.close();
  router = undefined;
  await sim?.close();
  sim = undefined;
  logs.length = 0;
});

const KEYS = { gemini: { apiKey: 'gemini-right' }, openai: { apiKey: 'openai-right' } };

function routerWith(gemini: Provider | undefined, openai: Provider | undefined): Router {
  router = new Router({
    providers: { ...(gemini && { gemini }), ...(openai && { openai }) },
    holdMaxDelayMs: 100,
  });
  return router;
}

const lines = (msg: string) =>
  logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);

describe('Router.checkProviders (start-up)', () => {
  it('accepts providers whose key and model the provider accepts, and says so', async () => {
    sim = await startSim(KEYS);
    const r = routerWith(
      geminiFor(sim, { apiKey: 'gemini-right' }),
      openaiFor(sim, { apiKey: 'openai-right' }),
    );
    expect(await r.checkProviders({ timeoutMs: 5_000 })).toBeUndefined();
    expect(lines('provider key and model accepted').map((l) => l.provider)).toEqual(
      expect.arrayContaining(['gemini', 'openai']),
    );
    expect(r.providerStates().map((s) => s.state)).toEqual(['closed', 'closed']);
  });

  it('returns the error naming every setting when no provider accepts its key', async () => {
    sim = await startSim(KEYS);
    const r = routerWith(
      geminiFor(sim, { apiKey: WRONG_GEMINI_KEY }),
      openaiFor(sim, { apiKey: WRONG_OPENAI_KEY }),
    );
    const none = await r.checkProviders({ timeoutMs: 5_000 });
    expect(none).toMatchObject({ kind: 'auth', setting: 'GEMINI_API_KEY,OPENAI_API_KEY' });
    expect(none?.message).toMatch(/^no provider can serve: .*GEMINI_API_KEY.*; .*OPENAI_API_KEY/);
    expect(none?.message).not.toContain(WRONG_GEMINI_KEY);
    expect(none?.message).not.toContain(WRONG_OPENAI_KEY);
  });

  it('makes a provider whose key is refused unusable at once, and sends every page to the other', async () => {
    sim = await startSim(KEYS);
    const r = routerWith(
      geminiFor(sim, { apiKey: WRONG_GEMINI_KEY }),
      openaiFor(sim, { apiKey: 'openai-right' }),
    );
    expect(await r.checkProviders({ timeoutMs: 5_000 })).toBeUndefined();
    expect(r.providerStates()).toEqual([
      { provider: 'gemini', state: 'unusable' },
      { provider: 'openai', state: 'closed' },
    ]);
    expect(r.preferred).toBe('openai');
    expect(lines('provider unusable until its setting is fixed')).toMatchObject([
      { provider: 'gemini', kind: 'auth', setting: 'GEMINI_API_KEY' },
    ]);
    const results = await r.tagBatch(spacePages(3));
    expect(results.every((x) => x.ok && x.provider === 'openai')).toBe(true);
    // Gemini was asked once, by the check, and never with a page.
    expect(sim.stats().gemini.requests).toBe(1);
  });

  it('leaves a provider it cannot reach to its calls, saying so', async () => {
    sim = await startSim(KEYS);
    const gemini = geminiFor(sim, { apiKey: 'gemini-right' });
    await sim.close();
    sim = undefined;
    const r = routerWith(gemini, undefined);
    expect(await r.checkProviders({ timeoutMs: 5_000 })).toBeUndefined();
    expect(lines('provider not reached at start-up')).toMatchObject([
      { provider: 'gemini', kind: 'overloaded' },
    ]);
    expect(r.providerStates()).toEqual([{ provider: 'gemini', state: 'closed' }]);
  });

  it('leaves a provider that does not answer within the timeout to its calls', async () => {
    const silent: Provider = {
      name: 'gemini',
      model: 'm',
      keySetting: 'GEMINI_API_KEY',
      tag: () => Promise.reject(new Error('not called')),
      check: (signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    };
    const r = routerWith(silent, undefined);
    expect(await r.checkProviders({ timeoutMs: 50 })).toBeUndefined();
    expect(lines('provider not reached at start-up')).toMatchObject([
      { provider: 'gemini', kind: 'timeout', err: 'gemini did not answer within 50 ms' },
    ]);
  });
});
