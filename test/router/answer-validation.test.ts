import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import {
  attributeAnswer,
  parseAnswerJson,
  suspectPages,
  swapRefuted,
} from '../../src/router/answer-validation.js';

describe('parseAnswerJson', () => {
  it('parses JSON text', () => {
    expect(parseAnswerJson('{"pages":[]}', 'gemini')).toEqual({ pages: [] });
  });

  it('throws malformed_output for text that is not JSON', () => {
    expect(() => parseAnswerJson('Here are your labels: {pages: []}', 'gemini')).toThrow(
      expect.objectContaining({ kind: 'malformed_output', provider: 'gemini' }),
    );
  });
});

describe('attributeAnswer', () => {
  const ids = ['a', 'b', 'c'];

  it('attributes each entry to the page it names', () => {
    const result = attributeAnswer(
      {
        pages: [
          { id: 'b', tags: ['x'] },
          { id: 'a', tags: ['y'] },
          { id: 'c', tags: [] },
        ],
      },
      ids,
      'g',
    );
    expect([...result.answered]).toEqual([
      ['a', ['y']],
      ['b', ['x']],
      ['c', []],
    ]);
    expect(result.unanswered).toEqual([]);
  });

  it('leaves a page the answer does not name unanswered', () => {
    const result = attributeAnswer({ pages: [{ id: 'a', tags: ['x'] }] }, ids, 'g');
    expect(result.unanswered).toEqual(['b', 'c']);
  });

  it('drops ids that are not in the batch', () => {
    const result = attributeAnswer(
      {
        pages: [
          { id: 'a', tags: ['x'] },
          { id: 'zz', tags: ['y'] },
        ],
      },
      ['a'],
      'g',
    );
    expect(result.invented).toEqual(['zz']);
    expect([...result.answered.keys()]).toEqual(['a']);
  });

  it('trusts neither entry of a page named twice', () => {
    const result = attributeAnswer(
      {
        pages: [
          { id: 'a', tags: ['x'] },
          { id: 'a', tags: ['y'] },
        ],
      },
      ['a'],
      'g',
    );
    expect(result.duplicated).toEqual(['a']);
    expect(result.unanswered).toEqual(['a']);
    expect(result.answered.size).toBe(0);
  });

  it('leaves a page unanswered when its entry has no tags array', () => {
    const result = attributeAnswer({ pages: [{ id: 'a', tags: 'x' }, 'junk', { tags: ['y'] }] }, ['a'], 'g');
    expect(result.unanswered).toEqual(['a']);
  });

  it('throws malformed_output for JSON without a pages array', () => {
    expect(() => attributeAnswer({ labels: [] }, ids, 'openai')).toThrow(TagspaceError);
    expect(() => attributeAnswer([1, 2], ids, 'openai')).toThrow(
      expect.objectContaining({ kind: 'malformed_output' }),
    );
  });
});

describe('suspectPages', () => {
  const pages = [
    {
      pageId: '1',
      title: 'Kafka consumer lag',
      text: 'The kafka consumer group lags behind the topic partitions.',
    },
    { pageId: '2', title: 'Postgres vacuum', text: 'Autovacuum on postgres tables; the database bloats.' },
    { pageId: '3', title: 'On-call handbook', text: 'Who is on call and how the pager rotation works.' },
  ];

  it('trusts labels that fit their own page', () => {
    const tags = new Map([
      ['1', ['kafka']],
      ['2', ['postgres', 'database']],
      ['3', ['on-call']],
    ]);
    expect(suspectPages(tags, pages)).toEqual([]);
  });

  it('doubts both pages of a swap', () => {
    const tags = new Map([
      ['1', ['postgres', 'database']],
      ['2', ['kafka']],
      ['3', ['on-call']],
    ]);
    expect(suspectPages(tags, pages)).toEqual(['1', '2']);
  });

  it('does not doubt a page whose labels fit another page better when that page keeps its own', () => {
    const tags = new Map([
      ['1', ['database']],
      ['2', ['postgres']],
    ]);
    expect(suspectPages(tags, pages.slice(0, 2))).toEqual([]);
  });

  it('doubts a swap between two pages written in Russian, or in German with accents', () => {
    const russian = [
      {
        pageId: 'r1',
        title: 'Резервное копирование',
        text: 'Резервное копирование базы данных postgres каждую ночь.',
      },
      { pageId: 'r2', title: 'Дежурство', text: 'Кто дежурит на этой неделе и как работает ротация.' },
    ];
    const swapped = new Map([
      ['r1', ['дежурство', 'ротация']],
      ['r2', ['резервное-копирование']],
    ]);
    expect(suspectPages(swapped, russian)).toEqual(['r1', 'r2']);
    const own = new Map([
      ['r1', ['резервное-копирование']],
      ['r2', ['дежурство', 'ротация']],
    ]);
    expect(suspectPages(own, russian)).toEqual([]);
    const german = [
      { pageId: 'g1', title: 'Übersicht der Dienste', text: 'Eine Übersicht über alle Dienste.' },
      { pageId: 'g2', title: 'Störungen', text: 'Wie wir Störungen melden.' },
    ];
    const germanSwapped = new Map([
      ['g1', ['storungen']],
      ['g2', ['ubersicht', 'dienste']],
    ]);
    expect(suspectPages(germanSwapped, german)).toEqual(['g1', 'g2']);
  });

  it('never doubts a lone page or labels without words', () => {
    expect(suspectPages(new Map([['1', ['postgres']]]), pages.slice(0, 1))).toEqual([]);
    const tags = new Map([
      ['1', ['ci']],
      ['2', ['x-y']],
    ]);
    expect(suspectPages(tags, pages.slice(0, 2))).toEqual([]);
  });
});

describe('swapRefuted', () => {
  it('refutes a swap when the page alone answers nearer what the doubted answer gave it', () => {
    expect(swapRefuted(['kafka', 'runbook'], ['kafka', 'runbook'], ['postgres'])).toBe(true);
    expect(swapRefuted(['kafka', 'ops'], ['kafka', 'runbook'], ['postgres', 'ops', 'db'])).toBe(true);
  });

  it('refutes nothing when the page alone answers nearer the other page’s labels, or as near both', () => {
    expect(swapRefuted(['postgres'], ['kafka'], ['postgres'])).toBe(false);
    expect(swapRefuted(['helm'], ['kafka'], ['postgres'])).toBe(false);
    expect(swapRefuted([], [], [])).toBe(false);
  });
});
