import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import { DEFAULT_RPM, mergeScenario, parseScenario } from '../../src/sim/scenario.js';
import { loadScenarioFile } from '../../src/sim/scenario-file.js';

function configError(fn: () => unknown): TagspaceError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TagspaceError);
    expect((err as TagspaceError).kind).toBe('config');
    return err as TagspaceError;
  }
  throw new Error('expected a config error');
}

describe('parseScenario', () => {
  it('fills a missing provider block with a generous quota and no faults', () => {
    const scenario = parseScenario({ seed: 3 });
    expect(scenario.seed).toBe(3);
    expect(scenario.openai.rpm).toBe(DEFAULT_RPM);
    expect(scenario.openai.windowMs).toBe(60_000);
    expect(scenario.openai.latencyMs.median).toBe(0);
    expect(scenario.openai.faults).toMatchObject({ errorRate: 0, outages: [], safetyMarker: 'SIM_UNSAFE' });
  });

  it('reads every field of a provider block', () => {
    const scenario = parseScenario({
      gemini: {
        model: 'gemini-2.0-flash-001',
        apiKey: 'k',
        authStatus: 403,
        rpm: 15,
        tpm: 1_000_000,
        windowMs: 1_000,
        rpd: 1_500,
        maxConcurrent: 4,
        latencyMs: { median: 800, perTokenMs: 3, jitter: 0.3 },
        faults: { errorRate: 0.1, outages: [{ startMs: 10, endMs: 20, status: 500 }], hangMs: 50 },
      },
    });
    expect(scenario.gemini).toMatchObject({ rpm: 15, rpd: 1_500, maxConcurrent: 4, authStatus: 403 });
    expect(scenario.gemini.faults.outages).toEqual([{ startMs: 10, endMs: 20, status: 500 }]);
  });

  it('names the bad field', () => {
    expect(configError(() => parseScenario({ gemini: { rpm: 0 } })).message).toBe(
      'scenario: gemini.rpm must be a positive number',
    );
    expect(configError(() => parseScenario({ openai: { faults: { errorRate: 2 } } })).message).toBe(
      'scenario: openai.faults.errorRate must be a number between 0 and 1',
    );
    expect(configError(() => parseScenario({ gemini: { rmp: 5 } })).message).toBe(
      'scenario: gemini.rmp is not a known field',
    );
    expect(configError(() => parseScenario({ seed: 1.5 })).message).toBe('scenario: seed must be an integer');
    expect(
      configError(() => parseScenario({ gemini: { faults: { outages: [{ startMs: 5, endMs: 1 }] } } }))
        .setting,
    ).toBe('gemini.faults.outages[0].endMs');
    expect(configError(() => parseScenario({ openai: { authStatus: 402 } })).message).toBe(
      'scenario: openai.authStatus must be 401 or 403',
    );
    expect(configError(() => parseScenario([])).message).toBe('scenario: scenario must be an object');
  });

  it('reads how faults grow with a batch, and the model’s output limit, naming a bad value', () => {
    const scenario = parseScenario({
      gemini: {
        maxOutputTokens: 8_192,
        faults: { misattributionRatePerPage: 0.001, truncatedRatePer1kOutputTokens: 0.005 },
      },
    });
    expect(scenario.gemini.maxOutputTokens).toBe(8_192);
    expect(scenario.gemini.faults).toMatchObject({
      misattributionRatePerPage: 0.001,
      truncatedRatePer1kOutputTokens: 0.005,
    });
    expect(parseScenario({}).openai.faults).toMatchObject({
      misattributionRatePerPage: 0,
      truncatedRatePer1kOutputTokens: 0,
    });
    expect(parseScenario({}).openai.maxOutputTokens).toBeUndefined();
    expect(
      configError(() => parseScenario({ gemini: { faults: { misattributionRatePerPage: -0.1 } } })).message,
    ).toBe('scenario: gemini.faults.misattributionRatePerPage must be a number between 0 and 1');
    expect(
      configError(() => parseScenario({ openai: { faults: { truncatedRatePer1kOutputTokens: 'x' } } }))
        .message,
    ).toBe('scenario: openai.faults.truncatedRatePer1kOutputTokens must be a number between 0 and 1');
    expect(configError(() => parseScenario({ gemini: { maxOutputTokens: 0.5 } })).message).toBe(
      'scenario: gemini.maxOutputTokens must be a positive integer',
    );
  });
});

