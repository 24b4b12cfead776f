import { describe, expect, expectTypeOf, it } from 'vitest';
import { readSettings } from '../../src/cli/read-settings.js';
import { SETTINGS, settingsFor, type SettingValues } from '../../src/cli/settings.js';

/** The runtime kind each table type parses to, as settings.ts's ValueOf declares it. */
const KIND = {
  int: 'number',
  number: 'number',
  bool: 'boolean',
  list: 'array',
  string: 'string',
  url: 'string',
  enum: 'string',
};

describe('readSettings', () => {
  it('gives every setting with a default a value of the kind its table type declares, for every command', () => {
    for (const command of ['run', 'replay', 'demo', 'gen', 'sim', 'ingest', 'webhook', 'labels']) {
      const { values } = readSettings(command, [], {});
      const record = values as unknown as Record<string, unknown>;
      // A command's own entry wins over another command's entry of the same key (two read `out`).
      const offered = settingsFor(command);
      const keys = new Set(offered.map((s) => s.key));
      const effective = [...offered, ...SETTINGS.filter((s) => !keys.has(s.key))];
      for (const s of effective.filter((x) => x.default !== undefined)) {
        const v = record[s.key];
        expect(Array.isArray(v) ? 'array' : typeof v, `${command} ${s.key}`).toBe(KIND[s.type]);
        if (s.type === 'enum') expect(s.values).toContain(v);
      }
    }
  });

  it('types each value from the table, so config.ts reads them without casts', () => {
    const { values } = readSettings('run', ['--brokers', 'a:1,b:2', '--concurrency-policy', 'fixed'], {});
    expectTypeOf(values.brokers).toEqualTypeOf<string[]>();
    expectTypeOf(values.maxInFlight).toEqualTypeOf<number>();
    expectTypeOf(values.exactlyOnce).toEqualTypeOf<boolean>();
    expectTypeOf(values.summaryJson).toEqualTypeOf<string | undefined>();
    expectTypeOf<SettingValues['concurrencyPolicy']>().toEqualTypeOf<'fixed' | 'seed' | 'adaptive'>();
    expect(values.brokers).toEqual(['a:1', 'b:2']);
    expect(values.concurrencyPolicy).toBe('fixed');
  });

  it('names where each value came from: the flag, the variable or an alias', () => {
    const { sources } = readSettings('run', ['--topic', 't'], {
      TAG_SPACE_BATCH_SIZE: '3',
      TAGSPACE_GROUP: 'g',
    });
    expect(sources).toMatchObject({
      topic: '--topic',
      batchSize: 'TAG_SPACE_BATCH_SIZE',
      group: 'TAGSPACE_GROUP',
    });
  });

  it('offers every flag as an environment variable too, but the one-off file and sample flags docs/running.md names', () => {
    const flagOnly = SETTINGS.filter((s) => s.env === undefined).map((s) => `--${s.flag}`);
    expect(new Set(flagOnly)).toEqual(
      new Set(['--input', '--out', '--scenario', '--confluence', '--pages', '--seed', '--space', '--truth']),
    );
    const { values, sources } = readSettings('replay', [], {
      TAGSPACE_SUMMARY_JSON: 'summary.json',
      TAGSPACE_REPORT: 'report.html',
    });
    expect(values).toMatchObject({ summaryJson: 'summary.json', report: 'report.html' });
    expect(sources).toMatchObject({ summaryJson: 'TAGSPACE_SUMMARY_JSON', report: 'TAGSPACE_REPORT' });
  });
});
