import { pick, randomInt } from '../random.js';
import type { Random } from '../random.js';
import type { PageKind, Topic } from '../topics.js';
import type { Block } from './doc.js';
import { fill } from './fill.js';
import type { PageContext } from './fill.js';

/**
 * Builds a page (title and blocks) from a kind's template. The main topic fills every slot;
 * each secondary topic gets sentences of its own at a steady rate, so its share of the page
 * stays about the same whatever the page's length:
 *
 *   P(a paragraph or list gains a secondary sentence) = SECONDARY_CHANCE;  each secondary ≥ 2 sentences
 *   P(a paragraph gains a neutral sentence)           = NEUTRAL_CHANCE
 */
export type BlockSpec =
  | {
      /** Sentences, kept in pool order; `plain` paragraphs get no neutral or secondary sentence. */
      readonly p: readonly string[];
      readonly n: readonly [number, number];
      readonly plain?: boolean;
    }
  | {
      readonly list: readonly string[];
      readonly n: readonly [number, number];
      readonly ordered?: boolean;
      /** Keep the pool's order (a timeline); ordered lists always do. */
      readonly inOrder?: boolean;
    }
  | { readonly code: 'commands' | 'endpoints' | 'json' }
  | { readonly note: readonly string[] };

export interface SectionSpec {
  readonly heading: string;
  readonly blocks: readonly BlockSpec[];
  /** Chance the section appears; always when absent. */
  readonly chance?: number;
}

export interface KindSpec {
  readonly kind: PageKind;
  readonly titles: readonly string[];
  readonly sections: readonly SectionSpec[];
}

const SECONDARY_CHANCE = 0.3;
const NEUTRAL_CHANCE = 0.35;
const MIN_SECONDARY_SENTENCES = 2;

const SECONDARY_SENTENCES = [
  'This also depends on {thing}, so check {tool} as well.',
  '{Thing} came up here too; the {name} pages have the details.',
  'Keep an eye on {metric} while you do this.',
  '{Symptom} can look similar, so rule it out first.',
  'The {name} owners want to hear about changes that affect {thing}.',
  'We also touched {thing2} on the way, using {tool2}.',
];

/** Closing "Related" items that top a secondary topic up to its minimum. */
const RELATED_ITEMS = [
  'See also: {Thing} ({name})',
  '{Name}: {thing}',
  'Background on {thing2} from the {name} owners',
  'Known interaction with {symptom}',
];

/** Sentences any page may carry; none of them names a topic. */
export const NEUTRAL_SENTENCES = [
  'Ask in the team channel if anything here is unclear.',
  'This page is reviewed every quarter by its owners.',
  'Link to details rather than copying them here.',
  'Times are in UTC unless stated otherwise.',
  'If a step fails, stop and write down what you saw before retrying.',
  'Please keep this page up to date when things change.',
  'Older versions of this page are in the page history.',
  'Thanks to everyone who reviewed the first draft.',
];

const DEEP_DIVE = [
  'In more detail, {thing2} behaves differently under load than in staging, and {metric} shows it first.',
  'We measured {metric} for two weeks before and after the change to {thing2}.',
  'A common mistake is to look at {tool2} alone; {thing2} needs the wider picture.',
  'Run `{command}` to see the current state.',
  '{Symptom} showed up twice last quarter, both times after a change to {thing2}.',
  'The {team} team keeps notes on {thing2} in the {name} space.',
  'Numbers from {service2} are a good baseline for {metric}.',
];

/** A sample of n distinct items, in pool order or shuffled. */
function sample<T>(random: Random, pool: readonly T[], n: number, inOrder = false): T[] {
  const indices = pool.map((_, i) => i);
  const count = Math.min(n, pool.length);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (indices.length - i));
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  const chosen = indices.slice(0, count);
  if (inOrder) chosen.sort((a, b) => a - b);
  return chosen.map((i) => pool[i]!);
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

class PageBuilder {
  readonly blocks: Block[] = [];
  private readonly secondaryCounts: number[];

  constructor(private readonly ctx: PageContext) {
    this.secondaryCounts = ctx.secondaries.map(() => 0);
  }

