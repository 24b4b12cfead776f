import { asTagspaceError } from '../model/errors.js';
import { PROVIDER_NAMES } from '../model/provider-name.js';
import type { Scenario, ScenarioPatch } from './scenario.js';
import { jsonResponse, type SimResponse } from './sim-response.js';
import type { SimStatsSnapshot } from './sim-stats.js';

/**
 * The simulator's own endpoints, for tests, benchmarks and the CLI:
 *   GET /healthz · GET /stats[?pages=1] · POST /stats/reset · GET /control · POST /control (a scenario
 *   patch, the same JSON as sim.update). Scenarios are shown with API keys replaced by "[set]".
 * Anything else gets the 404 of the API its path looks like.
 */
export interface SimControl {
  scenario(): Scenario;
  stats(pages: boolean): SimStatsSnapshot;
  update(patch: ScenarioPatch): Scenario;
  resetStats(): void;
}

export function handleControl(
  control: SimControl,
  method: string,
  path: string,
  query: string,
  body: string,
): SimResponse {
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /healthz':
      return jsonResponse(200, { status: 'ok' });
    case 'GET /stats': {
      const pages = new URLSearchParams(query).get('pages');
      return jsonResponse(200, control.stats(pages === '1' || pages === 'true'));
    }
    case 'POST /stats/reset':
      control.resetStats();
      return jsonResponse(200, { reset: true });
    case 'GET /control':
      return jsonResponse(200, { scenario: redacted(control.scenario()) });
    case 'POST /control':
      return applyPatch(control, body);
  }
  if (path.startsWith('/v1beta/') || path.startsWith('/v1/models/')) {
    return jsonResponse(404, { error: { code: 404, message: `Not found: ${path}`, status: 'NOT_FOUND' } });
  }
  if (path.startsWith('/v1/')) {
    return jsonResponse(404, {
      error: { message: `Invalid URL (${route})`, type: 'invalid_request_error', param: null, code: null },
    });
  }
  return jsonResponse(404, { error: { message: `Not found: ${route}` } });
}

function applyPatch(control: SimControl, body: string): SimResponse {
  let patch: unknown;
  try {
    patch = JSON.parse(body);
  } catch {
    return jsonResponse(400, { error: { message: 'scenario: the patch is not valid JSON' } });
  }
  try {
    return jsonResponse(200, { scenario: redacted(control.update(patch as ScenarioPatch)) });
  } catch (err) {
    const e = asTagspaceError(err);
    return jsonResponse(400, { error: { message: e.message, kind: e.kind, setting: e.setting } });
  }
}

function redacted(scenario: Scenario): Scenario {
  const out = { ...scenario };
  for (const name of PROVIDER_NAMES) {
    if (out[name].apiKey !== undefined) out[name] = { ...out[name], apiKey: '[set]' };
  }
  return out;
}
