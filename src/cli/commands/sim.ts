import type { Config } from '../config.js';
import { logger } from '../../telemetry/log.js';
import { loadScenarioFile } from '../../sim/scenario-file.js';
import { startSimulator } from '../../sim/simulator.js';

/** `tagspace sim`: the provider simulator as a real HTTP server, until SIGINT or SIGTERM. */
export async function simCommand(config: Config): Promise<number> {
  const scenario = config.scenario === undefined ? {} : await loadScenarioFile(config.scenario);
  const sim = await startSimulator({ scenario, port: config.sim.port, host: config.sim.host });
  logger('sim').info({ url: sim.url, scenario: config.scenario ?? 'defaults' }, 'simulator listening');
  process.stdout.write(
    `simulator on ${sim.url}\n  --gemini-base-url ${sim.geminiBaseUrl}\n  --openai-base-url ${sim.openaiBaseUrl}\n  stats: ${sim.url}/stats\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return 0;
}
