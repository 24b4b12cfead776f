import { describe, expect, it } from 'vitest';
import { compileCql, type CqlRecord } from '../../../src/sim/confluence/cql-filter.js';
import { CqlError, parseCql } from '../../../src/sim/confluence/cql-parser.js';

const at = (iso: string): number => Date.parse(iso);

function rec(id: string, lastModified: string, extra: Partial<CqlRecord> = {}): CqlRecord {
  return {
    id,
    type: 'page',
    spaceKey: 'DEV',
    title: `Page ${id}`,
    labels: [],
    created: at('2026-01-01T00:00:00Z'),
    lastModified: at(lastModified),
    ...extra,
  };
}

function run(query: string, records: CqlRecord[]): string[] {
  const filter = compileCql(query);
  return records
    .filter((r) => filter.matches(r))
    .sort((a, b) => filter.compare(a, b))
    .map((r) => r.id);
}

describe('CQL parsing', () => {
  it('reads the follower query: space, type, lastmodified and an order', () => {
    expect(
      parseCql('space = "DEV" and type = page and lastmodified >= "2026-01-05 09:04" order by lastmodified'),
    ).toEqual({
      where: {
        kind: 'and',
        left: {
          kind: 'and',
          left: { kind: 'clause', field: 'space', op: '=', values: ['DEV'] },
          right: { kind: 'clause', field: 'type', op: '=', values: ['page'] },
        },
        right: { kind: 'clause', field: 'lastmodified', op: '>=', values: ['2026-01-05 09:04'] },
      },
      orderBy: [{ field: 'lastmodified', direction: 'asc' }],
    });
  });

  it('takes keywords in any case, IN lists, NOT and parentheses', () => {
    const query = parseCql(
      "SPACE in (DEV, 'OPS') AND NOT (label = draft OR title ~ wip) ORDER BY created DESC, id",
    );
    expect(query.orderBy).toEqual([
      { field: 'created', direction: 'desc' },
      { field: 'id', direction: 'asc' },
    ]);
    expect(query.where).toMatchObject({
      kind: 'and',
      left: { op: 'in', values: ['DEV', 'OPS'] },
      right: { kind: 'not' },
    });
  });

  it.each([
    ['an empty query', ''],
    ['only an order', 'order by lastmodified'],
    ['a missing value', 'space ='],
    ['an unterminated string', 'space = "DEV'],
    ['a function', 'lastmodified > now("-4h")'],
    ['a dangling keyword', 'space = DEV and'],
    ['trailing garbage', 'space = DEV DEV'],
  ])('refuses %s', (_what, query) => {
    expect(() => parseCql(query)).toThrow(CqlError);
  });
});

describe('CQL filtering and ordering', () => {
  const records = [
    rec('30', '2026-01-05T09:05:10Z', { labels: ['runbook'] }),
    rec('10', '2026-01-05T09:04:59Z', { title: 'Deploy runbook' }),
    rec('20', '2026-01-05T09:03:59Z', { spaceKey: 'OPS' }),
    rec('100', '2026-01-06T12:00:00Z'),
  ];

  it('compares lastmodified at the minute the query names, so the checkpoint minute comes back', () => {
    expect(run('lastmodified >= "2026-01-05 09:04" order by lastmodified', records)).toEqual([
      '10',
      '30',
      '100',
    ]);
    expect(run('lastmodified > "2026-01-05 09:04"', records)).toEqual(['30', '100']);
    expect(run('lastmodified = "2026-01-05 09:04"', records)).toEqual(['10']);
  });

  it('compares a date without a time at the day', () => {
    expect(run('lastmodified = "2026-01-05"', records)).toEqual(['10', '20', '30']);
    expect(run('lastmodified < "2026/01/06"', records)).toEqual(['10', '20', '30']);
  });

  it('orders by lastmodified descending and breaks ties by numeric id', () => {
    expect(run('type = page order by lastmodified desc', records)).toEqual(['100', '30', '10', '20']);
    expect(run('type = page', records)).toEqual(['10', '20', '30', '100']);
  });

  it('filters by space (any case), label, title and id', () => {
    expect(run('space = dev', records)).toEqual(['10', '30', '100']);
    expect(run('space not in (DEV)', records)).toEqual(['20']);
    expect(run('label = runbook', records)).toEqual(['30']);
    expect(run('title ~ "RUNBOOK"', records)).toEqual(['10']);
    expect(run('id in (20, 100)', records)).toEqual(['20', '100']);
    expect(run('type = blogpost', records)).toEqual([]);
  });

  it.each([
    ['an unknown field', 'text ~ deploy'],
    ['an operator the field does not take', 'space > DEV'],
    ['a value that is not a date', 'lastmodified > "yesterday"'],
    ['an order by a field it cannot sort', 'type = page order by space'],
  ])('refuses %s', (_what, query) => {
    expect(() => compileCql(query)).toThrow(CqlError);
  });
});
