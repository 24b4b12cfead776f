import { describe, expect, it } from 'vitest';
import { costUsd, DEFAULT_PRICES, priceOf } from '../../src/router/price-table.js';

describe('costUsd', () => {
  it('prices input and output tokens per million', () => {
    const prices = { m: { inputPerMillion: 2, outputPerMillion: 10 } };
    expect(costUsd(prices, 'm', { inputTokens: 500_000, outputTokens: 100_000 })).toBeCloseTo(2, 10);
  });

  it('has defaults for gemini-2.0-flash and gpt-4o-mini', () => {
    expect(
      costUsd(DEFAULT_PRICES, 'gemini-2.0-flash', { inputTokens: 1_000_000, outputTokens: 1_000_000 }),
    ).toBeCloseTo(0.5);
    expect(
      costUsd(DEFAULT_PRICES, 'gpt-4o-mini', { inputTokens: 1_000_000, outputTokens: 1_000_000 }),
    ).toBeCloseTo(0.75);
  });

  it('costs nothing for a model missing from the table', () => {
    expect(priceOf(DEFAULT_PRICES, 'toString')).toBeUndefined();
    expect(costUsd(DEFAULT_PRICES, 'unknown-model', { inputTokens: 10, outputTokens: 10 })).toBe(0);
  });
});
