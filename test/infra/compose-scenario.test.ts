import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/sim/scenario-file.js';

describe('the docker compose simulator scenario', () => {
  it('is a scenario the simulator accepts, with finite quotas for both providers', async () => {
    const scenario = await loadScenarioFile(
      fileURLToPath(new URL('../../scenarios/compose.json', import.meta.url)),
    );
    expect(scenario.gemini.rpm).toBe(300);
    expect(scenario.openai.rpm).toBe(500);
    expect(scenario.gemini.faults.errorRate).toBeGreaterThan(0);
  });
});
