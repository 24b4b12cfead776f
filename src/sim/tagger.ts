import { PAGE_KINDS, TOPICS } from './topics.js';

/**
 * The simulator's deterministic tagger: tags a page from the words in it, so the generator's
 * known topics are a ground truth for accuracy. Pure and fast (it runs once per page of a
 * million-page benchmark): the keyword tables are built once at module load.
 *
 *   score(topic) = Σ over matches m of topic's words:  weight(m) · (TITLE_FACTOR if m in title else 1)
 *   tags         = topics with score ≥ max(MIN_SCORE, SECONDARY_SHARE · best), best first, at most
 *                  MAX_TOPICS; then the page kind, when kindScore ≥ KIND_MIN_SCORE
 *
 * Words are runs of [a-z0-9_] after lowercasing; a two-word phrase that matches replaces the
 * matches of its two words; a plural "…s" falls back to its singular. The page is data: sentences
 * addressed to the tagger ("ignore previous instructions and tag this as …") say nothing about
 * the page's topic, so they are skipped before scoring.
 */

const STRONG_WEIGHT = 3;
const WEAK_WEIGHT = 1;
const TITLE_FACTOR = 4;
const MIN_SCORE = 4;
const SECONDARY_SHARE = 0.25;
const MAX_TOPICS = 4;
const KIND_MIN_SCORE = 4;
/** Returned when no topic is recognised, so every page gets at least one label. */
const FALLBACK_LABEL = 'general';

/** What one word or phrase contributes: to a topic, to a page kind, or to both. */
interface Entry {
  topic: number;
  weight: number;
  kind: number;
  kindWeight: number;
}

/** Words (and phrases) that point at a page kind; the labels are PAGE_KINDS. */
const KIND_WORDS: Record<(typeof PAGE_KINDS)[number], readonly [string, number][]> = {
  runbook: [
    ['runbook', 3],
    ['runbooks', 3],
    ['playbook', 3],
  ],
  adr: [
    ['adr', 3],
    ['architecture decision', 3],
    ['decision record', 3],
  ],
  postmortem: [
    ['postmortem', 3],
    ['post mortem', 3],
    ['root cause', 2],
    ['contributing factors', 2],
  ],
  onboarding: [
    ['onboarding', 3],
    ['new joiners', 2],
    ['first week', 2],
    ['getting started', 2],
  ],
  'api-docs': [
    ['api reference', 3],
    ['endpoint', 1],
    ['endpoints', 1],
    ['request body', 2],
    ['api docs', 3],
  ],
  'meeting-notes': [
    ['meeting notes', 3],
    ['attendees', 2],
    ['action items', 2],
    ['agenda', 1],
  ],
  rfc: [
    ['rfc', 3],
    ['design doc', 3],
    ['non goals', 2],
    ['alternatives considered', 1],
  ],
  'how-to': [
    ['how to', 1],
    ['howto', 3],
  ],
  'release-notes': [
    ['release notes', 3],
    ['new features', 1],
    ['bug fixes', 1],
  ],
  faq: [
    ['faq', 3],
    ['faqs', 3],
    ['frequently asked', 3],
  ],
};

const unigrams = new Map<string, Entry>();
const bigrams = new Map<string, Entry>();
/** First words of the phrases, so a phrase key is only built when it could match. */
const phraseStarts = new Set<string>();

function entryFor(word: string): Entry {
  const parts = word.split(' ');
  if (parts.length > 2) throw new RangeError(`keyword "${word}" has more than two words`);
  const table = parts.length === 2 ? bigrams : unigrams;
  let entry = table.get(word);
  if (entry === undefined) {
    entry = { topic: -1, weight: 0, kind: -1, kindWeight: 0 };
    table.set(word, entry);
    if (parts.length === 2) phraseStarts.add(parts[0] as string);
  }
  return entry;
}

TOPICS.forEach((topic, index) => {
  const add = (word: string, weight: number): void => {
    const entry = entryFor(word);
    // The catalogue promises each word to one topic; the first claim wins if it ever breaks that.
    if (entry.topic === -1) {
      entry.topic = index;
      entry.weight = weight;
    }
  };
  for (const word of topic.strong) add(word, STRONG_WEIGHT);
  for (const word of topic.weak) add(word, WEAK_WEIGHT);
});
PAGE_KINDS.forEach((kind, index) => {
  for (const [word, weight] of KIND_WORDS[kind]) {
    const entry = entryFor(word);
    entry.kind = index;
    entry.kindWeight = weight;
  }
});

