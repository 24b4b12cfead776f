import { asTagspaceError, TagspaceError } from '../model/errors.js';
import { acceptAnswer, type Acceptance } from './answer-validation.js';
import type { Accepted, BatchContext, GroupState, GroupTaggerDeps, RouterPage } from './group-state.js';
import type { ProviderResponseInfo } from './provider.js';
import type { ProviderPool } from './provider-pool.js';
import type { CallResult, ProviderSlot } from './provider-slot.js';
import type { CallEvent } from '../model/router-event.js';

/**
 * One call of one provider for a group of pages, once admitted by the provider's gate, and
 * everything that follows from it, once:
 *
 *   accounting   calls, failures, 429s; tokens and cost of every answer, usable or not
 *   feedback     the outcome to the provider's breaker and concurrency controller
 *   events       a `call` event (attempt, outcome, status, hint, latency, tokens, finish reason),
 *                `attribution` when the answer left pages out, `breaker` for the changes it caused
 *   logs         THROTTLE for 429s; FALLBACK when the provider turns out unusable (names the setting)
 *   deadline     with a call deadline (call-deadline.ts) shorter than the provider's timeout, a call
 *                not answered by then is aborted and fails as a `timeout` naming the deadline, so
 *                the retry loop asks again (here or, by spill-over or fallback, elsewhere)
 *
 * It resolves with what the answer gives the group (answer-validation.ts) or throws the call's
 * TagspaceError for the retry loop to judge. Pages the caller no longer wants (BatchContext.wanted)
 * when the gate lets the call go are left out of it; with none left, no call is made.
 */
export async function callProvider(
  deps: GroupTaggerDeps,
  slot: ProviderSlot,
  group: GroupState,
  ctx: BatchContext,
  /** The prompt tokens the gate admitted the call with (ProviderSlot.admit). */
  estimatedTokens: number,
): Promise<Accepted> {
  const { accounting } = deps;
  // The caller passed the provider's gate (spill-over.ts), after its own synchronous work, when
  // the request can really leave: `startedAt` below is that moment, since the window counts from it.
  // Pages the caller stopped wanting while the call waited (their partition moved) stay home.
  const wanted = group.pages.filter((p) => ctx.wanted(p.pageId));
  if (wanted.length === 0) {
    slot.record({ startedAt: deps.now(), aborted: true, unsent: true, estimatedTokens });
    throw new TagspaceError('unavailable', 'no page of the group is wanted any more');
  }
  group.pages = wanted;
  group.calls += 1;
  const { name, model } = slot.provider;
  const { server } = slot.provider;
  const base = {
    type: 'call' as const,
    provider: name,
    model,
    attempt: group.priorAttempts + group.calls,
    ...(server !== undefined && { serverAddress: server.address, serverPort: server.port }),
  };
  const pages = group.pages.length;
  const startedAt = deps.now();
  const deadline = armDeadline(deps, slot, pages, ctx.signal);
  let info: ProviderResponseInfo | undefined;
  let costUsd = 0;
  const usage = (): Partial<CallEvent> =>
    info === undefined
      ? {}
      : {
          latencyMs: info.latencyMs,
          responseModel: info.responseModel,
          finishReason: info.finishReason,
          inputTokens: info.usage.inputTokens,
          outputTokens: info.usage.outputTokens,
          costUsd,
        };
  try {
    const answer = await slot.provider.tag(
      group.pages.map((p) => ({ id: p.pageId, title: p.title, text: p.text })),
      {
        signal: deadline.signal,
        onResponse: (i) => {
          info = i;
          costUsd = accounting.recordUsage(name, model, i.usage);
        },
      },
    );
    const accepted = accept(deps, slot, answer.json, group, ctx);
    const answered = {
      startedAt,
      answeredLatencyMs: answer.latencyMs,
      usage: answer.usage,
      ...(answer.reading !== undefined && { reading: answer.reading }),
      ...(answer.arrivedBy !== undefined && { arrivedBy: answer.arrivedBy }),
      estimatedTokens,
      pages,
    };
    record(deps.pool, slot, answered, ctx);
    accounting.recordCall(name, model);
    ctx.emit({ ...base, pages, outcome: 'ok', durationMs: deps.now() - startedAt, ...usage() });
    return accepted;
  } catch (err) {
    const aborted = ctx.signal?.aborted === true;
    const passed = !aborted && deadline.passed() && info === undefined;
    const error = passed ? deadlineError(name, deadline.ms, err) : asTagspaceError(err);
    if (passed) accounting.recordDeadlinePassed();
    const wasUsable = slot.unusable === undefined;
    const result = {
      startedAt,
      answeredLatencyMs: info?.latencyMs,
      usage: info?.usage,
      ...(info?.reading !== undefined && { reading: info.reading }),
      ...(info?.arrivedBy !== undefined && { arrivedBy: info.arrivedBy }),
      error,
      aborted,
      estimatedTokens,
      pages,
      deadlinePassed: passed,
    };
    record(deps.pool, slot, result, ctx);
    if (aborted) throw error;
    accounting.recordCall(name, model, error);
    const { status, retryAfterMs, quota } = error;
    const durationMs = deps.now() - startedAt;
    const named = quota === undefined ? {} : { quota };
    const cut = passed ? { deadlineMs: deadline.ms } : {};
    ctx.emit({
      ...base,
      pages,
      outcome: error.kind,
      status,
      retryAfterMs,
      durationMs,
      ...named,
      ...cut,
      ...usage(),
    });
    if (error.kind === 'rate_limited' || error.kind === 'quota_exhausted') {
      deps.throttleLog.warn({ provider: name, kind: error.kind, retryAfterMs }, 'provider throttled');
    }
    if (wasUsable && slot.unusable !== undefined) {
      ctx.emit({ type: 'provider_unusable', provider: name, kind: error.kind, setting: error.setting });
      deps.fallbackLog.error(
        { provider: name, kind: error.kind, status, setting: error.setting },
        'provider unusable until its setting is fixed',
      );
      deps.pool.update();
    }
    throw error;
  } finally {
    deadline.disarm();
    deps.pool.callEnded();
  }
}

