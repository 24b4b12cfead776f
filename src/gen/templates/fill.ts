import { pick, randomInt } from '../random.js';
import type { Random } from '../random.js';
import type { Topic } from '../topics.js';

/**
 * What one generated page is about, and the slot filler its templates write with.
 *
 * A template is text with {slots}. Slots that name the page's focus ({thing}, {symptom}, {tool},
 * {metric}, {decision}) are fixed per page so the page stays on one subject; {thing2}, {tool2},
 * {command} draw afresh each time. A capitalised slot ({Thing}) capitalises the filled text;
 * {decisionLower} lowercases its first letter for use mid-sentence.
 */
export interface PageContext {
  readonly random: Random;
  readonly main: Topic;
  readonly secondaries: readonly Topic[];
  readonly focus: Focus;
  readonly service: string;
  readonly team: string;
  /** The page's date, YYYY-MM-DD. */
  readonly date: string;
}

export interface Focus {
  readonly thing: string;
  readonly symptom: string;
  readonly tool: string;
  readonly metric: string;
  readonly decision: string;
}

/** Service and team names: deliberately none of them is a topic keyword. */
export const SERVICES = [
  'checkout',
  'orders',
  'ledger',
  'catalog',
  'inventory',
  'profile',
  'shipping',
  'pricing',
  'storefront',
  'reviews',
  'returns',
  'loyalty',
] as const;
export const TEAMS = [
  'Platform',
  'Core Services',
  'Growth',
  'Storefront',
  'Infra',
  'DevEx',
  'Fulfilment',
] as const;
const PEOPLE = [
  'Priya',
  'Tomás',
  'Aiko',
  'Jonas',
  'Fatima',
  'Sam',
  'Olu',
  'Mei',
  'Lukas',
  'Grace',
  'Ravi',
  'Ines',
];

export function focusFor(random: Random, topic: Topic): Focus {
  return {
    thing: pick(random, topic.things),
    symptom: pick(random, topic.symptoms),
    tool: pick(random, topic.tools),
    metric: pick(random, topic.metrics),
    decision: pick(random, topic.decisions),
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function slot(name: string, ctx: PageContext, topic: Topic): string {
  const { random, focus } = ctx;
  // The page's focus belongs to the main topic; a secondary topic draws its own words.
  const isMain = topic === ctx.main;
  switch (name) {
    case 'thing':
      return isMain ? focus.thing : pick(random, topic.things);
    case 'thing2':
      return pick(random, topic.things);
    case 'symptom':
      return isMain ? focus.symptom : pick(random, topic.symptoms);
    case 'tool':
      return isMain ? focus.tool : pick(random, topic.tools);
    case 'tool2':
      return pick(random, topic.tools);
    case 'metric':
      return isMain ? focus.metric : pick(random, topic.metrics);
    case 'decision':
      return isMain ? focus.decision : pick(random, topic.decisions);
    case 'decisionLower': {
      const decision = isMain ? focus.decision : pick(random, topic.decisions);
      return decision.charAt(0).toLowerCase() + decision.slice(1);
    }
    case 'command':
      return pick(random, topic.commands);
    case 'name':
      return topic.name;
    case 'service':
      return ctx.service;
    case 'service2':
      return pick(random, SERVICES);
    case 'team':
      return ctx.team;
    case 'person':
      return pick(random, PEOPLE);
    case 'date':
      return ctx.date;
    case 'n':
      return String(randomInt(random, 3, 95));
    case 'time':
      return `${twoDigits(randomInt(random, 0, 23))}:${twoDigits(randomInt(random, 0, 59))}`;
    case 'adr':
      return String(randomInt(random, 1, 180)).padStart(4, '0');
    case 'rfc':
      return String(randomInt(random, 100, 480));
    case 'version':
      return `${ctx.date.slice(0, 4)}.${randomInt(random, 1, 52)}`;
    default:
      throw new RangeError(`unknown template slot {${name}}`);
  }
}

interface SlotRef {
  readonly name: string;
  readonly capital: boolean;
}

/** Templates split once into text and slots: generating a million pages fills them many times. */
const compiled = new Map<string, readonly (string | SlotRef)[]>();

function compile(template: string): readonly (string | SlotRef)[] {
  const parts = template.split(/\{(\w+)\}/);
  // split puts the captured slot names at the odd indices.
  return parts.map((part, i) => {
    if (i % 2 === 0) return part;
    const name = part.charAt(0).toLowerCase() + part.slice(1);
    return { name, capital: name !== part };
  });
}

/** Fills a template's slots for the page, with words of `topic` (the main topic by default). */
export function fill(template: string, ctx: PageContext, topic: Topic = ctx.main): string {
  let parts = compiled.get(template);
  if (parts === undefined) {
    parts = compile(template);
    compiled.set(template, parts);
  }
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
    } else {
      const text = slot(part.name, ctx, topic);
      out += part.capital ? capitalise(text) : text;
    }
  }
  return out;
}
