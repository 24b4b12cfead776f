import { TagspaceError } from '../model/errors.js';
import { foldText, normaliseLabels, type LabelRules } from './normalise-labels.js';

/**
 * Parses a provider's answer and attributes it to the batch's pages. An entry counts for a page
 * only when the page is in the batch and the answer names it exactly once with a tags array:
 *
 *   answered(p) ⇔ p ∈ batch ∧ |{e ∈ answer : e.id = p}| = 1 ∧ isArray(e.tags)
 *
 * Everything else is reported, never guessed: a page named twice, not named, or named with
 * something other than a tags array is `unanswered` (the router asks again for it alone); ids
 * outside the batch are `invented` and dropped. An answer that is not {"pages": [...]} at all
 * is malformed_output.
 */
export interface Attribution {
  /** Page id → the raw tags its single entry carried (normalised later). */
  answered: Map<string, unknown[]>;
  /** Batch pages, in batch order, that got no usable entry. */
  unanswered: string[];
  /** Ids the answer named that are not in the batch. */
  invented: string[];
  /** Batch pages the answer named more than once. */
  duplicated: string[];
}

/** The answer text as JSON, or malformed_output. */
export function parseAnswerJson(text: string, provider: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new TagspaceError('malformed_output', `${provider} answered with text that is not JSON`, {
      provider,
      status: 200,
      cause: err,
    });
  }
}

interface Entry {
  id: string;
  tags: unknown;
}

function entriesOf(json: unknown, provider: string): unknown[] {
  const pages = typeof json === 'object' && json !== null ? (json as { pages?: unknown }).pages : undefined;
  if (!Array.isArray(pages)) {
    throw new TagspaceError('malformed_output', `${provider} answered JSON without a "pages" array`, {
      provider,
      status: 200,
    });
  }
  return pages;
}

function isEntry(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}

export function attributeAnswer(json: unknown, pageIds: readonly string[], provider: string): Attribution {
  const inBatch = new Set(pageIds);
  const seen = new Map<string, Entry[]>();
  const invented: string[] = [];
  for (const value of entriesOf(json, provider)) {
    if (!isEntry(value)) continue;
    if (!inBatch.has(value.id)) {
      invented.push(value.id);
      continue;
    }
    const list = seen.get(value.id) ?? [];
    list.push(value);
    seen.set(value.id, list);
  }
  const answered = new Map<string, unknown[]>();
  const unanswered: string[] = [];
  const duplicated: string[] = [];
  for (const id of pageIds) {
    const entries = seen.get(id) ?? [];
    if (entries.length > 1) duplicated.push(id);
    const tags = entries.length === 1 ? entries[0]?.tags : undefined;
    if (Array.isArray(tags)) answered.set(id, tags as unknown[]);
    else unanswered.push(id);
  }
  return { answered, unanswered, invented, duplicated };
}

/** A page as the cross-check sees it. */
export interface CheckedPage {
  pageId: string;
  title: string;
  text: string;
}

/** Shorter label parts ("to", "on") are in every page and tell nothing. */
const MIN_TOKEN = 3;

/** Folded as labels are, so a label's parts meet the page's words in any script. */
function wordsOf(page: CheckedPage): Set<string> {
  return new Set(foldText(`${page.title} ${page.text}`).match(/[\p{L}\p{N}\p{M}]+/gu) ?? []);
}

function tokensOf(labels: readonly string[]): string[] {
  return [...new Set(labels.flatMap((l) => l.split(/[-_]+/)).filter((t) => t.length >= MIN_TOKEN))];
}

/** NaN for labels without tokens, so they never compare as a better or worse fit. */
function fit(tokens: readonly string[], words: ReadonlySet<string>): number {
  if (tokens.length === 0) return Number.NaN;
  const found = tokens.filter(
    (t) => words.has(t) || words.has(`${t}s`) || (t.endsWith('s') && words.has(t.slice(0, -1))),
  );
  return found.length / tokens.length;
}

