/**
 * What a client knows of the calls a provider's window may hold: the calls it admitted (start s,
 * cost c = input + output tokens as the provider reported them), and the calls still out (start,
 * the caller's estimate e of the prompt's tokens), costed at
 *
 *   ĉ = k · e,   k = Σ c ÷ Σ e over answered calls whose estimate was known (1 before any)
 *
 * so k carries the provider's tokenizer and the answer's share. Over a window of length w:
 *
 *   count(now, w) = #{admitted s ∈ (now − w, now]}
 *   held(now, w)  = Σ c over the same calls + Σ ĉ over the calls out
 *
 * Admitted calls are kept in order of start; `prune` drops what no window can need any more.
 */
export interface AdmittedCall {
  start: number;
  cost: number;
  /** When its answer came back, when known. */
  answered?: number;
  /** Taken as started later than stamped (it reached the provider late): an assumption. */
  restamped?: boolean;
}

export interface CallOut {
  start: number;
  estimate: number;
  /** Let go as a window hold ended: its room came from a call leaving the window just then. */
  edge: boolean;
  /** Let go by a trial's level only, which it tests. */
  probe?: boolean;
}

export class CallLedger {
  /** Ascending by start. */
  readonly admitted: AdmittedCall[] = [];
  readonly out: CallOut[] = [];
  private reportedCost = 0;
  private estimatedCost = 0;

  /** k, reported tokens per estimated prompt token. */
  get costPerEstimate(): number {
    return this.estimatedCost > 0 && this.reportedCost > 0 ? this.reportedCost / this.estimatedCost : 1;
  }

  started(call: CallOut): void {
    this.out.push(call);
  }

  /**
   * The call out that an outcome stamped `startedAt` is. Outcomes carry the caller's own clock
   * reading (a tick from ours at most), so the nearest start is taken — and among calls that
   * started as near (the gate lets several go at one instant), the one with the caller's
   * `estimate` when it says, else the one whose estimate is nearest `cost` when the provider
   * reported it, else the smallest, so that the larger estimates stay counted out (the gate errs
   * on the side of room).
   */
  match(startedAt: number | undefined, cost?: number, estimate?: number): CallOut | undefined {
    let best = 0;
    if (startedAt !== undefined) {
      const k = this.costPerEstimate;
      const distance = (call: CallOut | undefined): number => Math.abs((call?.start ?? 0) - startedAt);
      const misfit = (call: CallOut | undefined): number =>
        estimate !== undefined
          ? Math.abs((call?.estimate ?? 0) - estimate)
          : cost === undefined
            ? (call?.estimate ?? 0)
            : Math.abs((call?.estimate ?? 0) * k - cost);
      for (let i = 1; i < this.out.length; i += 1) {
        const d = distance(this.out[i]) - distance(this.out[best]);
        if (d < 0 || (d === 0 && misfit(this.out[i]) < misfit(this.out[best]))) best = i;
      }
    }
    return this.out[best];
  }

  /** The call started at `startedAt` ended; returns it (`match`). */
  finished(startedAt: number | undefined, cost?: number, estimate?: number): CallOut | undefined {
    const call = this.match(startedAt, cost, estimate);
    if (call !== undefined) this.out.splice(this.out.indexOf(call), 1);
    return call;
  }

  /**
   * The call started at `startedAt` was counted by the provider, at `cost` tokens when reported;
   * `answeredAt`: when its answer came back.
   */
  admit(
    startedAt: number,
    cost: number | undefined,
    answeredAt?: number,
    estimate?: number,
  ): CallOut | undefined {
    const call = this.finished(startedAt, cost, estimate);
    if (cost !== undefined && cost > 0 && call !== undefined && call.estimate > 0) {
      this.reportedCost += cost;
      this.estimatedCost += call.estimate;
    }
    const charged = cost ?? (call?.estimate ?? 0) * this.costPerEstimate;
    let i = this.admitted.length;
    while (i > 0 && (this.admitted[i - 1]?.start ?? 0) > startedAt) i -= 1;
    this.admitted.splice(i, 0, {
      start: startedAt,
      cost: charged,
      ...(answeredAt !== undefined && { answered: answeredAt }),
    });
    return call;
  }

