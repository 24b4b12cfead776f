/**
 * What the Confluence client asks of whatever paces it against the site's quota: admit a call
 * (resolving when it may leave) and hear how it ended. A leaf contract, so the client does not
 * depend on how the pacing is done (limit-gate.ts wires it to the project's controller).
 */
export type GateOutcome =
  | { kind: 'success'; latencyMs: number }
  | { kind: 'rate_limited'; retryAfterMs?: number }
  | { kind: 'overloaded' }
  | { kind: 'timeout' }
  | { kind: 'failure' }
  | { kind: 'cancelled' };

export interface CallPermit {
  /** Reports the call's outcome and frees its place. Only the first report counts. */
  done(outcome: GateOutcome): void;
}

export interface CallGate {
  /** Resolves once the call may leave; rejects when `signal` aborts first. */
  admit(signal?: AbortSignal): Promise<CallPermit>;
}

/** A gate that admits every call at once (unpaced: tests, the dry run's reads). */
export const OPEN_GATE: CallGate = {
  admit: () => Promise.resolve({ done: () => {} }),
};