/**
 * The ids can be right while the labels are not: a model may hand two pages each other's labels
 * (a swap). Ids cannot show that, so the labels are checked against the words of the pages:
 *
 *   fit(T, P)      = |{t ∈ tokens(T) : t (or its plural/singular) is a word of P}| / |tokens(T)|
 *   swapped(p, q)  ⇔ fit(T_p, q) > fit(T_p, p)  ∧  fit(T_q, p) ≥ fit(T_q, q)
 *
 * where T_p are the labels the answer gave p and tokens(T) their parts between "-" and "_" of 3+
 * letters. p's labels fit q better and q's fit p at least as well: the signature of a swap, in
 * both directions, so honest answers are hardly ever doubted. Both pages of a suspected swap are
 * left out of the answer and asked again one by one, where no mix-up is possible: a doubt costs a
 * call, never a page.
 */
export function suspectPages(
  accepted: ReadonlyMap<string, readonly string[]>,
  pages: readonly CheckedPage[],
): string[] {
  const tagged = pages.filter((p) => accepted.has(p.pageId));
  if (tagged.length < 2) return [];
  const words = new Map(tagged.map((p) => [p.pageId, wordsOf(p)]));
  const tokens = new Map(
    tagged.map((p) => [p.pageId, tokensOf(accepted.get(p.pageId) as readonly string[])]),
  );
  const fitOf = (labelsOf: string, page: string): number =>
    fit(tokens.get(labelsOf) as string[], words.get(page) as Set<string>);
  const suspects = new Set<string>();
  for (const p of tagged) {
    for (const q of tagged) {
      if (p === q) continue;
      const [a, b] = [p.pageId, q.pageId];
      if (fitOf(a, b) > fitOf(a, a) && fitOf(b, a) >= fitOf(b, b)) {
        suspects.add(a);
        suspects.add(b);
      }
    }
  }
  return tagged.map((p) => p.pageId).filter((id) => suspects.has(id));
}

/** What the router takes from one answer. */
export interface Acceptance {
  /** Page id → its normalised labels, for pages the answer attributes beyond doubt. */
  tags: Map<string, string[]>;
  /** Pages not named exactly once: to be asked again together. */
  unanswered: string[];
  /** Pages whose labels look swapped: to be asked again one by one. */
  suspects: string[];
  /** The labels the answer gave each suspect (swapRefuted weighs them). */
  doubted: Map<string, string[]>;
  invented: string[];
  duplicated: string[];
}

/**
 * attributeAnswer, then normaliseLabels, then suspectPages. Throws `attribution` when the answer
 * gives the router nothing to use or to ask about (no page named usably), so it is retried.
 */
export function acceptAnswer(
  json: unknown,
  pages: readonly CheckedPage[],
  provider: string,
  rules: LabelRules,
): Acceptance {
  const attribution = attributeAnswer(
    json,
    pages.map((p) => p.pageId),
    provider,
  );
  const tags = new Map<string, string[]>();
  for (const [id, raw] of attribution.answered) tags.set(id, normaliseLabels(raw, rules));
  const suspects = suspectPages(tags, pages);
  const doubted = new Map<string, string[]>();
  for (const id of suspects) {
    doubted.set(id, tags.get(id) ?? []);
    tags.delete(id);
  }
  if (tags.size === 0 && suspects.length === 0) {
    throw new TagspaceError(
      'attribution',
      `${provider} answered for none of the ${pages.length} page(s) usably`,
      {
        provider,
        status: 200,
      },
    );
  }
  const { unanswered, invented, duplicated } = attribution;
  return { tags, unanswered, suspects, doubted, invented, duplicated };
}

/**
 * Whether page p, asked again alone, refutes the doubt that an answer swapped p's labels with q's:
 *
 *   refuted ⇔ J(N_p, L_p) > J(N_p, L_q),   J(A, B) = |A ∩ B| / |A ∪ B|
 *
 * where N_p are p's labels asked alone (no mix-up possible) and L_p, L_q those the doubted answer
 * gave p and q. p's new labels are nearer what that answer gave p, so it did not hand p q's, and
 * when p and q were each other's only doubt, q's labels stand too: a doubt shown false costs one
 * call, not two. Labels as near one as the other (or none) refute nothing, and q is asked alone.
 */
export function swapRefuted(
  again: readonly string[],
  first: readonly string[],
  other: readonly string[],
): boolean {
  return jaccard(again, first) > jaccard(again, other);
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  const union = new Set([...a, ...b]);
  if (union.size === 0) return 0;
  const inB = new Set(b);
  return new Set(a.filter((x) => inB.has(x))).size / union.size;
}
