import { Writable } from 'node:stream';
import { pino } from 'pino';
import { setRootLogger } from '../../src/telemetry/log.js';
import { pageText } from '../../src/model/page-content.js';
import { GeminiProvider } from '../../src/router/gemini-provider.js';
import { normaliseLabels } from '../../src/router/normalise-labels.js';
import { OpenAIProvider } from '../../src/router/openai-provider.js';
import type { RouterPage } from '../../src/router/router.js';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { tagPage } from '../../src/gen/tagger.js';

/** Shared set-up for the router's tests against the in-process simulator. */

export const GEMINI_MODEL = 'gemini-2.0-flash';
export const OPENAI_MODEL = 'gpt-4o-mini';
/** Looks like a real key, so a leak would be both visible and caught by redaction patterns. */
export const WRONG_GEMINI_KEY = 'AIzaSyWRONG-key-0123456789abcdefghij';
export const WRONG_OPENAI_KEY = 'sk-wrong-key-0123456789abcdefghij';

/** Small waits, so a test with retries runs in milliseconds. */
export const FAST_BACKOFF = { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 3, jitter: 0.2 };

export function startSim(scenario: Record<string, unknown> = {}): Promise<Simulator> {
  return startSimulator({ scenario: { seed: 1, ...scenario }, port: 0 });
}

export function geminiFor(
  sim: Simulator,
  opts: { apiKey?: string; model?: string; timeoutMs?: number } = {},
): GeminiProvider {
  return new GeminiProvider({
    apiKey: opts.apiKey ?? 'gemini-test-key',
    model: opts.model ?? GEMINI_MODEL,
    baseUrl: sim.geminiBaseUrl,
    timeoutMs: opts.timeoutMs ?? 5_000,
  });
}

export function openaiFor(
  sim: Simulator,
  opts: { apiKey?: string; model?: string; timeoutMs?: number } = {},
): OpenAIProvider {
  return new OpenAIProvider({
    apiKey: opts.apiKey ?? 'openai-test-key',
    model: opts.model ?? OPENAI_MODEL,
    baseUrl: sim.openaiBaseUrl,
    timeoutMs: opts.timeoutMs ?? 5_000,
  });
}

/** Pages of the synthetic space, as the router receives them. */
export function spacePages(count: number, seed = 3): RouterPage[] {
  return generateSpace({ pages: count, seed, spaceKey: 'ENG' }).events.map((e) => ({
    pageId: e.pageId,
    title: e.title,
    text: pageText(e),
  }));
}

/** What the simulator's deterministic tagger says a page's labels are. */
export function expectedTags(page: RouterPage): string[] {
  return normaliseLabels(tagPage(page.title, page.text), { maxTagsPerPage: 8, maxLength: 50 });
}

const LEVEL_LABEL = { level: (label: string) => ({ level: label }) };

/** Only warnings and errors reach stderr, so a test run is not buried in the simulator's info lines. */
export function quietLogs(): void {
  setRootLogger(
    pino(
      { level: 'warn', base: undefined, formatters: LEVEL_LABEL },
      pino.destination({ dest: 2, sync: true }),
    ),
  );
}

/** Sends every log line to memory (JSON strings) for the rest of the test file. */
export function captureLogs(): string[] {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  setRootLogger(pino({ level: 'debug', base: undefined, formatters: LEVEL_LABEL }, sink));
  return lines;
}
