import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../src/gen/generate-space.js';
import { cleanEnv, runCli } from '../support/cli.js';

/** Debian's chromium package; .ci/run installs it (apt-get install -y chromium). */
const CHROMIUM = '/usr/bin/chromium';

const dir = mkdtempSync(join(tmpdir(), 'tagspace-report-'));
const reportFile = join(dir, 'report.html');
let summary: { rateLimitErrors: number; retries: number; fallbackSwitches: number; events: number };

/** Runs headless Chromium on the report with `extra` flags; resolves with its stdout. */
function chromium(extra: string[]): Promise<string> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    `--user-data-dir=${mkdtempSync(join(tmpdir(), 'tagspace-chromium-'))}`,
    ...extra,
    pathToFileURL(reportFile).href,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`chromium exited ${code}: ${err.slice(-1000)}`));
    });
  });
}

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
  // A space large enough, and a Gemini quota small enough, that the run meets 429s and retries.
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
        rpm: 30,
        tpm: 400_000,
        windowMs: 2000,
        latencyMs: { median: 80, jitter: 0.3 },
        faults: { errorRate: 0.03 },
      },
      openai: { rpm: 60, tpm: 400_000, windowMs: 2000, latencyMs: { median: 100, jitter: 0.3 } },
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
    ],
    { env: cleanEnv(), cwd: dir, timeoutMs: 120_000 },
  );
  expect(result.code, result.stderr.slice(-2000)).toBe(0);
  summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as typeof summary;
}, 180_000);

describe('the HTML run report in headless Chromium', () => {
  it('renders the run’s limit series and one mark per 429, retry and fallback, after its script ran', async () => {
    const dom = await chromium(['--dump-dom', '--virtual-time-budget=5000']);
    expect(dom).toContain('data-ready="true"');
    const count = (cls: string) => dom.match(new RegExp(`class="mark mark-${cls}"`, 'g'))?.length ?? 0;
    expect(summary.rateLimitErrors).toBeGreaterThan(0);
    expect(count('rate_limit')).toBe(summary.rateLimitErrors);
    expect(count('retry')).toBe(summary.retries);
    expect(count('fallback')).toBe(summary.fallbackSwitches);
    expect(dom).toContain(
      `data-marks="${summary.rateLimitErrors + summary.retries + summary.fallbackSwitches + count('breaker')}"`,
    );
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
    const png = join(dir, 'report.png');
    await chromium([`--screenshot=${png}`, '--window-size=1400,1000', '--virtual-time-budget=5000']);
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1400, 1000]);
    expect(bytes.length).toBeGreaterThan(20_000);
  });
});