describe('parseScenario, quota fields', () => {
  it('defaults to a sliding window per API key with no schedule', () => {
    expect(parseScenario({}).gemini).toMatchObject({
      quotaShape: 'sliding',
      quotaScope: 'key',
      schedule: [],
    });
    expect(parseScenario({}).gemini.burst).toBeUndefined();
  });

  it('reads the shape, the burst, the schedule and the scope', () => {
    const scenario = parseScenario({
      openai: {
        quotaShape: 'token_bucket',
        burst: 0.5,
        quotaScope: 'shared',
        schedule: [{ atMs: 1_000, rpm: 5 }, { atMs: 2_000 }],
      },
    });
    expect(scenario.openai).toMatchObject({
      quotaShape: 'token_bucket',
      burst: 0.5,
      quotaScope: 'shared',
      schedule: [{ atMs: 1_000, rpm: 5 }, { atMs: 2_000 }],
    });
  });

  it('names the bad quota field', () => {
    const message = (scenario: unknown) => configError(() => parseScenario(scenario)).message;
    expect(message({ gemini: { quotaShape: 'leaky' } })).toBe(
      'scenario: gemini.quotaShape must be one of "sliding", "token_bucket", "fixed_window"',
    );
    expect(message({ gemini: { burst: 0.5 } })).toBe(
      'scenario: gemini.burst applies only to quotaShape "token_bucket"',
    );
    expect(message({ openai: { quotaShape: 'token_bucket', burst: 0 } })).toBe(
      'scenario: openai.burst must be a positive number',
    );
    expect(message({ openai: { quotaScope: 'org' } })).toBe(
      'scenario: openai.quotaScope must be one of "key", "shared"',
    );
    expect(message({ gemini: { schedule: { atMs: 5 } } })).toBe(
      'scenario: gemini.schedule must be an array of { atMs, rpm?, tpm? }',
    );
    expect(message({ gemini: { schedule: [{ rpm: 5 }] } })).toBe(
      'scenario: gemini.schedule[0].atMs is required',
    );
    expect(message({ gemini: { schedule: [{ atMs: 5 }, { atMs: 5, rpm: 2 }] } })).toBe(
      "scenario: gemini.schedule[1].atMs must be greater than the step before's (5)",
    );
    expect(message({ gemini: { schedule: [{ atMs: 5, rpm: 0 }] } })).toBe(
      'scenario: gemini.schedule[0].rpm must be a positive number',
    );
    expect(message({ gemini: { schedule: [{ atMs: 5, windowMs: 9 }] } })).toBe(
      'scenario: gemini.schedule[0].windowMs is not a known field',
    );
  });

  it('parses its own output again unchanged, so a patch can change the shape', () => {
    const bucket = parseScenario({ gemini: { quotaShape: 'token_bucket', burst: 0.25 } });
    expect(mergeScenario(bucket, {}).gemini).toEqual(bucket.gemini);
    expect(
      mergeScenario(bucket, { gemini: { quotaShape: 'fixed_window', burst: null } }).gemini,
    ).toMatchObject({
      quotaShape: 'fixed_window',
    });
  });
});

describe('mergeScenario', () => {
  it('merges objects, replaces arrays and removes fields set to null', () => {
    const base = parseScenario({
      gemini: { rpm: 10, rpd: 100, faults: { errorRate: 0.5, outages: [{ startMs: 0, endMs: 5 }] } },
    });
    const next = mergeScenario(base, { gemini: { rpd: null, faults: { outages: [{ startMs: 7 }] } } });
    expect(next.gemini.rpm).toBe(10);
    expect(next.gemini.rpd).toBeUndefined();
    expect(next.gemini.faults.errorRate).toBe(0.5);
    expect(next.gemini.faults.outages).toEqual([{ startMs: 7, endMs: undefined, status: undefined }]);
  });

  it('validates the merged result', () => {
    const base = parseScenario({});
    expect(configError(() => mergeScenario(base, { openai: { tpm: -1 } })).setting).toBe('openai.tpm');
  });
});

describe('loadScenarioFile', () => {
  it('reads a scenario file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-scenario-'));
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify({ seed: 9, openai: { rpm: 60 } }));
    const scenario = await loadScenarioFile(path);
    expect(scenario.seed).toBe(9);
    expect(scenario.openai.rpm).toBe(60);
  });

  it('fails with one config line for a missing file or bad JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-scenario-'));
    await expect(loadScenarioFile(join(dir, 'absent.json'))).rejects.toMatchObject({
      kind: 'config',
      message: expect.stringContaining('ENOENT') as unknown,
    });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"seed": ');
    await expect(loadScenarioFile(bad)).rejects.toMatchObject({
      kind: 'config',
      message: expect.stringContaining('is not valid JSON') as unknown,
    });
  });

  it('accepts every shipped example scenario', async () => {
    const dir = join(import.meta.dirname, '../../scenarios');
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
    expect(names).toEqual(expect.arrayContaining(['default.json', 'demo.json']));
    for (const name of names) {
      const scenario = await loadScenarioFile(join(dir, name));
      expect(scenario.gemini.rpm, name).toBeGreaterThan(0);
    }
  });
});
