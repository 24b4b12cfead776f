import { CONFLUENCE_SETTINGS } from './settings/confluence-settings.js';
import { KAFKA_JOB_SETTINGS } from './settings/kafka-job-settings.js';
import { KAFKA_SETTINGS } from './settings/kafka-settings.js';
import { ORIGIN_KNOB_SETTINGS } from './settings/origin-knob-settings.js';
import { OUTPUT_SETTINGS } from './settings/output-settings.js';
import { PROVIDER_SETTINGS } from './settings/provider-settings.js';
import { PIPELINE, type Setting } from './settings/setting.js';
import { TOOL_SETTINGS } from './settings/tool-settings.js';

export { KAFKA_COMMANDS, type Setting, type SettingType } from './settings/setting.js';

/**
 * The table of every setting tagspace understands: its flag, its environment variable, its
 * parser and its default. config.ts reads flags and the environment through this table once;
 * `--help` is printed from it, so the two cannot drift apart. Its rows live by room in
 * `settings/`; their order here is the order `--help` prints them in.
 */
const TABLE = [
  ...KAFKA_SETTINGS,
  ...KAFKA_JOB_SETTINGS,
  ...PROVIDER_SETTINGS,
  ...ORIGIN_KNOB_SETTINGS,
  ...OUTPUT_SETTINGS,
  ...CONFLUENCE_SETTINGS,
  ...TOOL_SETTINGS,
] as const satisfies readonly Setting[];

/** The table as rows, for code that walks it (parsing, --help). */
export const SETTINGS: readonly Setting[] = TABLE;

type Entry = (typeof TABLE)[number];
export type SettingKey = Entry['key'];

/** What a setting's parser (config.ts `parseValue`) turns its text into. */
type ValueOf<S> = S extends { type: 'int' | 'number' }
  ? number
  : S extends { type: 'bool' }
    ? boolean
    : S extends { type: 'list' }
      ? string[]
      : S extends { type: 'enum'; values: readonly (infer V)[] }
        ? V
        : string;

/**
 * The parsed settings, typed from the table: a setting with a default always has a value (config.ts
 * gives every default, offered by the command or not); one without may be undefined.
 */
export type SettingValues = {
  [S in Entry as S['key']]: S extends { default: string } ? ValueOf<S> : ValueOf<S> | undefined;
};

/** The commands a setting is offered on. */
export function commandsOf(s: Pick<Setting, 'commands'>): readonly string[] {
  return s.commands ?? PIPELINE;
}

export function settingsFor(command: string): Setting[] {
  return SETTINGS.filter((s) => commandsOf(s).includes(command));
}
