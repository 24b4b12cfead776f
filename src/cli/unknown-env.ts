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

/** Other tools' names for the same key: Google's newer SDK and LangChain read GOOGLE_API_KEY. */
const OTHER_NAMES: Record<string, readonly string[]> = {
  GEMINI_API_KEY: ['GOOGLE_API_KEY', 'GEMINI_KEY'],
  OPENAI_API_KEY: ['OPENAI_KEY'],
};

/**
 * For a start-up error that names the variables to set ("set GEMINI_API_KEY or OPENAI_API_KEY"):
 * the variables of the environment that look like one of those, misspelt by the rule above or
 * another tool's name for it, as " (GEMINI_APIKEY is set: did you mean GEMINI_API_KEY?)". Names
 * only, never a value.
 */
export function misspeltVariablesHint(
  message: string,
  env: Readonly<Record<string, string | undefined>>,
  settings: readonly Pick<Setting, 'env' | 'aliases'>[] = SETTINGS,
): string {
  const known = new Set(
    settings.flatMap((s) => [s.env, ...(s.aliases ?? [])]).filter((v) => v !== undefined),
  );
  const named = [...new Set(message.match(/\b[A-Z][A-Z0-9_]{2,}\b/g) ?? [])].filter((v) => known.has(v));
  const hints: string[] = [];
  for (const variable of Object.keys(env).sort()) {
    if (known.has(variable) || env[variable] === undefined) continue;
    const meant = named.find(
      (name) =>
        OTHER_NAMES[name]?.includes(variable) === true ||
        editDistance(variable, name) <= Math.max(1, Math.floor(variable.length / 6)),
    );
    if (meant !== undefined) hints.push(`${variable} is set: did you mean ${meant}?`);
  }
  return hints.length === 0 ? '' : ` (${hints.join('; ')})`;
}
