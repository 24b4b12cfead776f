import type { Config } from '../config.js';
import { TagspaceError } from '../../model/errors.js';
import { listenError } from '../../telemetry/metrics-server.js';
import { logger } from '../../telemetry/log.js';
import { createConfluenceSim } from '../../sim/confluence/confluence-sim.js';
import { parseConfluenceScenario } from '../../sim/confluence/confluence-scenario.js';
import { parseScenario } from '../../sim/scenario.js';
import { isObject } from '../../sim/scenario-fields.js';
import { readScenarioJson } from '../../sim/scenario-file.js';
import { startSimulator } from '../../sim/simulator.js';

/**
 * `tagspace sim`: the provider simulator and the Confluence simulator on one real HTTP server,
 * until SIGINT or SIGTERM. The scenario file's `confluence` block seeds spaces, sets credentials,
 * the rate and webhooks; without one the wiki starts empty with the default credentials.
 */
export async function simCommand(config: Config): Promise<number> {
  const json = config.scenario === undefined ? {} : await readScenarioJson(config.scenario);
  const scenario = parseScenario(json);
  const wiki = parseConfluenceScenario(isObject(json) ? json.confluence : undefined);
  const confluence = createConfluenceSim({
    config: wiki.config,
    spaces: wiki.spaces,
    webhooks: wiki.webhooks,
  });
  const { port, host } = config.sim;
  const sim = await startSimulator({ scenario, port, host, confluence }).catch((err: unknown) => {
    // A port in use (or not ours to bind) is a bad setting: exit 2 with one line, like any other,
    // naming the system's reason (the simulator's own error wraps it).
    const reason = err instanceof Error && err.cause !== undefined ? err.cause : err;
    throw new TagspaceError(
      'config',
      `invalid --port: cannot listen on ${host}:${port} (${listenError(reason)})`,
    );
  });
  const spaces = wiki.spaces.map((s) => `${s.key} (${s.pages} pages)`).join(', ') || 'none yet';
  const dc = wiki.config.deployment === 'data-center';
  // What a user passes as --confluence-url: the site on Cloud, the base URL with its context on Data Center.
  const site = dc ? `${sim.url}${wiki.config.contextPath}` : sim.url;
  const users = dc
    ? `Data Center, ${wiki.config.personalAccessTokens.length} personal access token(s) for CONFLUENCE_TOKEN`
    : wiki.config.users.map((u) => u.email).join(', ');
  logger('sim').info(
    { url: sim.url, scenario: config.scenario ?? 'defaults', spaces },
    'simulator listening',
  );
  process.stdout.write(
    `simulator on ${sim.url}\n  --gemini-base-url ${sim.geminiBaseUrl}\n  --openai-base-url ${sim.openaiBaseUrl}\n  stats: ${sim.url}/stats\n` +
      `  --confluence-url ${site}  (spaces: ${spaces}; users: ${users})\n  confluence stats: ${sim.url}/_confluence/stats\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return 0;
}
