/**
 * Tags → Confluence labels. A label is lowercase, has no spaces, and here keeps to [a-z0-9_-]:
 *
 *   label(t)  = trimEnds(cut(collapse(replace(lower(fold(t)), /[^a-z0-9_-]+/ → "-")), maxLength))
 *   labels(T) = first maxTagsPerPage of dedupe([label(t) | t ∈ T, label(t) ≠ "", label(t) ∈ taxonomy?])
 *
 * fold strips accents (é → e) and apostrophes ("team's" → "teams"); collapse turns runs of "-"
 * into one; trimEnds drops "-" and "_" at either end. With a taxonomy, only labels in it survive
 * (the taxonomy is normalised by the same rule). Whatever a page's text made the model write, what
 * leaves here is a short list of plain labels.
 */
export interface LabelRules {
  maxTagsPerPage: number;
  maxLength: number;
  taxonomy?: ReadonlySet<string>;
}

export const DEFAULT_MAX_TAGS_PER_PAGE = 8;
/** Confluence allows 255 characters; labels longer than this are sentences, not labels. */
export const DEFAULT_MAX_LABEL_LENGTH = 50;

export function normaliseLabel(raw: string, maxLength = DEFAULT_MAX_LABEL_LENGTH): string {
  const folded = raw
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/['’`]/g, '')
    .toLowerCase();
  const label = folded
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  return label.slice(0, Math.max(0, maxLength)).replace(/[-_]+$/, '');
}

export function normaliseTaxonomy(
  labels: Iterable<string>,
  maxLength = DEFAULT_MAX_LABEL_LENGTH,
): Set<string> {
  const out = new Set<string>();
  for (const raw of labels) {
    const label = normaliseLabel(raw, maxLength);
    if (label !== '') out.add(label);
  }
  return out;
}

export function normaliseLabels(raw: readonly unknown[], rules: LabelRules): string[] {
  const out: string[] = [];
  for (const value of raw) {
    if (out.length >= rules.maxTagsPerPage) break;
    if (typeof value !== 'string') continue;
    const label = normaliseLabel(value, rules.maxLength);
    if (label === '' || out.includes(label)) continue;
    if (rules.taxonomy !== undefined && !rules.taxonomy.has(label)) continue;
    out.push(label);
  }
  return out;
}
