import { concurrencyChart, MARK_STYLE } from './concurrency-chart.js';
import type { Percentiles, RunReportData } from './report-data.js';
import { REPORT_SCRIPT } from './report-script.js';
import { REPORT_CSS } from './report-style.js';
import { batchSizeChart, cacheRing, providerCallsChart, throughputChart } from './small-charts.js';
import { count, duration, esc, percent, usd } from './svg.js';

/**
 * The run report: one self-contained HTML page (inline CSS, SVG and script; nothing fetched), so
 * it opens from a file, a CI artefact or an e-mail attachment. The run's data ride along as JSON
 * in `<script type="application/json" id="report-data">`.
 */
export function renderReport(data: RunReportData): string {
  const t = data.totals;
  const kpis = [
    kpi(
      'events',
      count(t.events),
      `${count(t.tagged)} tagged · ${count(t.cached)} cached · ${count(t.skipped)} skipped · ${count(t.tombstones)} removed · ${count(t.dlq)} dead-lettered`,
      t.dlq > 0 ? 'bad' : undefined,
    ),
    kpi(
      'duration',
      duration(data.durationMs),
      `${rate(t.events, data.durationMs)} events/s · ${t.pagesExact ? '' : '≈'}${count(t.pages)} pages`,
    ),
    kpi('LLM calls', count(t.llmCalls), `${count(t.batches)} batches`),
    kpi(
      '429s',
      count(t.rateLimitErrors),
      `${percent(t.rateLimitErrors, t.llmCalls)} of calls`,
      t.rateLimitErrors > 0 ? 'bad' : 'good',
    ),
    kpi(
      'fallbacks',
      count(t.fallbackSwitches),
      `${percent(t.fallbackSwitches, t.llmCalls)} of calls · ${count(t.retries)} retries`,
    ),
    kpi('spills', count(t.spills), `${percent(t.spills, t.llmCalls)} of calls, to the idle provider`),
    kpi(
      'cache hit rate',
      `${(data.cache.hitRate * 100).toFixed(1)}%`,
      `${count(data.cache.hits)} hits / ${count(data.cache.misses)} misses`,
    ),
    kpi('cost', usd(t.costUsd), `${count(t.inputTokens)} in / ${count(t.outputTokens)} out tokens`),
    kpi(
      'edit → tag p50',
      data.editToTagMs === undefined ? '—' : duration(data.editToTagMs.p50),
      data.editToTagMs === undefined
        ? 'nothing tagged'
        : `p95 ${duration(data.editToTagMs.p95)} · p99 ${duration(data.editToTagMs.p99)}`,
    ),
  ];
  const legend = [
    `<span class="line" style="--c:#2563eb">concurrency limit</span>`,
    `<span style="--c:#99f6e4">batches in flight</span>`,
    `<span style="--c:#cbd5e1">paused (retry hint)</span>`,
    ...Object.values(MARK_STYLE).map((s) => `<span style="--c:${s.colour}">${esc(s.lane)}</span>`),
  ];
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(data.title)} — run report</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header>
<h1>${esc(data.title)} — run report</h1>
<p>started <time datetime="${esc(data.startedAt)}">${esc(data.startedAt)}</time> · ran ${duration(data.durationMs)} · ${count(t.events)} events</p>
</header>
<div class="kpis">${kpis.join('')}</div>
<section class="card">
<h2>Concurrency limit over time</h2>
<p class="note">The limit the LLM stage dispatched at (it follows call outcomes), the batches at the providers under it, and every 429, retry, fallback, spill and breaker change on the same time axis. Hover for values.</p>
<div class="legend-row">${legend.join('')}</div>
${concurrencyChart(data)}
</section>
<div class="grid2">
<section class="card"><h2>Calls per provider</h2><p class="note">Every call, retries included.</p>${providerCallsChart(data)}</section>
<section class="card"><h2>Cache</h2><p class="note">Lookups answered without an LLM call (stale, duplicate or same content).</p>
<div class="cache">${cacheRing(data)}<table id="cache-table"><tr><td>hits</td><td>${count(data.cache.hits)}</td></tr><tr><td>misses</td><td>${count(data.cache.misses)}</td></tr><tr><td>entries</td><td>${count(data.cache.size)} / ${count(data.cache.maxSize)}</td></tr></table></div></section>
<section class="card"><h2>Batch sizes</h2><p class="note">Pages per batch sent to the router.</p>${batchSizeChart(data)}</section>
<section class="card"><h2>Events written over time</h2><p class="note">Outcomes made durable (TagRecords, skips, tombstones, dead letters).</p>${throughputChart(data)}</section>
<section class="card"><h2>Tags</h2><p class="note">The labels this run wrote most, and the first pages it tagged.</p>${tagsSection(data)}</section>
<section class="card"><h2>Latency</h2><p class="note">Provider-reported latency of answered calls; edit-to-tag from receipt to TagRecord written.</p>${latencyTable(data)}</section>
<section class="card"><h2>Quotas</h2><p class="note">Each provider's quota as learnt from its 429s (or from an instance sharing its key), and this instance's share of the key.</p>${quotaTable(data)}</section>
<section class="card"><h2>Tokens and cost</h2><p class="note">Per provider and model, from the providers' usage reports and the price table.</p>${costTable(data)}</section>
</div>
<section class="card"><h2>Concurrency changes</h2><p class="note">Each change of a provider's controller, with its reason.</p>${adjustmentsTable(data)}</section>
<footer>tagspace run report · ${esc(data.command)} · generated from the run's own events</footer>
</main>
<div id="tooltip"></div>
<script type="application/json" id="report-data">${json}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

