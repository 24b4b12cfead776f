import { editDistance } from './edit-distance.js';
import { SETTINGS, type Setting } from './settings.js';

/** Variables with tagspace's prefixes that the scripts and tests read, not the CLI. */
const NOT_SETTINGS = new Set(['TAGSPACE_KAFKA_VERSION', 'TAGSPACE_TEST_BROKERS']);

export interface StrayVariable {
  variable: string;
  /** The setting's variable it most likely meant, when one is close. */
  meant?: string;
}

/**
 * The environment's TAGSPACE_* and TAG_SPACE_* variables no setting reads, each with the variable
 * it most likely meant: the closest by edit distance, kept when d ≤ max(1, ⌊|x| / 6⌋).
 *
 * Why: a flag with a typo stops start-up, but a variable with one is silently ignored, and the
 * run goes on with the default the user meant to change (TAGSPACE_SPIL=off spills anyway).
 * Not an error: a shared environment may hold another tool's variables with the same prefix.
 */
export function strayVariables(
  env: Readonly<Record<string, string | undefined>>,
  settings: readonly Pick<Setting, 'env' | 'aliases'>[] = SETTINGS,
): StrayVariable[] {
  const known = settings.flatMap((s) => [s.env, ...(s.aliases ?? [])]).filter((v) => v !== undefined);
  const knownSet = new Set(known);
  const stray: StrayVariable[] = [];
  for (const variable of Object.keys(env).sort()) {
    if (!/^TAG_?SPACE_/.test(variable) || knownSet.has(variable) || NOT_SETTINGS.has(variable)) continue;
    let best: { name: string; d: number } | undefined;
    for (const name of known) {
      const d = editDistance(variable, name);
      if (best === undefined || d < best.d) best = { name, d };
    }
    const close = best !== undefined && best.d <= Math.max(1, Math.floor(variable.length / 6));
    stray.push(close ? { variable, meant: best?.name } : { variable });
  }
  return stray;
}
