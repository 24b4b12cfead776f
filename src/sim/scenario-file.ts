import { readFile } from 'node:fs/promises';
import { TagspaceError } from '../model/errors.js';
import { parseScenario, type Scenario } from './scenario.js';

/** Reads and validates a scenario file (JSON); every failure is one TagspaceError('config') line. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  return parseScenario(await readScenarioJson(path));
}

/** A scenario file's JSON, read but not validated (each simulator validates its own block). */
export async function readScenarioJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new TagspaceError('config', `scenario: cannot read ${path} (${code})`, { setting: 'scenario' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new TagspaceError('config', `scenario: ${path} is not valid JSON (${reason})`, {
      setting: 'scenario',
    });
  }
  return json;
}
