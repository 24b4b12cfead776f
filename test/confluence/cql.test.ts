import { describe, expect, it } from 'vitest';
import { cqlDate, cqlString, isTimeZone, modifiedSinceCql } from '../../src/confluence/cql.js';

describe('CQL', () => {
  it('writes dates to the minute, in the user’s time zone', () => {
    const t = Date.parse('2026-05-04T10:21:59.999Z');
    expect(cqlDate(t, 'UTC')).toBe('2026-05-04 10:21');
    expect(cqlDate(t, 'Europe/Berlin')).toBe('2026-05-04 12:21');
    expect(cqlDate(Date.parse('2026-01-01T00:30:00Z'), 'America/New_York')).toBe('2025-12-31 19:30');
  });

  it('writes midnight as 00, not 24', () => {
    expect(cqlDate(Date.parse('2026-05-04T00:05:00Z'), 'UTC')).toBe('2026-05-04 00:05');
  });

  it('quotes strings, escaping quotes and backslashes', () => {
    expect(cqlString('DEV')).toBe('"DEV"');
    expect(cqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('asks for a space’s pages modified since a minute, oldest first', () => {
    expect(modifiedSinceCql('DEV', Date.parse('2026-05-04T10:21:30Z'), 'UTC')).toBe(
      'space = "DEV" and type = page and lastmodified >= "2026-05-04 10:21" order by lastmodified asc',
    );
  });

  it('knows a time zone from a typo', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Europe/Pariss')).toBe(false);
  });
});
