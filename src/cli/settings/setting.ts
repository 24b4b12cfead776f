/** How a setting's text is parsed (config.ts `parseValue`). */
export type SettingType = 'string' | 'int' | 'number' | 'bool' | 'list' | 'url' | 'enum';

/** One row of the settings table (src/cli/settings.ts): a flag, its environment variable, its parser and its default. */
export interface Setting {
  /** Key in the parsed settings record. */
  key: string;
  flag: string;
  /** The environment variable (TAGSPACE_*, or the standard name where one exists: KAFKA_BROKERS). */
  env?: string;
  /** Older names of the same variable, still read when `env` is unset (the origin document's TAG_SPACE_*). */
  aliases?: readonly string[];
  type: SettingType;
  default?: string;
  values?: readonly string[];
  min?: number;
  max?: number;
  help: string;
  /** Commands the flag is offered on; undefined = every pipeline command. */
  commands?: readonly string[];
  /** Secrets are never printed, not even in --help defaults. */
  secret?: boolean;
  /** The flag may be repeated (a list: its values are joined, each may hold commas too). */
  multiple?: boolean;
}

/** The commands that run the tagging pipeline: a setting without `commands` is offered on these. */
export const PIPELINE = ['run', 'replay', 'demo'] as const;
export const KAFKA_COMMANDS = ['run', 'replay', 'gen', 'ingest', 'webhook', 'labels'] as const;
export const CONFLUENCE = ['ingest', 'webhook', 'labels'] as const;