interface ArmedDeadline {
  /** Aborts with the caller's signal, or at the deadline. */
  signal: AbortSignal | undefined;
  /** The deadline in ms (the provider's timeout when the router keeps none). */
  ms: number;
  passed: () => boolean;
  disarm: () => void;
}

/**
 * The call's deadline on the scheduler's clock, when the slot keeps one shorter than the
 * provider's own timeout; the caller's signal still aborts the call as before.
 */
function armDeadline(
  deps: GroupTaggerDeps,
  slot: ProviderSlot,
  pages: number,
  signal: AbortSignal | undefined,
): ArmedDeadline {
  const rule = slot.deadline;
  const ms = rule?.deadlineMs(pages) ?? Number.POSITIVE_INFINITY;
  if (rule === undefined || ms >= rule.ceilingMs) {
    return { signal, ms, passed: () => false, disarm: () => {} };
  }
  const controller = new AbortController();
  let passed = false;
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted === true) controller.abort(signal.reason);
  const timer = deps.scheduler.schedule(() => {
    passed = true;
    controller.abort(new Error('call deadline passed'));
  }, ms);
  return {
    signal: controller.signal,
    ms,
    passed: () => passed,
    disarm: () => {
      timer.unsubscribe();
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

function deadlineError(provider: string, ms: number, cause: unknown): TagspaceError {
  return new TagspaceError(
    'timeout',
    `${provider} did not answer within its call deadline of ${Math.round(ms)} ms (3 × its slowest recent answer, at least --min-call-deadline-ms)`,
    { provider, cause },
  );
}

/** Hands the breaker changes made during a batch's last step to that batch's listener. */
export function emitTransitions(pool: ProviderPool, ctx: BatchContext): void {
  for (const { provider, t } of pool.drainTransitions()) {
    const { from, to, reason, error } = t;
    ctx.emit({ type: 'breaker', provider, from, to, reason, ...(error !== undefined && { error }) });
  }
}

function record(pool: ProviderPool, slot: ProviderSlot, result: CallResult, ctx: BatchContext): void {
  slot.record(result);
  emitTransitions(pool, ctx);
}

type Report = Pick<Acceptance, 'unanswered' | 'suspects' | 'invented' | 'duplicated'>;

/** The answer, page by page; the missing and the doubtful are reported. */
function accept(
  deps: GroupTaggerDeps,
  slot: ProviderSlot,
  json: unknown,
  group: GroupState,
  ctx: BatchContext,
): Accepted {
  const { pages } = group;
  const report = ({ unanswered, suspects, invented, duplicated }: Report): void => {
    if (unanswered.length + suspects.length + invented.length === 0) return;
    const counts = { pages: pages.length, invented: invented.length };
    ctx.emit({ type: 'attribution', ...counts, unanswered, duplicated, suspect: suspects });
  };
  let acceptance: Acceptance;
  try {
    acceptance = acceptAnswer(json, pages, slot.name, deps.labels);
  } catch (err) {
    if (err instanceof TagspaceError && err.kind === 'attribution') {
      report({ unanswered: pages.map((p) => p.pageId), suspects: [], invented: [], duplicated: [] });
    }
    throw err;
  }
  report(acceptance);
  const only = (ids: string[]): RouterPage[] => pages.filter((p) => ids.includes(p.pageId));
  const { tags, doubted } = acceptance;
  return {
    slot,
    tags,
    unanswered: only(acceptance.unanswered),
    suspects: only(acceptance.suspects),
    doubted,
  };
}
