import { KIND_WORDS, PAGE_KINDS, TOPICS } from './topics.js';

/**
 * The simulator's deterministic tagger: tags a page from the words in it, so the generator's
 * known topics are a ground truth for accuracy. Pure and fast (it runs once per page of a
 * million-page benchmark): the keyword tables are built once at module load.
 *
 *   score(topic) = Σ over matches m of the topic's words:  weight(m) · (TITLE_FACTOR if m in title else 1)
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
const SECONDARY_SHARE = 0.1;
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

/**
 * The vocabulary: every word that occurs in a keyword or phrase, found by an FNV-1a hash of its
 * lowercased characters in an open-addressing table, so scanning a page neither lowercases nor
 * slices it, and most words cost one probe of an empty slot.
 */
const vocabulary: string[] = [];
const vocabularyHash: number[] = [];
const unigramOf: (Entry | undefined)[] = [];
const startsPhrase: boolean[] = [];
const bigrams = new Map<number, Entry>();
const TABLE_BITS = 12;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
/** Slot → vocabulary index + 1; 0 is an empty slot. */
const table = new Int32Array(1 << TABLE_BITS);
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Lowercase code of each word character ([A-Za-z0-9_]); 0 for the characters that separate words. */
const WORD_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95) WORD_CHAR[c] = c;
  else if (c >= 65 && c <= 90) WORD_CHAR[c] = c + 32;
}

function hashWord(word: string): number {
  let h = FNV_OFFSET;
  for (let k = 0; k < word.length; k++) h = Math.imul(h ^ word.charCodeAt(k), FNV_PRIME);
  return h;
}

