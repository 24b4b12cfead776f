import type { PromptPage, TagAnswer } from '../model/prompt.js';
import { pick, type Random } from '../gen/random.js';
import type { FaultConfig, Outage } from './scenario.js';

/**
 * The faults the simulator injects on demand. After a request is admitted, faults are tried in a
 * fixed order and the first that strikes wins:
 *
 *   timeout (u < timeoutRate) → server error (u < errorRate) → safety (marker in a page, or
 *   u < safetyRate) → malformed (u < malformedRate) → truncated (u < p_t) → misattributed (u < p_m)
 *
 *   p_t = min(1, truncatedRate + truncatedRatePer1kOutputTokens · o / 1000)   o = the answer's tokens
 *   p_m = min(1, misattributionRate + misattributionRatePerPage · (n − 1))     n = pages in the batch
 *
 * so a bigger batch has a real cost, as with real models: a longer answer runs away or stops short
 * more often, and a longer list is answered out of order, short or twice more often.
 * Each u is a fresh draw from the provider's seeded source, taken only when the rate is above 0,
 * so a scenario replays the same faults for the same sequence of requests and the fault-free path
 * draws nothing.
 */
export type Fault =
  | { kind: 'timeout' }
  | { kind: 'server_error'; status: 500 | 503 }
  | { kind: 'safety' }
  | { kind: 'malformed' }
  | { kind: 'truncated' }
  | { kind: 'misattributed' };

export function drawFault(
  faults: FaultConfig,
  pages: readonly PromptPage[],
  random: Random,
  outputTokens = 0,
): Fault | undefined {
  if (strikes(faults.timeoutRate, random)) return { kind: 'timeout' };
  if (strikes(faults.errorRate, random)) {
    // Overload is the common failure; an internal error the rarer one.
    return { kind: 'server_error', status: random() < 0.75 ? 503 : 500 };
  }
  if (findMarked(pages, faults.safetyMarker) !== undefined || strikes(faults.safetyRate, random)) {
    return { kind: 'safety' };
  }
  if (strikes(faults.malformedRate, random)) return { kind: 'malformed' };
  const truncated = faults.truncatedRate + (faults.truncatedRatePer1kOutputTokens * outputTokens) / 1000;
  if (strikes(Math.min(1, truncated), random)) return { kind: 'truncated' };
  const pagesBeyondFirst = Math.max(0, pages.length - 1);
  const misattributed = faults.misattributionRate + faults.misattributionRatePerPage * pagesBeyondFirst;
  if (strikes(Math.min(1, misattributed), random)) return { kind: 'misattributed' };
  return undefined;
}

function strikes(rate: number, random: Random): boolean {
  return rate > 0 && random() < rate;
}

/** The outage in force `elapsedMs` after the simulator started, if any. */
export function outageAt(outages: readonly Outage[], elapsedMs: number): Outage | undefined {
  return outages.find((o) => elapsedMs >= o.startMs && (o.endMs === undefined || elapsedMs < o.endMs));
}

/** The first page whose text contains `marker`. */
export function findMarked(pages: readonly PromptPage[], marker: string): PromptPage | undefined {
  return pages.find((p) => p.text.includes(marker));
}

export type Misattribution = 'swap' | 'drop' | 'invent' | 'duplicate';

/**
 * Gets a batched answer wrong the ways models do: two pages' tags swapped, a page dropped, a page
 * id invented, or a page answered twice. The way is picked from those that apply to this answer.
 */
export function misattribute(
  entries: TagAnswer['pages'],
  random: Random,
): { entries: TagAnswer['pages']; how: Misattribution } {
  const distinct = entries.length >= 2 && new Set(entries.map((e) => e.tags.join(','))).size >= 2;
  const ways: Misattribution[] = entries.length === 0 ? ['invent'] : ['drop', 'invent', 'duplicate'];
  if (distinct) ways.unshift('swap');
  const how = pick(random, ways);
  const out = entries.map((e) => ({ id: e.id, tags: e.tags }));
  const at = Math.floor(random() * out.length);
  switch (how) {
    case 'swap': {
      const first = out[at] as TagAnswer['pages'][number];
      const other = out.findIndex((e, i) => i !== at && e.tags.join(',') !== first.tags.join(','));
      const second = out[other] as TagAnswer['pages'][number];
      [first.tags, second.tags] = [second.tags, first.tags];
      break;
    }
    case 'drop':
      out.splice(at, 1);
      break;
    case 'duplicate':
      out.push({ ...(out[at] as TagAnswer['pages'][number]) });
      break;
    case 'invent':
      out.push({ id: inventId(out, random), tags: out[0]?.tags ?? ['general'] });
      break;
  }
  return { entries: out, how };
}

function inventId(entries: TagAnswer['pages'], random: Random): string {
  const taken = new Set(entries.map((e) => e.id));
  let id = `page-${Math.floor(random() * 1e9)}`;
  while (taken.has(id)) id = `${id}x`;
  return id;
}

/** Answer text that is not JSON and cannot be repaired by cutting out the braces: bare keys. */
export function malform(json: string): string {
  return `Here are the labels for your pages:\n${json.replace(/"(pages|id|tags)":/g, '$1:')}`;
}

/** The answer cut off part-way, as when the model runs out of output tokens. */
export function truncate(json: string): string {
  return json.slice(0, Math.max(1, Math.floor(json.length * 0.6)));
}
