/**
 * Tags → Confluence labels. A label is lowercase, has no spaces, and here keeps to letters and
 * digits of any script, "-" and "_":
 *
 *   label(t)  = trimEnds(cut(collapse(replace(fold(t), /[^\p{L}\p{N}\p{M}_-]+/ → "-")), maxLength))
 *   labels(T) = first maxTagsPerPage of dedupe([label(t) | t ∈ T, label(t) ≠ "", label(t) ∈ taxonomy?])
 *
 * fold lowercases, strips accents from Latin letters (é → e) and apostrophes ("team's" → "teams"),
 * and leaves other scripts whole: a mark is part of a Japanese or Devanagari letter, not an accent
 * (デ is not テ), and a Russian or Japanese wiki's labels are its own words, which Confluence takes
 * as they are. collapse turns runs of "-" into one; trimEnds drops "-" and "_" at either end; cut
 * counts characters as a reader does, never splitting a
 * letter from its marks. With a taxonomy, only labels in it survive (the taxonomy
 * is normalised by the same rule). Whatever a page's text made the model write, what leaves here is
 * a short list of plain labels: no spaces, punctuation, symbols or emoji.
 */
export interface LabelRules {
  maxTagsPerPage: number;
  maxLength: number;
  taxonomy?: ReadonlySet<string>;
}

export const DEFAULT_MAX_TAGS_PER_PAGE = 8;
/** Confluence allows 255 characters; labels longer than this are sentences, not labels. */
export const DEFAULT_MAX_LABEL_LENGTH = 50;
/** Confluence's own limit, in UTF-16 units as Java counts a string's length. */
const CONFLUENCE_MAX_UNITS = 255;

/** Lowercase, Latin accents and apostrophes gone, every other script as it was (NFC). */
export function foldText(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .replace(/['’`]/g, '')
    .toLowerCase()
    .normalize('NFC');
}

export function normaliseLabel(raw: string, maxLength = DEFAULT_MAX_LABEL_LENGTH): string {
  const label = foldText(raw)
    .replace(/[^\p{L}\p{N}\p{M}_-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_\p{M}]+|[-_]+$/gu, '');
  return cutToCharacters(label, maxLength).replace(/[-_]+$/, '');
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The first maxLength characters as a reader counts them (a letter and its marks stay together),
 * and never more than Confluence takes.
 */
function cutToCharacters(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let out = '';
  let count = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (count++ >= maxLength || out.length + segment.length > CONFLUENCE_MAX_UNITS) break;
    out += segment;
  }
  return out;
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
