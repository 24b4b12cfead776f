/** A provider's quota as the router reports it (router-metrics.ts QuotaReport). */
export interface QuotaReport {
  provider: string;
  window_ms?: number;
  requests?: number;
  tokens?: number;
  shape?: string;
  share: number;
  instances: number;
}

/** What the gauges read when Prometheus scrapes. */
export interface GaugeSources {
  /** The controller's concurrency limit (the origin's current_concurrency). */
  limit: () => number;
  /** The limit the pipeline dispatches at now (0 while paused for a retry hint). */
  effectiveLimit?: () => number;
  /** Events not yet committed: Σ over owned partitions (high watermark − committed offset). */
  lag?: () => number | undefined;
  /** Events not yet fetched: Σ over owned partitions (high watermark − next offset to fetch). */
  fetchLag?: () => number | undefined;
  /** Calls at the providers now, and calls waiting at a provider's gate for their turn. */
  calls?: () => { inFlight: number; waiting: number };
  cache?: () => { hits: number; misses: number; size: number };
  /** Each provider's quota as learnt, this instance's share and the instances on its key. */
  quotas?: () => readonly QuotaReport[];
  /** Each provider's state: one of PROVIDER_STATES. */
  providerStates?: () => readonly { provider: string; state: string }[];
}

/**
 * What a provider's breaker lets through (closed: calls; half_open: one probe; open: nothing until
 * its cool-down or hint ends), or unusable: the provider refused a setting of it (a key, a model).
 */
export const PROVIDER_STATES = ['closed', 'half_open', 'open', 'unusable'] as const;

/**
 * The shapes a pacer can believe a quota has (pacing/pacer.ts QuotaShape): tagspace_quota_shape
 * serves each, 1 for the believed one, so no series is left behind when the belief changes.
 */
export const QUOTA_SHAPES = ['sliding', 'token_bucket', 'fixed_window'] as const;
