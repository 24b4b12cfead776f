/**
 * The contract between a provider's pacer and the instances that share its API key
 * (docs/quota.md). Leaf file: it imports nothing, so the pacer, the gate and the sharing side can
 * all depend on it without a cycle.
 *
 * Several tagspace processes that call one provider with one key draw from one quota. Each
 * instance's QuotaShare for that key tells its pacer
 *
 *   peersUsage(now, W)  what the OTHER instances on the key were admitted in (now − W, now]:
 *                       requests and tokens, from their reports (one report interval late at
 *                       most); a departed instance's usage keeps counting until it leaves the
 *                       window, since its calls are still in the provider's window
 *   fraction(now)       f ∈ (0, 1]: this instance's part of the key's quota (max-min fair among
 *                       the live instances with demand), of what departed instances' calls leave
 *                       free of the window; 1 alone
 *   newestEstimate()    the newest quota estimate any instance on the key has published
 *   silentUntil(t, W)   undefined when every peer's calls in (t − W, t] have been heard of; else
 *                       the latest a silent peer's unheard calls can have been made (a count
 *                       missing them is a lower bound of the key's quota, not a reading)
 *   peerRefusal()       the newest window-sized 429 another instance published: when its call
 *                       left, when the provider said room frees, the window it read
 *   peerClaims(now, W)  each live peer's usage over W with its part of the key
 *
 * and hears from it what only the pacer knows (admitted, revise, demand, estimate, refused).
 *
 * How the pacer is meant to use it (its business; this is the intent of the numbers):
 *
 *   count    when a window-sized 429 is counted, the window held own + peersUsage(t, Ŵ):
 *            the estimate is of the whole key's quota, not of this instance's part of it
 *   pause    no call leaves before a peer's refusal's `until`: the key is full till then
 *   gate     a call may leave when, over the window (t − Ŵ, t],
 *                own + 1 ≤ max(1, f·R̂ − cut)           (this instance's part, less its share of
 *                                                       what peers over theirs hold)
 *                own + peersUsage + 1 ≤ R̂              (the key as a whole: holds while a
 *                                                       departed peer's calls age out, and
 *                                                       while a joiner's peers shrink to theirs)
 *            and the same for tokens against T̂
 *   adopt    an estimate e from newestEstimate() with e.learntAt newer than the pacer's own
 *            evidence replaces it (a joiner starts from what the others learnt)
 *
 * Times (`now`, `at`, `learntAt`) are on the caller's clock, the one its scheduler runs on
 * (Date.now in production); the sharing side maps peers' clocks onto it.
 */

/** The longest a live instance goes between records (quota-sharing.ts: 250 ms – 1 s). */
export const LONGEST_REPORT_MS = 1_000;

/** The shape of a quota as the pacer believes it to be. */
export type QuotaShape = 'sliding' | 'token_bucket' | 'fixed_window';

/** A quota estimate of one key, as one instance learnt it. */
export interface SharedEstimate {
  /** The window Ŵ the quotas are counted over, in ms. */
  windowMs: number;
  /** R̂: requests per window, once known. */
  requests?: number;
  /** T̂: reported tokens (input + output) per window, once known. */
  tokens?: number;
  /** The shape the learner believes, when it has an opinion. */
  shape?: QuotaShape;
  /**
   * A lower bound, not a reading: counted while a peer's calls in the window may have gone
   * unreported, or raised by a trial that passed. The quota may be higher; the group tries it.
   */
  floor?: boolean;
  /** When it was learnt (the evidence's time, not when it was published), on the caller's clock. */
  learntAt: number;
  /** The instance that learnt it (its sharing id; never an API key). */
  by: string;
}

/**
 * A window-sized 429 on the key: the call sent at `at` was refused, and the provider said room
 * frees at `until` (receipt + its retry hint). Evidence any instance can count: the key held
 * own + peers' calls of (at − windowMs, at].
 */
export interface KeyRefusal {
  at: number;
  until: number;
  /** The window the refused instance's pacer reads the quota over. */
  windowMs: number;
  /** The token quota refused (else the requests quota). */
  tokens: boolean;
  /** The instance refused. */
  by: string;
}

/** Requests and tokens admitted over a window. */
export interface QuotaUsage {
  requests: number;
  tokens: number;
}

export interface QuotaShare {
  /** This instance's sharing id, as its peers know it (ties of whole calls go by it); absent alone. */
  readonly self?: string;
  /** Admitted usage of the other instances on the key in (now − windowMs, now]. */
  peersUsage(now: number, windowMs: number): QuotaUsage;
  /**
   * This instance's part of the key's quota, in (0, 1]; 1 when it is alone. Already lowered by
   * what departed instances' calls still hold of the window, so the live ones never race for it.
   */
  fraction(now: number): number;
  /** Live instances on the key, this one included (1 alone). */
  instances(now: number): number;
  /** The newest estimate any instance on the key published (this one's own included). */
  newestEstimate(): SharedEstimate | undefined;
  /**
   * Undefined when every peer's calls in (at − windowMs, at] have been heard of; else a peer went
   * silent (dead, leaving, its next record late) within the window or a report interval before it,
   * and this is the latest its calls no one heard of can have been made.
   */
  silentUntil(at: number, windowMs: number): number | undefined;
  /** The newest window-sized 429 another instance on the key published, if any. */
  peerRefusal(): KeyRefusal | undefined;
  /**
   * The live peers' usage in (now − windowMs, now], each with its part of the key as this instance
   * computes it (what it computes for itself, from the same records): what a peer over its part
   * holds is taken from the others' parts.
   */
  peerClaims(now: number, windowMs: number): PeerClaim[];

  /** The gate let a call through at `at`, expected to cost `tokens` (reported tokens, estimated). */
  admitted(at: number, tokens: number): void;
  /**
   * Corrects what `admitted` recorded for the call let through at `at`, by deltas: its answer
   * reported the tokens (0, reported − expected), or the provider did not count it at all (a 429,
   * a failure before it was counted: −1, −expected).
   */
  revise(at: number, requests: number, tokens: number): void;
  /** Calls waiting at the gate now; the gate says so whenever the number changes. */
  demand(now: number, waiting: number): void;
  /** The pacer's own estimate changed (not one it adopted from newestEstimate). */
  estimate(e: Omit<SharedEstimate, 'by'>): void;
  /** This instance got a window-sized 429: published so the peers pause and count it too. */
  refused(r: Omit<KeyRefusal, 'by'>): void;
  /**
   * Calls `listener` whenever a peer's record changes how many instances are on the key (a peer
   * that times out is noticed at the next look); returns the unsubscribe.
   */
  watch(listener: () => void): () => void;
}

/** One other live instance's use of the key over a window, and its part of it. */
export interface PeerClaim {
  /** The peer's sharing id. */
  id: string;
  usage: QuotaUsage;
  /** Its fraction of the key as this instance computes it (0 when it claims nothing). */
  fraction: number;
}

/** The share of an instance that is alone on its key (or does not share): no peers, the whole quota. */
export const LONE_SHARE: QuotaShare = Object.freeze({
  peersUsage: () => ({ requests: 0, tokens: 0 }),
  fraction: () => 1,
  instances: () => 1,
  newestEstimate: () => undefined,
  silentUntil: () => undefined,
  peerRefusal: () => undefined,
  peerClaims: () => [],
  admitted: () => {},
  revise: () => {},
  demand: () => {},
  estimate: () => {},
  refused: () => {},
  watch: () => () => {},
});
