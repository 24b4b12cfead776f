import type { TokenUsage } from './provider.js';

/**
 * What a call costs, from the tokens the provider reported:
 *
 *   cost = inputTokens · inputPerMillion / 10⁶ + outputTokens · outputPerMillion / 10⁶   (USD)
 *
 * Prices are per model and configurable; the defaults are the providers' list prices for text
 * (paid tier) when this was written. A model missing from the table costs 0 and is reported unpriced.
 */
export interface ModelPrice {
  /** USD per 1M input tokens. */
  inputPerMillion: number;
  /** USD per 1M output tokens. */
  outputPerMillion: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

export const DEFAULT_PRICES: PriceTable = {
  'gemini-2.0-flash': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
};

export function priceOf(prices: PriceTable, model: string): ModelPrice | undefined {
  return Object.hasOwn(prices, model) ? prices[model] : undefined;
}

export function costUsd(prices: PriceTable, model: string, usage: TokenUsage): number {
  const price = priceOf(prices, model);
  if (price === undefined) return 0;
  return (
    (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) / 1_000_000
  );
}
