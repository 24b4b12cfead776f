import { TagspaceError } from '../../src/model/errors.js';
import type { PromptPage } from '../../src/model/prompt.js';
import type { ProviderName } from '../../src/model/provider-name.js';
import type { Provider, ProviderAnswer, TagCallOptions } from '../../src/router/provider.js';
import { promptTokens } from '../../src/router/provider-slot.js';
import type { VirtualClock } from '../support/virtual-clock.js';
import { expectedTags } from './router-fixtures.js';

/** What one scripted call does: answer (or fail) after `latencyMs` of virtual time. */
export interface Step {
  latencyMs?: number;
  answer?: ProviderAnswer;
  error?: TagspaceError;
}

/**
 * A provider on virtual time whose every call follows a script: the n-th call (from 0), asked
 * at `at`, gets what `step` returns once its latency has passed on the clock. The router's
 * timing is what is under test, so the provider and the clock are the test's to control.
 */
export class ClockedProvider implements Provider {
  readonly keySetting: string;
  readonly calls: { at: number; pages: PromptPage[] }[] = [];
  onWire = 0;

  constructor(
    readonly name: ProviderName,
    private readonly clock: VirtualClock,
    private readonly step: (pages: readonly PromptPage[], n: number, at: number) => Step,
    readonly model = `${name}-model`,
  ) {
    this.keySetting = `${name.toUpperCase()}_API_KEY`;
  }

  tag(pages: readonly PromptPage[], opts: TagCallOptions = {}): Promise<ProviderAnswer> {
    const at = this.clock.now();
    const n = this.calls.push({ at, pages: [...pages] }) - 1;
    const out = this.step(pages, n, at);
    this.onWire += 1;
    return new Promise<ProviderAnswer>((resolve, reject) => {
      const onAbort = (): void => {
        sub.unsubscribe();
        this.onWire -= 1;
        reject(new TagspaceError('unavailable', `${this.name} call aborted`, { provider: this.name }));
      };
      const sub = this.clock.scheduler.schedule(() => {
        this.onWire -= 1;
        opts.signal?.removeEventListener('abort', onAbort);
        if (out.error !== undefined) return reject(out.error);
        const answer = out.answer ?? rightAnswer(pages);
        opts.onResponse?.(answer);
        resolve(answer);
      }, out.latencyMs ?? 0);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** When the calls that started at or after `from` started. */
  startsAfter(from: number): number[] {
    return this.calls.map((c) => c.at).filter((at) => at >= from);
  }
}

export function answerOf(
  entries: { id: string; tags: string[] }[],
  usage = { in: 10, out: 5 },
): ProviderAnswer {
  const json = { pages: entries };
  return {
    text: JSON.stringify(json),
    json,
    finishReason: 'STOP',
    usage: { inputTokens: usage.in, outputTokens: usage.out },
    latencyMs: 0,
  };
}

/** The simulator tagger's labels for the pages asked: a right answer, its usage as the prompt's. */
export function rightAnswer(pages: readonly PromptPage[]): ProviderAnswer {
  const asked = pages.map((p) => ({ pageId: p.id, title: p.title, text: p.text }));
  return answerOf(
    asked.map((p) => ({ id: p.pageId, tags: expectedTags(p) })),
    { in: promptTokens(asked), out: 15 * pages.length },
  );
}

/** A 429 as the router sees it: a retry hint and, when given, the quota that refused. */
export function refused(
  provider: ProviderName,
  retryAfterMs: number,
  quota?: 'requests' | 'tokens',
): TagspaceError {
  return new TagspaceError('rate_limited', `${provider} quota exceeded`, {
    provider,
    status: 429,
    retryAfterMs,
    ...(quota !== undefined && { quota }),
  });
}
