/**
 * What a provider reported of one of its quotas on a response (OpenAI's x-ratelimit-* headers,
 * sent on answers and 429s alike): the budget's limit, what remains of it, and how long until it
 * is back to its initial state (full). Taken by the provider when it admitted or refused the
 * call, so it counts that call and every call that reached it before. Leaf file: the adapters
 * write it, the pacers read it.
 */
export interface BudgetReading {
  /** x-ratelimit-limit-*: the most the budget permits (per minute, as OpenAI documents its limits). */
  limit: number;
  /** x-ratelimit-remaining-*: what is left before it is exhausted. */
  remaining: number;
  /** x-ratelimit-reset-*: ms until the budget is back to its initial state. */
  resetMs: number;
}

export interface QuotaReading {
  requests?: BudgetReading;
  tokens?: BudgetReading;
}
