import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/cli/config.js';
import { routerFromConfig } from '../../src/cli/router-from-config.js';
import { instanceTag } from '../../src/model/instance-header.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { quietLogs, spacePages } from '../router/router-fixtures.js';

quietLogs();

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('routerFromConfig', () => {
  it('names the instance (a digest of --instance-id) on every provider call, and never the key nor the id', async () => {
    sim = await startSimulator();
    const config = loadConfig(
      'run',
      ['--instance-id', 'worker-b', '--gemini-base-url', sim.url, '--openai-base-url', sim.openaiBaseUrl],
      { GEMINI_API_KEY: 'AIza-secret-key-for-the-test', OPENAI_API_KEY: 'sk-secret-key-for-the-test' },
    );
    const router = routerFromConfig(config);
    try {
      const results = await router.tagBatch(spacePages(2));
      expect(results.every((r) => r.ok)).toBe(true);
    } finally {
      router.close();
    }
    const clients = Object.keys(sim.stats().clients);
    expect(clients).toHaveLength(1);
    expect(clients[0]).toMatch(new RegExp(`^key-[0-9a-f]{8}/${instanceTag('worker-b')}$`));
    expect(instanceTag('worker-b')).not.toContain('worker');
    expect(JSON.stringify(sim.stats())).not.toContain('secret');
    expect(JSON.stringify(sim.stats())).not.toContain('worker-b');
  });
});
