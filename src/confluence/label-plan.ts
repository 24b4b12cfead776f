/**
 * Which label writes make a page's labels follow its latest tags, without touching a person's:
 * with C the page's labels now, O the labels tagspace added earlier (and still owns) and T the
 * latest tags (∅ for a tombstone), compared as Confluence does, lowercased:
 *
 *   add      = T − C                 tags the page lacks
 *   remove   = (O − T) ∩ C           tagspace's own labels it no longer suggests
 *   owned'   = (O ∩ T ∩ C) ∪ add     what tagspace owns afterwards
 *   personal = (T ∩ C) − O           a person's label equal to a tag: left theirs, never claimed
 *
 * So a label is removed only if tagspace added it, and a page whose labels already follow T gets
 * no writes at all.
 */
export interface LabelPlan {
  add: string[];
  remove: string[];
  owned: string[];
  personal: string[];
}

export function planLabels(
  current: readonly string[],
  owned: readonly string[],
  tags: readonly string[],
): LabelPlan {
  const C = lowered(current);
  const O = lowered(owned);
  const T = lowered(tags);
  const add = [...T].filter((t) => !C.has(t));
  const remove = [...O].filter((l) => !T.has(l) && C.has(l));
  const kept = [...O].filter((l) => T.has(l) && C.has(l));
  const personal = [...T].filter((t) => C.has(t) && !O.has(t));
  return { add, remove, owned: sorted([...kept, ...add]), personal };
}

export function isNoop(plan: LabelPlan): boolean {
  return plan.add.length === 0 && plan.remove.length === 0;
}

function lowered(labels: readonly string[]): Set<string> {
  return new Set(labels.map((l) => l.trim().toLowerCase()).filter((l) => l !== ''));
}

function sorted(labels: string[]): string[] {
  return [...new Set(labels)].sort();
}