  /** A sentence about one of the secondary topics, or undefined when the page has none. */
  secondarySentence(): string | undefined {
    const { random, secondaries } = this.ctx;
    if (secondaries.length === 0) return undefined;
    const index = Math.floor(random() * secondaries.length);
    this.secondaryCounts[index]!++;
    return fill(pick(random, SECONDARY_SENTENCES), this.ctx, secondaries[index] as Topic);
  }

  paragraph(pool: readonly string[], n: readonly [number, number], plain = false): void {
    const { random } = this.ctx;
    const sentences = sample(random, pool, randomInt(random, n[0], n[1]), true).map((s) => fill(s, this.ctx));
    if (!plain && random() < NEUTRAL_CHANCE) sentences.push(pick(random, NEUTRAL_SENTENCES));
    if (!plain && random() < SECONDARY_CHANCE) sentences.push(this.secondarySentence() ?? '');
    this.blocks.push({ kind: 'paragraph', text: sentences.join(' ').trim() });
  }

  block(spec: BlockSpec): void {
    const { random } = this.ctx;
    if ('p' in spec) {
      this.paragraph(spec.p, spec.n, spec.plain);
    } else if ('list' in spec) {
      const count = randomInt(random, spec.n[0], spec.n[1]);
      const inOrder = spec.inOrder === true || spec.ordered === true;
      const items = sample(random, spec.list, count, inOrder).map((s) => fill(s, this.ctx));
      const extra = random() < SECONDARY_CHANCE ? this.secondarySentence() : undefined;
      if (extra !== undefined) items.push(extra);
      this.blocks.push({ kind: 'list', items, ordered: spec.ordered ?? false });
    } else if ('note' in spec) {
      this.blocks.push({ kind: 'note', text: fill(pick(random, spec.note), this.ctx) });
    } else {
      this.blocks.push(this.code(spec.code));
    }
  }

  code(kind: 'commands' | 'endpoints' | 'json'): Block {
    const { random, main, focus, service } = this.ctx;
    if (kind === 'commands') {
      const text = sample(random, main.commands, randomInt(random, 1, 3)).join('\n');
      return { kind: 'code', language: 'bash', text };
    }
    const path = `/v1/${slug(focus.thing)}`;
    if (kind === 'endpoints') {
      const text = [`GET    ${path}`, `GET    ${path}/{id}`, `POST   ${path}`, `DELETE ${path}/{id}`];
      return { kind: 'code', language: 'text', text: text.slice(0, randomInt(random, 2, 4)).join('\n') };
    }
    const body = {
      service,
      [slug(focus.metric).replace(/-/g, '_')]: randomInt(random, 1, 500),
      dryRun: true,
    };
    return { kind: 'code', language: 'json', text: JSON.stringify(body, null, 2) };
  }

  /** Tops up each secondary topic to its minimum number of sentences, in a closing section. */
  related(): void {
    const missing: string[] = [];
    this.ctx.secondaries.forEach((topic, i) => {
      for (let k = this.secondaryCounts[i]!; k < MIN_SECONDARY_SENTENCES; k++) {
        missing.push(fill(pick(this.ctx.random, RELATED_ITEMS), this.ctx, topic));
      }
    });
    if (missing.length === 0) return;
    this.blocks.push({ kind: 'heading', text: 'Related' }, { kind: 'list', items: missing, ordered: false });
  }
}

/** Title and blocks of a page of the given kind; `long` adds deep-dive sections. */
export function buildPage(
  spec: KindSpec,
  ctx: PageContext,
  long: boolean,
): { title: string; blocks: Block[] } {
  const { random } = ctx;
  const title = fill(pick(random, spec.titles), ctx);
  const builder = new PageBuilder(ctx);
  for (const section of spec.sections) {
    if (section.chance !== undefined && random() >= section.chance) continue;
    builder.blocks.push({ kind: 'heading', text: fill(section.heading, ctx) });
    for (const block of section.blocks) builder.block(block);
  }
  if (long) {
    const sections = randomInt(random, 3, 8);
    for (let i = 0; i < sections; i++) {
      builder.blocks.push({ kind: 'heading', text: fill('Deep dive: {Thing2}', ctx) });
      for (let j = randomInt(random, 1, 3); j > 0; j--) builder.paragraph(DEEP_DIVE, [3, 5]);
    }
  }
  builder.related();
  return { title, blocks: builder.blocks };
}
