import type { BodyFormat, PageEvent } from '../model/page-event.js';
import { pick, randomInt, seededRandom } from './random.js';
import type { Random } from './random.js';
import type { KindSpec } from './templates/build-page.js';
import { buildPage } from './templates/build-page.js';
import { ADR, API_DOCS, RFC } from './templates/design-kinds.js';
import { renderDoc } from './templates/doc.js';
import { SERVICES, TEAMS, focusFor } from './templates/fill.js';
import type { PageContext } from './templates/fill.js';
import { FAQ, HOW_TO, POSTMORTEM, RUNBOOK } from './templates/ops-kinds.js';
import { MEETING_NOTES, ONBOARDING, RELEASE_NOTES } from './templates/team-kinds.js';
import type { PageKind, Topic } from './topics.js';
import { TOPICS } from './topics.js';

/**
 * The synthetic space generator: N realistic engineering-wiki pages with known topics, the
 * ground truth the simulator's tagger is measured against. Page i depends only on (seed, i):
 *
 *   random_i = mulberry32(mix(seed, i))      pageId_i = base(seed) + 37·i + r_i,  r_i ∈ [0, 37)
 *   updatedAt_i = START + i·4 min + jitter_i  (so ids are unique and time grows with i)
 *
 * so the same seed gives byte-identical events, and pages can be streamed lazily.
 */
export interface GenerateOptions {
  pages: number;
  seed: number;
  spaceKey: string;
  /** Version of every generated page; 1 when absent. */
  startVersion?: number;
  /** Render every body in this format (the Confluence simulator wants storage); a mix when absent. */
  bodyFormat?: BodyFormat;
}

export interface GeneratedPage {
  event: PageEvent;
  /** The page's topic labels, main topic first. */
  topics: string[];
  kind: PageKind;
}

/** Kinds with their relative frequency in a space. */
const KINDS: readonly (readonly [KindSpec, number])[] = [
  [RUNBOOK, 15],
  [HOW_TO, 14],
  [MEETING_NOTES, 12],
  [ADR, 10],
  [POSTMORTEM, 10],
  [API_DOCS, 10],
  [RFC, 8],
  [ONBOARDING, 8],
  [RELEASE_NOTES, 7],
  [FAQ, 6],
];
const KIND_TOTAL = KINDS.reduce((sum, [, weight]) => sum + weight, 0);
const FORMATS: readonly (readonly [BodyFormat, number])[] = [
  ['storage', 0.5],
  ['markdown', 0.3],
  ['text', 0.2],
];
const LONG_PAGE_CHANCE = 0.06;
const LABELS_CHANCE = 0.35;
const START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
const STEP_MS = 4 * 60_000;
const ID_STRIDE = 37;

function mix(seed: number, i: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function pickKind(random: Random): KindSpec {
  let r = random() * KIND_TOTAL;
  for (const [spec, weight] of KINDS) {
    r -= weight;
    if (r < 0) return spec;
  }
  return KINDS[KINDS.length - 1]![0];
}

function pickFormat(random: Random): BodyFormat {
  let r = random();
  for (const [format, share] of FORMATS) {
    r -= share;
    if (r < 0) return format;
  }
  return 'text';
}

function pickSecondaries(random: Random, main: Topic): Topic[] {
  const r = random();
  const count = r < 0.4 ? 0 : r < 0.8 ? 1 : 2;
  const chosen: Topic[] = [];
  while (chosen.length < count) {
    const topic = pick(random, TOPICS);
    if (topic !== main && !chosen.includes(topic)) chosen.push(topic);
  }
  return chosen;
}

function existingLabels(random: Random, main: Topic, kind: PageKind, team: string): string[] {
  const candidates = [main.label, kind, `team-${team.toLowerCase().replace(/\s+/g, '-')}`, 'needs-review'];
  return candidates.filter(() => random() < 0.5).slice(0, 3);
}

/** Page i of the space described by opts. */
export function generatePage(opts: GenerateOptions, i: number): GeneratedPage {
  const random = seededRandom(mix(opts.seed, i));
  const main = pick(random, TOPICS);
  const secondaries = pickSecondaries(random, main);
  const spec = pickKind(random);
  // Drawn even when the format is forced, so the rest of the page stays the same for a seed.
  const picked = pickFormat(random);
  const format = opts.bodyFormat ?? picked;
  const updatedMs = START_MS + i * STEP_MS + randomInt(random, 0, STEP_MS - 1);
  const updatedAt = new Date(updatedMs).toISOString();
  const team = pick(random, TEAMS);
  const ctx: PageContext = {
    random,
    main,
    secondaries,
    focus: focusFor(random, main),
    service: pick(random, SERVICES),
    team,
    date: updatedAt.slice(0, 10),
  };
  const { title, blocks } = buildPage(spec, ctx, random() < LONG_PAGE_CHANCE);
  const idBase = 10_000_000 * (1 + ((opts.seed >>> 0) % 90));
  const event: PageEvent = {
    type: 'page_created',
    spaceKey: opts.spaceKey,
    pageId: String(idBase + ID_STRIDE * i + randomInt(random, 0, ID_STRIDE - 1)),
    version: opts.startVersion ?? 1,
    title,
    body: renderDoc(blocks, format),
    bodyFormat: format,
  };
  if (random() < LABELS_CHANCE) {
    const labels = existingLabels(random, main, spec.kind, team);
    if (labels.length > 0) event.labels = labels;
  }
  event.updatedAt = updatedAt;
  return { event, topics: [main.label, ...secondaries.map((t) => t.label)], kind: spec.kind };
}

/** The space's pages one at a time, so a benchmark can stream a million without holding them. */
export function* generatePages(opts: GenerateOptions): Generator<GeneratedPage> {
  for (let i = 0; i < opts.pages; i++) yield generatePage(opts, i);
}

/** The whole space in memory, with the ground truth: pageId → topic labels, main topic first. */
export function generateSpace(opts: GenerateOptions): { events: PageEvent[]; truth: Map<string, string[]> } {
  const events: PageEvent[] = [];
  const truth = new Map<string, string[]>();
  for (const page of generatePages(opts)) {
    events.push(page.event);
    truth.set(page.event.pageId, page.topics);
  }
  return { events, truth };
}

/** One JSON document per line, newline-terminated. */
export function eventsToJsonl(events: Iterable<PageEvent>): string {
  let out = '';
  for (const event of events) out += `${JSON.stringify(event)}\n`;
  return out;
}
