import { parseArgs } from 'node:util';
import { TagspaceError } from '../model/errors.js';
import { SETTINGS, settingsFor, type Setting, type SettingValues } from './settings.js';
import type { Env } from './otel-env.js';
import { unknownFlagHint } from './unknown-flag.js';
import { FETCH_BLOCKED_PORTS } from './fetch-blocked-ports.js';

/**
 * Flags and environment, read through the settings table into typed values. Precedence: flag >
 * environment variable (its own name, then its aliases) > default; every default is given, offered
 * by the command or not, so a setting with one always has a value. A bad value throws a `config`
 * TagspaceError whose message is one line naming the flag (or variable) at fault.
 */
export interface ReadSettings {
  values: SettingValues;
  /** Which flag or variable gave each value, for errors that involve two settings. */
  sources: Record<string, string>;
}

export function readSettings(command: string, argv: readonly string[], env: Env): ReadSettings {
  const settings = settingsFor(command);
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    help: { type: 'boolean' },
  };
  for (const s of settings) {
    options[s.flag] = s.multiple === true ? { type: 'string', multiple: true } : { type: 'string' };
    if (s.type === 'bool') options[`no-${s.flag}`] = { type: 'boolean' };
  }
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: normaliseArgs(argv, settings),
      options,
      strict: true,
      allowPositionals: true,
    }) as typeof parsed;
  } catch (err) {
    const message = ((err as Error).message.split('\n')[0] ?? 'bad arguments').split('. To specify')[0];
    const unknown = /^Unknown option '([^']+)'/.exec(message ?? '')?.[1];
    const hint = unknown === undefined ? undefined : unknownFlagHint(unknown, command);
    throw new TagspaceError('config', `${command}: ${message}${hint === undefined ? '' : ` (${hint})`}`);
  }
  if (parsed.positionals.length > 0) {
    throw new TagspaceError('config', `${command}: unexpected argument "${parsed.positionals[0]}"`);
  }

  // Settings a command does not offer still get their defaults, so the Config is whole.
  const values: Record<string, unknown> = {};
  const offered = new Set(settings.map((s) => s.key));
  for (const s of [...SETTINGS.filter((x) => !offered.has(x.key)), ...settings]) {
    if (s.default !== undefined) values[s.key] = parseValue(s, s.default, `default of --${s.flag}`);
  }
  const sources: Record<string, string> = {};
  for (const s of settings) {
    const given = parsed.values[s.flag];
    const flagValue = Array.isArray(given) ? given.join(',') : given;
    const negated = parsed.values[`no-${s.flag}`] === true;
    const fromEnv = envSource(s, env);
    if (negated) {
      values[s.key] = false;
      sources[s.key] = `--no-${s.flag}`;
    } else if (typeof flagValue === 'string') {
      values[s.key] = parseValue(s, flagValue, settingName(s, undefined));
      sources[s.key] = `--${s.flag}`;
    } else if (fromEnv !== undefined) {
      values[s.key] = parseValue(s, fromEnv.value, settingName(s, fromEnv.variable));
      sources[s.key] = fromEnv.variable;
    }
  }
  // Each value came through parseValue, which returns what ValueOf in settings.ts says for its type.
  return { values: values as SettingValues, sources };
}

/** Where a value came from, as the one-line error names it: `--flag`, or `VAR (--flag)`. */
function settingName(s: Setting, variable: string | undefined): string {
  return variable === undefined ? `--${s.flag}` : `${variable} (--${s.flag})`;
}

function parseValue(s: Setting, raw: string, name: string): unknown {
  const fail = (why: string): never => {
    throw new TagspaceError('config', `invalid ${name}: ${why}`, { setting: s.env ?? `--${s.flag}` });
  };
  if (raw.trim() === '') fail('must not be empty');
  switch (s.type) {
    case 'string':
      return raw;
    case 'int':
    case 'number': {
      const n = Number(raw);
      if (!Number.isFinite(n)) fail(`"${raw}" is not a number`);
      if (s.type === 'int' && !Number.isInteger(n)) fail(`"${raw}" is not a whole number`);
      if (s.min !== undefined && n < s.min) fail(`${raw} is below the minimum ${s.min}`);
      if (s.max !== undefined && n > s.max) fail(`${raw} is above the maximum ${s.max}`);
      return n;
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      return fail(`"${raw}" is not true or false`);
    }
    case 'list': {
      const items = raw
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
      if (items.length === 0) fail('must name at least one entry');
      return items;
    }
    case 'url': {
      // Never echoed with its user info: a password there is a secret all the same.
      const shown = `"${raw.replace(/\/\/[^/]*@/, '//***@')}"`;
      const u = URL.parse(raw) ?? fail(`${shown} is not a URL`);
      // fetch refuses such a URL on every call, and its error spells the URL out, password and all.
      if (u.username !== '' || u.password !== '') {
        fail(
          `${shown} carries a user name or password, which fetch will not send; give credentials through their own settings`,
        );
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') fail(`${shown} is not an http(s) URL`);
      if (FETCH_BLOCKED_PORTS.has(Number(u.port))) {
        fail(`port ${u.port} is one fetch refuses to connect to (a blocked port); serve it on another`);
      }
      return raw.replace(/\/+$/, '');
    }
    case 'enum':
      if (!s.values?.includes(raw)) fail(`"${raw}" is not one of ${s.values?.join(', ')}`);
      return raw;
  }
}

/**
 * argv as parseArgs can read it: `--trace` alone means `--trace=true` (as --help shows it) while
 * `--trace false` keeps its value; `--concurrency -3` is `--concurrency=-3`, so a negative number
 * is reported as below the minimum rather than as an ambiguous argument. No command takes a
 * positional argument, so a word after a switch is its value: `--spill maybe` is named as a bad
 * value of --spill, not as an argument out of place.
 */
function normaliseArgs(argv: readonly string[], settings: readonly Setting[]): string[] {
  const bools = new Set(settings.filter((s) => s.type === 'bool').map((s) => `--${s.flag}`));
  const valued = new Set(settings.filter((s) => s.type !== 'bool').map((s) => `--${s.flag}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (bools.has(arg)) {
      if (next === undefined || next.startsWith('-')) out.push(`${arg}=true`);
      else {
        out.push(`${arg}=${next}`);
        i++;
      }
    } else if (valued.has(arg) && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** The variable that sets `s` in `env`: its own name first, then its aliases. An empty value counts as set. */
function envSource(s: Setting, env: Env): { variable: string; value: string } | undefined {
  for (const variable of [s.env, ...(s.aliases ?? [])]) {
    if (variable === undefined) continue;
    const value = env[variable];
    if (value !== undefined) return { variable, value };
  }
  return undefined;
}