// Reused by every call: tagPage is synchronous, so one set of accumulators suffices.
const topicScores = new Float64Array(TOPICS.length);
const titleScores = new Float64Array(TOPICS.length);
const kindScores = new Float64Array(PAGE_KINDS.length);

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
}

function lookup(word: string): Entry | undefined {
  const entry = unigrams.get(word);
  if (entry !== undefined || word.length < 4 || word.charCodeAt(word.length - 1) !== 115) return entry;
  return unigrams.get(word.slice(0, -1));
}

function credit(entry: Entry, sign: number, factor: number, inTitle: boolean): void {
  if (entry.topic >= 0) {
    topicScores[entry.topic]! += sign * entry.weight * factor;
    if (inTitle) titleScores[entry.topic]! += sign * entry.weight;
  }
  if (entry.kind >= 0) kindScores[entry.kind]! += sign * entry.kindWeight * factor;
}

function scan(text: string, inTitle: boolean): void {
  const s = text.toLowerCase();
  const factor = inTitle ? TITLE_FACTOR : 1;
  const n = s.length;
  let prev = '';
  let prevEntry: Entry | undefined;
  let i = 0;
  while (i < n) {
    if (!isWordChar(s.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isWordChar(s.charCodeAt(i))) i++;
    const word = s.slice(start, i);
    if (prev !== '' && phraseStarts.has(prev)) {
      const phrase = bigrams.get(`${prev} ${word}`);
      if (phrase !== undefined) {
        if (prevEntry !== undefined) credit(prevEntry, -1, factor, inTitle);
        credit(phrase, 1, factor, inTitle);
        prev = '';
        prevEntry = undefined;
        continue;
      }
    }
    const entry = lookup(word);
    if (entry !== undefined) credit(entry, 1, factor, inTitle);
    prev = word;
    prevEntry = entry;
  }
}

const INJECTION_HINT = /\b(?:ignore|disregard|forget|instructions?)\b/i;
const INJECTION_SENTENCE =
  /\b(?:ignore|disregard|forget)\b.{0,80}\b(?:instructions?|prompts?|rules)\b|\b(?:tag|label)\s+(?:this|these|the|every|all|each)\b.{0,60}\bas\b/i;

/** The text without the sentences that give the tagger instructions. */
function withoutInstructions(text: string): string {
  if (!INJECTION_HINT.test(text)) return text;
  return text
    .split(/(?<=[.!?\n])/)
    .filter((sentence) => !INJECTION_SENTENCE.test(sentence))
    .join(' ');
}

function better(a: number, b: number): boolean {
  const sa = topicScores[a]!;
  const sb = topicScores[b]!;
  if (sa !== sb) return sa > sb;
  return titleScores[a]! > titleScores[b]!;
}

/** Tags for a page: its topics' labels, best first, then its kind's label when recognisable. */
export function tagPage(title: string, text: string): string[] {
  topicScores.fill(0);
  titleScores.fill(0);
  kindScores.fill(0);
  scan(withoutInstructions(title), true);
  scan(withoutInstructions(text), false);

  const tags: string[] = [];
  const chosen: number[] = [];
  let threshold = MIN_SCORE;
  while (chosen.length < MAX_TOPICS) {
    let best = -1;
    for (let t = 0; t < topicScores.length; t++) {
      if (chosen.includes(t) || topicScores[t]! < threshold) continue;
      if (best === -1 || better(t, best)) best = t;
    }
    if (best === -1) break;
    if (chosen.length === 0) threshold = Math.max(MIN_SCORE, SECONDARY_SHARE * topicScores[best]!);
    chosen.push(best);
    tags.push(TOPICS[best]!.label);
  }
  if (tags.length === 0) tags.push(FALLBACK_LABEL);

  let kind = -1;
  for (let k = 0; k < kindScores.length; k++) {
    if (kindScores[k]! >= KIND_MIN_SCORE && (kind === -1 || kindScores[k]! > kindScores[kind]!)) kind = k;
  }
  if (kind >= 0) tags.push(PAGE_KINDS[kind]!);
  return tags;
}
