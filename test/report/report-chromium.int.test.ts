import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../src/gen/generate-space.js';
import { launchChromium } from '../support/browser.js';
import { cleanEnv, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tagspace-report-'));
const reportFile = join(dir, 'report.html');
let summary: {
  rateLimitErrors: number;
  retries: number;
  fallbackSwitches: number;
  spills: number;
  events: number;
};
let browser: Browser;

/** Opens the report at 1400 × 1000 and waits until its script has run. */
async function openReport() {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load' });
  await page.waitForSelector('[data-ready="true"]', { timeout: 30_000 });
  return page;
}

afterAll(async () => {
  await browser?.close();
});

beforeAll(async () => {
  browser = await launchChromium();
  // A space large enough, and quotas small enough, that the run meets 429s and retries: its 48 calls
  // are more than both windows hold together (10 + 20), so even spread over both providers from the
  // first call on they meet each one's limit. Batches pinned at 5 pages, since grown ones would fit
  // the quotas and meet none.
  const input = join(dir, 'space.jsonl');
  writeFileSync(
    input,
    generateSpace({ pages: 240, seed: 8, spaceKey: 'RPT' })
      .events.map((e) => JSON.stringify(e))
      .join('\n'),
  );
  const scenario = join(dir, 'scenario.json');
  writeFileSync(
    scenario,
    JSON.stringify({
      seed: 11,
      gemini: {
        rpm: 10,
        tpm: 400_000,
        windowMs: 2000,
        latencyMs: { median: 80, jitter: 0.3 },
        faults: { errorRate: 0.03 },
      },
      openai: { rpm: 20, tpm: 400_000, windowMs: 2000, latencyMs: { median: 100, jitter: 0.3 } },
    }),
  );
  const summaryFile = join(dir, 'summary.json');
  const result = await runCli(
    [
      'demo',
      '--input',
      input,
      '--scenario',
      scenario,
      '--out',
      join(dir, 'tags.jsonl'),
      '--report',
      reportFile,
      '--summary-json',
      summaryFile,
      '--batch-policy',
      'fixed',
    ],
    { env: cleanEnv(), cwd: dir, timeoutMs: 120_000 },
  );
  expect(result.code, result.stderr.slice(-2000)).toBe(0);
  summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as typeof summary;
}, 180_000);

describe('the HTML run report in headless Chromium', () => {
  it('renders the run’s limit series and one mark per 429, retry, fallback and spill, after its script ran', async () => {
    const page = await openReport();
    const dom = await page.content();
    expect(dom).toContain('data-ready="true"');
    const count = (cls: string) => dom.match(new RegExp(`class="mark mark-${cls}"`, 'g'))?.length ?? 0;
    expect(summary.rateLimitErrors).toBeGreaterThan(0);
    expect(count('rate_limit')).toBe(summary.rateLimitErrors);
    expect(count('retry')).toBe(summary.retries);
    expect(count('fallback')).toBe(summary.fallbackSwitches);
    expect(count('spill')).toBe(summary.spills);
    const marks = summary.rateLimitErrors + summary.retries + summary.fallbackSwitches + summary.spills;
    expect(dom).toContain(`data-marks="${marks + count('breaker')}"`);
    const data = JSON.parse(
      /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(dom)?.[1] ?? 'null',
    ) as {
      limit: unknown[];
      totals: { events: number };
    };
    expect(dom).toMatch(new RegExp(`class="limit-line" d="M[^"]+" data-points="${data.limit.length}"`));
    expect(data.limit.length).toBeGreaterThan(1);
    expect(data.totals.events).toBe(240);
    expect(dom).toMatch(/<div class="label">events<\/div><div class="value">240<\/div>/);
    // The script replaced the ISO start time with the local one.
    expect(dom).not.toMatch(/<time datetime="([^"]+)">\1<\/time>/);
  });

  it('takes a screenshot of the page at 1400 × 1000', async () => {
    const page = await openReport();
    const bytes = Buffer.from(await page.screenshot({ type: 'png' }));
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1400, 1000]);
    expect(bytes.length).toBeGreaterThan(20_000);
  });
});
