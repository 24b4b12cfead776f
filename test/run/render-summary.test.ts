import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/run/summary.js';
import { recordedRun } from '../report/report-fixtures.js';

describe('renderSummary', () => {
  it('says "1 batch", not "1 batches", and counts more as batches', () => {
    const { summary } = recordedRun();
    expect(renderSummary({ ...summary, llmCalls: 1, batches: 1 })).toContain('llm calls 1 in 1 batch ·');
    expect(renderSummary({ ...summary, llmCalls: 3, batches: 2 })).toContain('llm calls 3 in 2 batches ·');
  });
});
