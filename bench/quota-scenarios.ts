import type { ScheduleStep } from '../src/sim/quota-schedule.js';
import type { QuotaShape } from '../src/sim/rate-quota.js';

/**
 * bench/quota's rows: one provider, one quota shape each, at scale 1 (the bench multiplies the
 * window and the latency by --time-scale). Every row's quota is one the pipeline is not told.
 */
export interface QuotaScenario {
  name: string;
  provider: 'gemini' | 'openai';
  rpm: number;
  tpm: number;
  latencyMs: number;
  shape?: QuotaShape;
  burst?: number;
  /**
   * The quota drops to `share` of itself from `from` to `to`, fractions of the run's nominal length
   * (its expected calls at the full quota: pages / batch ÷ rpm windows, or ÷ `callsPerWindow`).
   */
  dip?: { from: number; to: number; share: number };
  /**
   * Another service on the key sends calls of its own (bench/other-service.ts), `share` of the
   * token quota, from `from` to `to` of the nominal length: not a lower limit, but calls that fill
   * the window and leave it one by one, and are retried when refused.
   */
  other?: { from: number; to: number; share: number };
  /** Calls a window holds where tokens bind, for the nominal length (else rpm). */
  callsPerWindow?: number;
}

export const SCENARIOS: QuotaScenario[] = [
  { name: '60 rpm, 1 s latency', provider: 'gemini', rpm: 60, tpm: 1_000_000, latencyMs: 1000 },
  { name: 'tokens bind: 40k tpm, 200 rpm, 1 s', provider: 'gemini', rpm: 200, tpm: 40_000, latencyMs: 1000 },
  // Control: nothing binds, so only the concurrency limit (max 10) stands between the calls.
  {
    name: 'no quota binds: 10k rpm, 10M tpm, 1 s',
    provider: 'gemini',
    rpm: 10_000,
    tpm: 10_000_000,
    latencyMs: 1000,
  },
  {
    name: 'token bucket: 60 rpm, burst 1 window',
    provider: 'gemini',
    rpm: 60,
    tpm: 1_000_000,
    latencyMs: 1000,
    shape: 'token_bucket',
  },
  {
    name: 'fixed window: 60 rpm, on the minute',
    provider: 'gemini',
    rpm: 60,
    tpm: 1_000_000,
    latencyMs: 1000,
    shape: 'fixed_window',
  },
  {
    name: 'schedule: 60 rpm, 30 from 1/3 to 2/3',
    provider: 'gemini',
    rpm: 60,
    tpm: 1_000_000,
    latencyMs: 1000,
    dip: { from: 1 / 3, to: 2 / 3, share: 0.5 },
  },
  {
    name: 'OpenAI, tokens bind: bucket 40k tpm, 500 rpm',
    provider: 'openai',
    rpm: 500,
    tpm: 40_000,
    latencyMs: 1000,
    shape: 'token_bucket',
  },
  // Another service on the key takes half of it for the middle third: OpenAI's headers keep
  // reporting the key's limit, and only what is left shows it start and stop.
  {
    name: 'OpenAI, tokens bind, shared key: 20k from 1/3 to 2/3',
    provider: 'openai',
    rpm: 500,
    tpm: 40_000,
    latencyMs: 1000,
    dip: { from: 1 / 3, to: 2 / 3, share: 0.5 },
    // ~1,790 tokens a call (the rows' 357,821 over 200 calls): 40,000 hold 22.
    callsPerWindow: 22,
  },
  // The same key's other user as calls of its own, as a service on the key is: its use comes and
  // goes a call at a time, and it takes the window's room when it gets there first.
  {
    name: "OpenAI, tokens bind, another service's calls: 20k from 1/3 to 2/3",
    provider: 'openai',
    rpm: 500,
    tpm: 40_000,
    latencyMs: 1000,
    other: { from: 1 / 3, to: 2 / 3, share: 0.5 },
    callsPerWindow: 22,
  },
  // The same on Gemini's key, whose answers report no quota: its 429s are all the pacer sees of
  // the other service, which waits out the RetryInfo's whole seconds as a client reading it does.
  {
    name: "Gemini, tokens bind, another service's calls: 20k from 1/3 to 2/3",
    provider: 'gemini',
    rpm: 200,
    tpm: 40_000,
    latencyMs: 1000,
    other: { from: 1 / 3, to: 2 / 3, share: 0.5 },
    callsPerWindow: 22,
  },
];

/** The dip as schedule steps, in ms from the simulator's start (its length: `nominalMs`). */
export function dipSchedule(s: QuotaScenario, nominalMs: number): ScheduleStep[] {
  if (s.dip === undefined) return [];
  const { from, to, share } = s.dip;
  return [
    { atMs: Math.round(from * nominalMs), rpm: s.rpm * share, tpm: s.tpm * share },
    { atMs: Math.round(to * nominalMs) },
  ];
}