function matchesAt(s: string, start: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    const c = s.charCodeAt(start + k);
    if (c >= 128 || WORD_CHAR[c] !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** Index of the word s[start, start+length) in the vocabulary (its hash is h), or -1. */
function find(s: string, start: number, length: number, h: number): number {
  for (let slot = h & TABLE_MASK; ; slot = (slot + 1) & TABLE_MASK) {
    const value = table[slot]!;
    if (value === 0) return -1;
    const id = value - 1;
    const word = vocabulary[id]!;
    if (vocabularyHash[id] === h && word.length === length && matchesAt(s, start, word)) return id;
  }
}

function wordId(word: string): number {
  const h = hashWord(word);
  const known = find(word, 0, word.length, h);
  if (known >= 0) return known;
  if (vocabulary.length >= TABLE_MASK / 2)
    throw new RangeError('tagger vocabulary is too large for its table');
  const id = vocabulary.length;
  vocabulary.push(word);
  vocabularyHash.push(h);
  unigramOf.push(undefined);
  startsPhrase.push(false);
  let slot = h & TABLE_MASK;
  while (table[slot] !== 0) slot = (slot + 1) & TABLE_MASK;
  table[slot] = id + 1;
  return id;
}

function phraseKey(first: number, second: number): number {
  return first * 65536 + second;
}

function entryFor(keyword: string): Entry {
  const parts = keyword.split(' ');
  if (
    parts.length > 2 ||
    parts.some((p) => p === '' || [...p].some((c) => WORD_CHAR[c.charCodeAt(0)] !== c.charCodeAt(0)))
  ) {
    throw new RangeError(`keyword "${keyword}" is not one or two lowercase words of [a-z0-9_]`);
  }
  const ids = parts.map(wordId);
  const fresh = (): Entry => ({ topic: -1, weight: 0, kind: -1, kindWeight: 0 });
  if (ids.length === 1) return (unigramOf[ids[0]!] ??= fresh());
  startsPhrase[ids[0]!] = true;
  const key = phraseKey(ids[0]!, ids[1]!);
  let entry = bigrams.get(key);
  if (entry === undefined) bigrams.set(key, (entry = fresh()));
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
/** Words that may open an instruction to the tagger; seeing one makes the page be read again without it. */
const opensInstruction: boolean[] = vocabulary.map(() => false);
for (const word of ['ignore', 'disregard', 'forget']) opensInstruction[wordId(word)] = true;

// Reused by every call: tagPage is synchronous, so one set of accumulators suffices.
const topicScores = new Float64Array(TOPICS.length);
const titleScores = new Float64Array(TOPICS.length);
const kindScores = new Float64Array(PAGE_KINDS.length);

function credit(entry: Entry, sign: number, factor: number, inTitle: boolean): void {
  if (entry.topic >= 0) {
    topicScores[entry.topic]! += sign * entry.weight * factor;
    if (inTitle) titleScores[entry.topic]! += sign * entry.weight;
  }
  if (entry.kind >= 0) kindScores[entry.kind]! += sign * entry.kindWeight * factor;
}

/** Adds the matches in s to the scores; true when s holds a word that may open an instruction. */
function scan(s: string, inTitle: boolean): boolean {
  const factor = inTitle ? TITLE_FACTOR : 1;
  const n = s.length;
  let hint = false;
  let prevId = -1; // the previous word, when it may start a phrase
  let prevEntry: Entry | undefined;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 128 || WORD_CHAR[c] === 0) {
      i++;
      continue;
    }
    const start = i;
    let h = FNV_OFFSET;
    let stemHash = h;
    let last = 0;
    for (; i < n; i++) {
      const d = s.charCodeAt(i);
      const lower = d < 128 ? WORD_CHAR[d]! : 0;
      if (lower === 0) break;
      stemHash = h;
      h = Math.imul(h ^ lower, FNV_PRIME);
      last = lower;
    }
    const length = i - start;
    const plural = last === 115 && length >= 4;
    const id = find(s, start, length, h);
    let stemId = -2; // not looked up yet
    if (prevId >= 0) {
      let phrase = id >= 0 ? bigrams.get(phraseKey(prevId, id)) : undefined;
      if (phrase === undefined && plural) {
        stemId = find(s, start, length - 1, stemHash);
        if (stemId >= 0) phrase = bigrams.get(phraseKey(prevId, stemId));
      }
      if (phrase !== undefined) {
        if (prevEntry !== undefined) credit(prevEntry, -1, factor, inTitle);
        credit(phrase, 1, factor, inTitle);
        prevId = -1;
        prevEntry = undefined;
        continue;
      }
    }
    let entry = id >= 0 ? unigramOf[id] : undefined;
    if (entry === undefined && plural) {
      if (stemId === -2) stemId = find(s, start, length - 1, stemHash);
      if (stemId >= 0) entry = unigramOf[stemId];
    }
    if (entry !== undefined) credit(entry, 1, factor, inTitle);
    if (id >= 0 && opensInstruction[id] === true) hint = true;
    prevId = id >= 0 && startsPhrase[id] ? id : -1;
    prevEntry = entry;
  }
  return hint;
}

const INJECTION_SENTENCE =
  /\b(?:ignore|disregard|forget)\b.{0,80}\b(?:instructions?|prompts?|rules)\b|\b(?:tag|label)\s+(?:this|these|the|every|all|each)\b.{0,60}\bas\b/;

/** The text without the sentences that give the tagger instructions. */
function withoutInstructions(s: string): string {
  return s
    .split(/(?<=[.!?\n])/)
    .filter((sentence) => !INJECTION_SENTENCE.test(sentence.toLowerCase()))
    .join(' ');
}

function scanPage(title: string, text: string): boolean {
  topicScores.fill(0);
  titleScores.fill(0);
  kindScores.fill(0);
  const titleHint = scan(title, true);
  return scan(text, false) || titleHint;
}

function better(a: number, b: number): boolean {
  const sa = topicScores[a]!;
  const sb = topicScores[b]!;
  if (sa !== sb) return sa > sb;
  return titleScores[a]! > titleScores[b]!;
}

/** Tags for a page: its topics' labels, best first, then its kind's label when recognisable. */
export function tagPage(title: string, text: string): string[] {
  // Rare: a page that may instruct the tagger is scored again without those sentences.
  if (scanPage(title, text)) scanPage(withoutInstructions(title), withoutInstructions(text));

  const tags: string[] = [];
  const chosen: number[] = [];
  let threshold = MIN_SCORE;
  while (chosen.length < MAX_TOPICS) {
    let best = -1;
    for (let t = 0; t < topicScores.length; t++) {
      if (topicScores[t]! < threshold || chosen.includes(t)) continue;
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
