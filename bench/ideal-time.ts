/**
 * The yardsticks bench/quota measures each run against.
 *
 * idealTimeMs — the best time any client could make for a run's calls if it knew the quota
 * exactly: the same calls (their reported tokens), in the order they were sent, each started at
 * the first moment the quota has room for it, at most `maxConcurrent` at once, each taking
 * `latencyMs`. With the simulator's rule (src/sim/sliding-window-quota.ts: a call is admitted
 * when, over (t − W, t], #admitted + 1 ≤ rpm and Σ tokens + its input ≤ tpm; its answer's tokens
 * are charged with it):
 *
 *   start(i) = min t ≥ start(i − 1) such that fewer than maxConcurrent calls run at t and
 *              #{j < i : start(j) ∈ (t − W, t]} + 1 ≤ rpm  ∧  Σ{input(j) + output(j)} + input(i) ≤ tpm
 *   ideal    = max_i start(i) + latency
 *
 * Starting a call as early as the quota allows never delays a later one (its share of the window
 * leaves sooner), so no client sending these calls in this order can finish sooner.
 *
 * boundTimeMs — the older, looser yardstick: whole windows of requests or tokens,
 *
 *   bound = max((⌈calls / rpm⌉ − 1) · W, (⌈tokens / tpm⌉ − 1) · W) + latency
 *
 * (the first window's burst is free). It treats tokens as divisible: calls are not, and a
 * window can only be filled up to the last call that fits, so where tokens bind it is out of
 * any client's reach by up to a window.
 */
export interface CallTokens {
  inputTokens: number;
  outputTokens: number;
}

export interface QuotaSpec {
  rpm: number;
  tpm: number;
  windowMs: number;
}

export function idealTimeMs(
  calls: readonly CallTokens[],
  quota: QuotaSpec,
  latencyMs: number,
  maxConcurrent: number,
): number {
  const admitted: { start: number; tokens: number }[] = [];
  const ends: number[] = [];
  let t = 0;
  for (const call of calls) {
    // A free slot: the maxConcurrent-th most recent call must have ended.
    const running = ends.filter((e) => e > t).sort((a, b) => a - b);
    if (running.length >= maxConcurrent) t = running[running.length - maxConcurrent] ?? t;
    for (;;) {
      const inWindow = admitted.filter((a) => a.start > t - quota.windowMs);
      const held = inWindow.reduce((sum, a) => sum + a.tokens, 0);
      if (inWindow.length + 1 <= quota.rpm && held + call.inputTokens <= quota.tpm) break;
      const oldest = inWindow[0];
      // A call larger than the whole quota goes once the window is empty.
      if (oldest === undefined) break;
      t = oldest.start + quota.windowMs;
    }
    admitted.push({ start: t, tokens: call.inputTokens + call.outputTokens });
    ends.push(t + latencyMs);
  }
  return Math.max(latencyMs, ...ends);
}

export function boundTimeMs(calls: readonly CallTokens[], quota: QuotaSpec, latencyMs: number): number {
  const tokens = calls.reduce((sum, c) => sum + c.inputTokens + c.outputTokens, 0);
  const byRequests = (Math.ceil(calls.length / quota.rpm) - 1) * quota.windowMs;
  const byTokens = (Math.ceil(tokens / quota.tpm) - 1) * quota.windowMs;
  return Math.max(byRequests, byTokens, 0) + latencyMs;
}
