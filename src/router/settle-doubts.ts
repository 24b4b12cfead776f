import { swapRefuted } from './answer-validation.js';
import type { RouterEvent } from '../model/router-event.js';
import type { Accepted, PageTagResult, RouterPage } from './group-state.js';

/**
 * Asks again, one by one, for the pages an answer may have swapped labels between (`ask` sends
 * a group as the router does, retries and all). A pair that was each other's only doubt is
 * settled by the first page's answer when that refutes the swap (swapRefuted): the second keeps
 * the labels the answer gave it, from the provider that gave them. Emits a `doubt` event either
 * way, so that only a swap that stood counts against the batch size (`pages`: the answer's).
 *
 * Why: the swap check flags honest answers too, where two pages' words overlap (one pair in the
 * generator's 1,000 pages, in every run). Asking both alone cost two requests a pair; on a free
 * tier's fifteen a window, a run that needs thirty-one requests takes a third window.
 */
export async function settleDoubts(
  accepted: Pick<Accepted, 'suspects' | 'doubted' | 'slot' | 'spilled'>,
  ask: (pages: RouterPage[]) => Promise<PageTagResult[]>,
  ctx: { wanted: (pageId: string) => boolean; emit: (e: RouterEvent) => void },
  pages: number,
): Promise<PageTagResult[]> {
  const { suspects, doubted, slot } = accepted;
  if (suspects.length === 0) return [];
  const [p, q] = suspects;
  const results: PageTagResult[] = [];
  const settled = (refuted: boolean): PageTagResult[] => {
    ctx.emit({ type: 'doubt', pages, suspect: suspects.map((s) => s.pageId), refuted });
    return results;
  };
  if (suspects.length !== 2 || p === undefined || q === undefined) {
    for (const page of suspects) results.push(...(await ask([page])));
    return settled(false);
  }
  results.push(...(await ask([p])));
  const again = results.find((r) => r.pageId === p.pageId);
  const other = doubted.get(q.pageId) ?? [];
  if (
    again?.ok !== true ||
    other.length === 0 ||
    !swapRefuted(again.tags, doubted.get(p.pageId) ?? [], other)
  ) {
    results.push(...(await ask([q])));
    return settled(false);
  }
  if (ctx.wanted(q.pageId)) {
    const spilled = accepted.spilled === true ? { spilled: true as const } : {};
    const { name: provider, provider: client } = slot;
    results.push({ pageId: q.pageId, ok: true, tags: other, provider, model: client.model, ...spilled });
  }
  return settled(true);
}