function kpi(label: string, value: string, sub: string, tone?: 'good' | 'bad'): string {
  return `<div class="kpi${tone === undefined ? '' : ` ${tone}`}"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div><div class="sub">${esc(sub)}</div></div>`;
}

function rate(n: number, ms: number): string {
  return ms <= 0 ? '0' : (n / (ms / 1000)).toFixed(1);
}

function ms(p: Percentiles | undefined, key: keyof Percentiles): string {
  const v = p?.[key];
  return v === undefined ? '—' : duration(v);
}

function latencyTable(data: RunReportData): string {
  const rows = data.providers.map(
    (p) =>
      `<tr><td>${esc(p.provider)} <span class="muted">${esc(p.model)}</span></td><td>${ms(p.latencyMs, 'p50')}</td><td>${ms(p.latencyMs, 'p95')}</td><td>${ms(p.latencyMs, 'p99')}</td><td>${ms(p.latencyMs, 'max')}</td></tr>`,
  );
  const e = data.editToTagMs;
  rows.push(
    `<tr><td>edit → tag</td><td>${ms(e, 'p50')}</td><td>${ms(e, 'p95')}</td><td>${ms(e, 'p99')}</td><td>${ms(e, 'max')}</td></tr>`,
  );
  return `<table id="latency-table"><tr><th></th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>${rows.join('')}</table>`;
}

function tagsSection(data: RunReportData): string {
  if (data.topLabels.length === 0) return '<p class="note">No page was tagged in this run.</p>';
  const labels = data.topLabels.map((l) => `<tr><td>${esc(l.label)}</td><td>${count(l.count)}</td></tr>`);
  const pages = data.samplePages.map(
    (p) =>
      `<tr><td>${esc(p.pageId)} <span class="muted">v${p.version}</span></td><td>${p.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join(' ')}</td><td>${esc(p.by)}</td></tr>`,
  );
  return `<table id="labels-table"><tr><th>label</th><th>pages</th></tr>${labels.join('')}</table><table id="pages-table"><tr><th>page</th><th>tags</th><th>by</th></tr>${pages.join('')}</table>`;
}

function quotaTable(data: RunReportData): string {
  if (data.quotas.length === 0) return '<p class="note">No provider was usable.</p>';
  const known = (v: number | string | undefined, text: (x: number | string) => string) =>
    v === undefined ? '—' : text(v);
  const rows = data.quotas.map(
    (q) =>
      `<tr><td>${esc(q.provider)}</td><td>${known(q.window_ms, (w) => `${Number(w) / 1000} s`)}</td><td>${known(q.requests, (r) => count(Number(r)))}</td><td>${known(q.tokens, (t) => count(Number(t)))}</td><td>${known(q.shape, (x) => esc(String(x)))}</td><td>${q.share}</td><td>${q.instances}</td></tr>`,
  );
  return `<table id="quota-table"><tr><th></th><th>window</th><th>requests</th><th>tokens</th><th>shape</th><th>this instance's share</th><th>instances on the key</th></tr>${rows.join('')}</table>`;
}

function costTable(data: RunReportData): string {
  const rows = data.providers.map(
    (p) =>
      `<tr><td>${esc(p.provider)} · ${esc(p.model)}</td><td>${count(p.calls)}</td><td>${count(p.inputTokens)}</td><td>${count(p.outputTokens)}</td><td>${usd(p.costUsd)}</td></tr>`,
  );
  const t = data.totals;
  rows.push(
    `<tr><th>total</th><th>${count(t.llmCalls)}</th><th>${count(t.inputTokens)}</th><th>${count(t.outputTokens)}</th><th>${usd(t.costUsd)}</th></tr>`,
  );
  return `<table id="cost-table"><tr><th></th><th>calls</th><th>input tokens</th><th>output tokens</th><th>cost</th></tr>${rows.join('')}</table>`;
}

function adjustmentsTable(data: RunReportData): string {
  if (data.adjustments.length === 0) return '<p class="note">The limit never changed.</p>';
  const shown = data.adjustments.slice(0, 500);
  const rows = shown.map(
    (a) =>
      `<tr><td>${(a.t / 1000).toFixed(2)} s</td><td>${esc(a.provider)}</td><td>${a.old} → ${a.new}</td><td>${esc(a.reason)}</td></tr>`,
  );
  const more =
    data.adjustments.length > shown.length
      ? `<p class="note">…and ${data.adjustments.length - shown.length} more.</p>`
      : '';
  return `<div class="scroll"><table id="adjustments-table"><tr><th>at</th><th>provider</th><th>limit</th><th>reason</th></tr>${rows.join('')}</table></div>${more}`;
}