  /**
   * The start of the newest admitted call started before `time`: the newest the provider is known
   * to have admitted (a call still out may yet be refused).
   */
  newestAdmittedBefore(time: number): number | undefined {
    for (let i = this.admitted.length - 1; i >= 0; i -= 1) {
      const start = this.admitted[i]?.start;
      if (start !== undefined && start < time) return start;
    }
    return undefined;
  }

  /** Index of the first admitted call started after `time`. */
  firstAfter(time: number): number {
    let i = 0;
    while (i < this.admitted.length && (this.admitted[i]?.start ?? 0) <= time) i += 1;
    return i;
  }

  /** Admitted calls started in (from, to]. */
  between(from: number, to: number): AdmittedCall[] {
    return this.admitted.filter((a) => a.start > from && a.start <= to);
  }

  /** Calls admitted or out, started in (from, to]: how many, and their cost (ĉ for calls out). */
  usage(from: number, to: number): { requests: number; tokens: number } {
    const k = this.costPerEstimate;
    let requests = 0;
    let tokens = 0;
    for (const a of this.admitted)
      if (a.start > from && a.start <= to) {
        requests += 1;
        tokens += a.cost;
      }
    for (const o of this.out)
      if (o.start > from && o.start <= to) {
        requests += 1;
        tokens += o.estimate * k;
      }
    return { requests, tokens };
  }

  /** What the calls started in (from, to) took: those admitted, and with `withOut` those out too. */
  taken(from: number, to: number, withOut: boolean): { requests: number; tokens: number } {
    if (withOut) return this.usage(from, to - 1e-6);
    const calls = this.between(from, to - 1e-6);
    return { requests: calls.length, tokens: calls.reduce((sum, a) => sum + a.cost, 0) };
  }

  /** The admitted calls started in (from, to] whose answer time is known: when, and their cost. */
  answered(from: number, to: number): { at: number; cost: number }[] {
    const calls: { at: number; cost: number }[] = [];
    for (const a of this.admitted)
      if (a.start > from && a.start <= to && a.answered !== undefined)
        calls.push({ at: a.answered, cost: a.cost });
    return calls;
  }

  /** The start of the admitted call nearest `time`, within `tolerance`; `stamped`: none restamped. */
  startNear(time: number, tolerance: number, stamped = false): number | undefined {
    let best: number | undefined;
    for (const a of this.admitted) {
      if (stamped && a.restamped === true) continue;
      const d = Math.abs(a.start - time);
      if (d <= tolerance && (best === undefined || d < Math.abs(best - time))) best = a.start;
    }
    return best;
  }

  /**
   * Calls admitted before `time` are taken as started at `time`: the provider's window holds them
   * from then (their requests reached it later than stamped: the first connections' start-up).
   */
  restampBefore(time: number, from: number): void {
    for (const a of this.admitted)
      if (a.start > from && a.start < time) Object.assign(a, { start: time, restamped: true });
  }

  held(now: number, windowMs: number): number {
    const k = this.costPerEstimate;
    let sum = this.out.reduce((total, call) => total + call.estimate * k, 0);
    for (let i = this.firstAfter(now - windowMs); i < this.admitted.length; i += 1) {
      sum += this.admitted[i]?.cost ?? 0;
    }
    return sum;
  }

  /** m/n: the mean cost of the admitted calls kept (1 when none). */
  meanCost(): number {
    const calls = this.admitted.length;
    if (calls === 0) return 1;
    return Math.max(1, this.admitted.reduce((sum, a) => sum + a.cost, 0) / calls);
  }

  /** Forgets admitted calls started at or before `time`. */
  prune(time: number): void {
    const drop = this.firstAfter(time);
    if (drop > 0) this.admitted.splice(0, drop);
  }
}
