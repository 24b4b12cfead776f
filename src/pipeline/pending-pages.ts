import type { PageWork } from '../model/work.js';

/**
 * Which version of each page is waiting for an LLM slot, shared by the stages that hold work:
 * dedupe registers it, the batcher and the dispatcher ask before spending anything on it.
 *
 *   per page:  waiting  ∈ PageWork ∪ {none}   (in the batcher's buffer or a batch's queue)
 *              inFlight = calls dispatched and not yet settled
 *              newest   = the highest version waiting or in flight
 *
 *   enqueue(w)  w becomes waiting; the version it replaces is returned: superseded, it will be
 *               dropped wherever it is (isWaiting(old) = false, claim(old) = false)
 *   claim(w)    at dispatch: true, and w is in flight, iff w is still waiting
 *   settle(w)   its call ended (tags, dead letter, or dropped: its partition moved)
 *   withdrawWhere(p)  the waiting versions p picks are taken back (their partition moved): the
 *               batcher and dispatcher drop them like superseded ones
 *
 * Only waiting work can be superseded: a version already in an LLM call is not, and the cache's
 * version check (TagCache.remember) keeps an older answer that returns late from being published.
 * Identity is the PageWork object, so a redelivered copy is never mistaken for the registered one.
 */
interface PageState {
  waiting: PageWork | undefined;
  inFlight: number;
  newest: number;
}

export class PendingPages {
  private readonly pages = new Map<string, PageState>();
  private waitingCount = 0;
  private inFlightCount = 0;

  /** The highest version of the page waiting or in flight, if any. */
  newestVersion(pageId: string): number | undefined {
    return this.pages.get(pageId)?.newest;
  }

  /** Registers `work` as its page's waiting version; returns the waiting version it replaces. */
  enqueue(work: PageWork): PageWork | undefined {
    const id = work.event.pageId;
    const state = this.pages.get(id) ?? { waiting: undefined, inFlight: 0, newest: 0 };
    const replaced = state.waiting;
    if (replaced === undefined) this.waitingCount += 1;
    state.waiting = work;
    state.newest = Math.max(state.newest, work.event.version);
    this.pages.set(id, state);
    return replaced;
  }

  /** Takes back the waiting version of a page (it was removed); returns it, if one waited. */
  withdraw(pageId: string): PageWork | undefined {
    const state = this.pages.get(pageId);
    const withdrawn = state?.waiting;
    if (state === undefined || withdrawn === undefined) return undefined;
    state.waiting = undefined;
    this.waitingCount -= 1;
    this.forgetIfIdle(pageId, state);
    return withdrawn;
  }

  /** Takes back every waiting version that `unwanted` picks (their partition moved); returns them. */
  withdrawWhere(unwanted: (work: PageWork) => boolean): PageWork[] {
    const taken: PageWork[] = [];
    for (const [pageId, state] of this.pages) {
      const { waiting } = state;
      if (waiting === undefined || !unwanted(waiting)) continue;
      state.waiting = undefined;
      this.waitingCount -= 1;
      this.forgetIfIdle(pageId, state);
      taken.push(waiting);
    }
    return taken;
  }

  isWaiting(work: PageWork): boolean {
    return this.pages.get(work.event.pageId)?.waiting === work;
  }

  claim(work: PageWork): boolean {
    const state = this.pages.get(work.event.pageId);
    if (state === undefined || state.waiting !== work) return false;
    state.waiting = undefined;
    state.inFlight += 1;
    this.waitingCount -= 1;
    this.inFlightCount += 1;
    return true;
  }

  settle(work: PageWork): void {
    const state = this.pages.get(work.event.pageId);
    if (state === undefined || state.inFlight === 0) return;
    state.inFlight -= 1;
    this.inFlightCount -= 1;
    this.forgetIfIdle(work.event.pageId, state);
  }

  get waiting(): number {
    return this.waitingCount;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  private forgetIfIdle(pageId: string, state: PageState): void {
    if (state.waiting === undefined && state.inFlight === 0) this.pages.delete(pageId);
  }
}

/** At dispatch: the pages of a batch that are still wanted, now in flight. Empty = no call. */
export function claimBatch(pending: PendingPages, batch: readonly PageWork[]): PageWork[] {
  return batch.filter((work) => pending.claim(work));
}
