import type { PageEvent } from '../model/page-event.js';
import { pick, randomInt, seededRandom } from './random.js';
import type { Random } from './random.js';
import { tagPage } from './tagger.js';
import { renderDoc } from './templates/doc.js';
import type { Block } from './templates/doc.js';
import { SERVICES, TEAMS, fill, focusFor } from './templates/fill.js';
import { topicByLabel } from './topics.js';
import { pageText } from '../model/page-content.js';

/**
 * Edits of a space: the next version of `count` distinct pages, chosen by a seeded partial
 * Fisher–Yates shuffle of the space's current pages (the newest version of each page that is not
 * removed), so the same seed edits the same pages the same way.
 *
 *   content     the body gains a section about the page's main topic (found by tagPage) and
 *               sometimes a reworded sentence: the normalised text, hence contentHash, changes.
 *   title-only  only what normalisation folds away changes: labels, updatedAt, whitespace in the
 *               title, markup or whitespace in the body. contentHash = sha256(fold(title) ‖ text ‖ …)
 *               is unchanged, because fold(title) and pageText(body) are. (The hash covers the
 *               normalised title, so a real change of title wording would count as a content edit.)
 */
export type EditKind = 'content' | 'title-only';

export interface EditOptions {
  count: number;
  seed: number;
  kind: EditKind;
}

const EDIT_STEP_MS = 60 * 60_000;
const FALLBACK_TIME_MS = Date.UTC(2026, 3, 1, 9, 0, 0);

const UPDATE_SENTENCES = [
  'Since the last review we changed how {thing} is handled in {service}.',
  'Watch {metric} for a week after this change and note anything odd here.',
  '{Tool} now shows {thing} per service, which makes {symptom} easier to spot.',
  'The {team} team agreed to revisit {thing} next quarter.',
  'New: run `{command}` first, it saves a lot of guesswork.',
];
const REWORDINGS: readonly (readonly [string, string])[] = [
  [' the ', ' our '],
  [' should ', ' must '],
  [' about ', ' roughly '],
  [' and ', ' as well as '],
];

/** The newest version of each page in the space that has not been removed, in first-seen order. */
function currentPages(events: readonly PageEvent[]): PageEvent[] {
  const latest = new Map<string, PageEvent>();
  for (const event of events) {
    const seen = latest.get(event.pageId);
    if (seen === undefined || event.version >= seen.version) latest.set(event.pageId, event);
  }
  return [...latest.values()].filter((e) => e.type !== 'page_removed');
}

function choose(random: Random, pages: readonly PageEvent[], count: number): PageEvent[] {
  if (!Number.isInteger(count) || count < 0 || count > pages.length) {
    throw new RangeError(`cannot choose ${count} of ${pages.length} pages`);
  }
  const order = pages.map((_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (order.length - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, count).map((i) => pages[i]!);
}

function nextUpdatedAt(random: Random, page: PageEvent): string {
  const previous = page.updatedAt === undefined ? NaN : Date.parse(page.updatedAt);
  const base = Number.isNaN(previous) ? FALLBACK_TIME_MS : previous;
  return new Date(base + randomInt(random, 1, EDIT_STEP_MS)).toISOString();
}

function contentEdit(random: Random, page: PageEvent): Pick<PageEvent, 'body'> {
  const main = topicByLabel(tagPage(page.title, pageText(page))[0] ?? '');
  const date = nextUpdatedAt(random, page).slice(0, 10);
  const blocks: Block[] = [{ kind: 'heading', text: `Update ${date}` }];
  if (main === undefined) {
    blocks.push({
      kind: 'paragraph',
      text: `Reviewed on ${date}; the steps above were checked and still hold.`,
    });
  } else {
    const ctx = {
      random,
      main,
      secondaries: [],
      focus: focusFor(random, main),
      service: pick(random, SERVICES),
      team: pick(random, TEAMS),
      date,
    };
    const sentences = [pick(random, UPDATE_SENTENCES), pick(random, UPDATE_SENTENCES)];
    blocks.push({ kind: 'paragraph', text: sentences.map((s) => fill(s, ctx)).join(' ') });
  }
  let body = page.body;
  const [from, to] = pick(random, REWORDINGS);
  if (random() < 0.5 && body.includes(from)) body = body.replace(from, to);
  const section = renderDoc(blocks, page.bodyFormat);
  return { body: page.bodyFormat === 'storage' ? body + section : `${body.trimEnd()}\n\n${section}` };
}

/** A change of markup or whitespace only: pageText folds it away. */
function reformat(random: Random, page: PageEvent): Pick<PageEvent, 'title' | 'body'> {
  const title = random() < 0.5 ? `${page.title} ` : page.title.replace(' ', '  ');
  if (page.bodyFormat === 'storage') {
    // Tags become spaces and runs of spaces fold to one, so a wrapper or an empty paragraph
    // leaves the text as it was (edits inside the body could land in a CDATA code block).
    const body = random() < 0.5 ? `<div class="content">${page.body}</div>` : `${page.body}\n<p> </p>`;
    return { title, body };
  }
  return { title, body: random() < 0.5 ? `${page.body}\n\n` : page.body.replace(/\n/, ' \n') };
}

function relabel(random: Random, page: PageEvent): string[] {
  const labels = page.labels ?? [];
  if (labels.length > 0 && random() < 0.5) return labels.slice(1);
  return [...labels, pick(random, ['reviewed', 'needs-review', 'archived-candidate', 'featured'])];
}

/** The next version (page_updated) of `count` distinct current pages of the space. */
export function editPages(events: readonly PageEvent[], opts: EditOptions): PageEvent[] {
  const random = seededRandom(opts.seed);
  return choose(random, currentPages(events), opts.count).map((page) => {
    const edited: PageEvent = {
      ...page,
      ...(page.labels === undefined ? {} : { labels: [...page.labels] }),
      type: 'page_updated',
      version: page.version + 1,
      ...(opts.kind === 'content' ? contentEdit(random, page) : reformat(random, page)),
    };
    if (opts.kind === 'title-only') edited.labels = relabel(random, page);
    edited.updatedAt = nextUpdatedAt(random, page);
    return edited;
  });
}

/** page_removed events for `count` distinct current pages, each one version past the page's newest. */
export function removePages(
  events: readonly PageEvent[],
  opts: { count: number; seed: number },
): PageEvent[] {
  const random = seededRandom(opts.seed);
  return choose(random, currentPages(events), opts.count).map((page) => ({
    type: 'page_removed',
    spaceKey: page.spaceKey,
    pageId: page.pageId,
    version: page.version + 1,
    title: '',
    body: '',
    bodyFormat: 'text',
    updatedAt: nextUpdatedAt(random, page),
  }));
}
