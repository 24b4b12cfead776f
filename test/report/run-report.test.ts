import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/render-report.js';
import { rebin } from '../../src/report/run-recorder.js';
import { recordedRun } from './report-fixtures.js';

describe('RunRecorder', () => {
  it('records the limit, batches in flight, marks, calls per provider and throughput of a run', () => {
    const { recorder, summary } = recordedRun();
    const data = recorder.report(summary, { command: 'replay' });
    expect(data.limit).toEqual([
      { t: 0, v: 3 },
      { t: 300, v: 4 },
      { t: 400, v: 0 },
      { t: 1400, v: 2 },
    ]);
    expect(data.inFlight).toEqual([
      { t: 0, v: 0 },
      { t: 100, v: 1 },
      { t: 200, v: 2 },
      { t: 1500, v: 1 },
      { t: 1700, v: 0 },
    ]);
    const kinds = data.marks.map((m) => m.kind);
    expect(kinds.filter((k) => k === 'rate_limit')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'retry')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'fallback')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'breaker')).toHaveLength(1);
    expect(data.marks[0]).toEqual({
      t: 300,
      kind: 'rate_limit',
      label: '429 from gemini (attempt 1, retry after 1000 ms)',
    });
    expect(data.providers).toEqual([
      expect.objectContaining({
        provider: 'gemini',
        calls: 5,
        ok: 1,
        rateLimited: 3,
        otherErrors: 1,
        inputTokens: 500,
      }),
      expect.objectContaining({ provider: 'openai', calls: 1, ok: 1, rateLimited: 0, costUsd: 0.000256 }),
    ]);
    expect(data.batchSizes).toEqual([
      { size: 3, count: 1 },
      { size: 5, count: 1 },
    ]);
    expect(data.throughput).toEqual({
      bucketMs: 100,
      counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 3],
    });
    // The summary's percentiles, not a second computation of the recorder's own.
    expect(data.editToTagMs).toEqual(summary.editToTagMs);
    expect(data.topLabels).toEqual(summary.topLabels);
    expect(data.samplePages).toEqual(summary.samplePages);
    expect(data.adjustments.map((a) => [a.t, a.old, a.new])).toEqual([
      [300, 3, 4],
      [400, 4, 2],
    ]);
    expect(data.cache.hitRate).toBeCloseTo(0.2);
  });
});

describe('renderReport', () => {
  const { recorder, summary } = recordedRun();
  const data = recorder.report(summary, { command: 'replay' });
  const html = renderReport(data);
  const count = (pattern: RegExp) => html.match(pattern)?.length ?? 0;

  it('draws one mark per 429, retry, fallback and breaker change', () => {
    expect(count(/class="mark mark-rate_limit"/g)).toBe(3);
    expect(count(/class="mark mark-retry"/g)).toBe(4);
    expect(count(/class="mark mark-fallback"/g)).toBe(1);
    expect(count(/class="mark mark-breaker"/g)).toBe(1);
  });

  it('draws the limit as a step line through every recorded value, with the pause shaded', () => {
    expect(html).toMatch(/class="limit-line" d="M[^"]+" data-points="4"/);
    expect(count(/class="pause"/g)).toBe(1);
    expect(html).toContain('paused 1 s for a retry hint');
  });

  it('carries the run’s data as JSON and shows its numbers', () => {
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1];
    expect(JSON.parse(json ?? 'null')).toEqual(JSON.parse(JSON.stringify(data)));
    expect(count(/class="call-bar"/g)).toBe(4); // gemini: ok, 429, other; openai: ok
    expect(html).toContain('data-kind="429" data-value="3"');
    expect(count(/class="bar"/g)).toBe(5 + data.throughput.counts.length); // batch sizes 1‥5, throughput bars
    expect(html).toContain('20.0%'); // cache hit rate
    expect(html).toContain('$0.00032'); // cost
    expect(html).toContain('1,400'); // input tokens
    expect(html).toContain('rate_limit_error_429');
    // The quota learnt, this instance's share and the instances on the key.
    expect(html).toContain(
      '<tr><td>gemini</td><td>60 s</td><td>30</td><td>—</td><td>sliding</td><td>0.5</td><td>2</td></tr>',
    );
  });

  it('is self-contained: nothing is fetched from anywhere', () => {
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it('escapes what it shows and cannot be broken out of by the data', () => {
    const hostile = renderReport({
      ...data,
      title: '<b>x</b>',
      marks: [{ t: 1, kind: 'fallback', label: '</script><script>alert(1)</script>' }],
    });
    expect(hostile).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(hostile).not.toContain('</script><script>alert(1)');
  });
});

describe('rebin and percentiles', () => {
  it('sums 100 ms counts into at most the given number of round-width bars', () => {
    expect(rebin([1, 2, 3], 100, 60)).toEqual({ bucketMs: 100, counts: [1, 2, 3] });
    const long = Array.from({ length: 250 }, () => 1);
    expect(rebin(long, 100, 60)).toEqual({ bucketMs: 500, counts: Array.from({ length: 50 }, () => 5) });
    expect(
      rebin(
        Array.from({ length: 6001 }, () => 1),
        100,
        60,
      ).bucketMs,
    ).toBe(20_000);
  });
});
