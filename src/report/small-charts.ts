import type { RunReportData } from './report-data.js';
import { count, esc, fmt, linear, niceTicks } from './svg.js';

const W = 560;

/** Vertical bars over a labelled x axis, y from 0; each bar has class `bar` and a tooltip. */
function bars(
  id: string,
  items: { label: string; value: number; title: string }[],
  opts: { yLabel: string; xLabel: string; colour: string; labelEvery?: number },
): string {
  const H = 240;
  const m = { left: 52, right: 12, top: 12, bottom: 44 };
  const max = Math.max(1, ...items.map((i) => i.value));
  const ticks = niceTicks(max, 4, true);
  const top = ticks[ticks.length - 1] ?? max;
  const y = linear(0, top, H - m.bottom, m.top);
  const slot = (W - m.left - m.right) / Math.max(1, items.length);
  const barW = Math.max(1, Math.min(48, slot * 0.8));
  const every = opts.labelEvery ?? Math.max(1, Math.ceil(items.length / 12));
  const parts: string[] = [];
  for (const v of ticks) {
    parts.push(
      `<line class="grid" x1="${m.left}" x2="${W - m.right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}"/>`,
      `<text class="tick" x="${m.left - 8}" y="${fmt(y(v) + 4)}" text-anchor="end">${count(v)}</text>`,
    );
  }
  items.forEach((item, i) => {
    const cx = m.left + slot * i + slot / 2;
    const h = y(0) - y(item.value);
    parts.push(
      `<rect class="bar" fill="${opts.colour}" x="${fmt(cx - barW / 2)}" y="${fmt(y(item.value))}" width="${fmt(barW)}" height="${fmt(h)}" data-value="${item.value}"><title>${esc(item.title)}</title></rect>`,
    );
    if (i % every === 0)
      parts.push(
        `<text class="tick" x="${fmt(cx)}" y="${H - m.bottom + 16}" text-anchor="middle">${esc(item.label)}</text>`,
      );
  });
  parts.push(
    `<line class="axis" x1="${m.left}" x2="${W - m.right}" y1="${fmt(y(0))}" y2="${fmt(y(0))}"/>`,
    `<text class="axis-label" x="${(W + m.left) / 2}" y="${H - 8}" text-anchor="middle">${esc(opts.xLabel)}</text>`,
    `<text class="axis-label" transform="translate(14 ${(H - m.bottom + m.top) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`,
  );
  return `<svg class="chart" id="${id}" viewBox="0 0 ${W} ${H}" role="img">${parts.join('')}</svg>`;
}

export function throughputChart(data: RunReportData): string {
  return bars(
    'throughput-chart',
    data.throughput.counts.map((n, i) => {
      const from = seconds(i * data.throughput.bucketMs);
      const to = seconds((i + 1) * data.throughput.bucketMs);
      return { label: from, value: n, title: `${from}–${to} s: ${n} events written` };
    }),
    {
      yLabel: 'events',
      xLabel: `seconds into the run (bars of ${seconds(data.throughput.bucketMs)} s)`,
      colour: '#0d9488',
    },
  );
}

function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

export function batchSizeChart(data: RunReportData): string {
  const maxSize = Math.max(1, ...data.batchSizes.map((b) => b.size));
  const bySize = new Map(data.batchSizes.map((b) => [b.size, b.count]));
  const items = Array.from({ length: maxSize }, (_, i) => {
    const n = bySize.get(i + 1) ?? 0;
    return { label: String(i + 1), value: n, title: `${n} batches of ${i + 1} page${i === 0 ? '' : 's'}` };
  });
  return bars('batch-size-chart', items, {
    yLabel: 'batches',
    xLabel: 'pages per batch',
    colour: '#2563eb',
    labelEvery: 1,
  });
}

/** One horizontal stacked bar per provider and model: ok, 429, other errors. */
export function providerCallsChart(data: RunReportData): string {
  const rowH = 34;
  const m = { left: 190, right: 70, top: 28 };
  const H = m.top + Math.max(1, data.providers.length) * rowH + 12;
  const max = Math.max(1, ...data.providers.map((p) => p.calls));
  const x = linear(0, max, m.left, W - m.right);
  const parts: string[] = [
    legendItem(m.left, 12, '#16a34a', 'answered'),
    legendItem(m.left + 100, 12, '#dc2626', '429'),
    legendItem(m.left + 160, 12, '#d97706', 'other errors'),
  ];
  if (data.providers.length === 0)
    parts.push(
      `<text class="empty" x="${W / 2}" y="${m.top + 20}" text-anchor="middle">no provider calls</text>`,
    );
  data.providers.forEach((p, i) => {
    const top = m.top + i * rowH;
    parts.push(
      `<text class="row-label" x="${m.left - 10}" y="${top + 15}" text-anchor="end">${esc(p.provider)}</text>`,
      `<text class="row-sub" x="${m.left - 10}" y="${top + 28}" text-anchor="end">${esc(p.model)}</text>`,
    );
    let from = 0;
    for (const [value, colour, what] of [
      [p.ok, '#16a34a', 'answered'],
      [p.rateLimited, '#dc2626', '429'],
      [p.otherErrors, '#d97706', 'other errors'],
    ] as const) {
      if (value > 0)
        parts.push(
          `<rect class="call-bar" data-provider="${esc(p.provider)}" data-kind="${what}" data-value="${value}" fill="${colour}" x="${fmt(x(from))}" y="${top + 4}" width="${fmt(x(from + value) - x(from))}" height="22"><title>${esc(`${p.provider}: ${value} ${what}`)}</title></rect>`,
        );
      from += value;
    }
    parts.push(`<text class="bar-value" x="${fmt(x(p.calls) + 6)}" y="${top + 20}">${count(p.calls)}</text>`);
  });
  return `<svg class="chart" id="provider-calls-chart" viewBox="0 0 ${W} ${H}" role="img">${parts.join('')}</svg>`;
}

function legendItem(x: number, y: number, colour: string, label: string): string {
  return `<rect x="${x}" y="${y - 9}" width="10" height="10" rx="2" fill="${colour}"/><text class="legend" x="${x + 15}" y="${y}">${esc(label)}</text>`;
}

/** The cache hit rate as a ring. */
export function cacheRing(data: RunReportData): string {
  const r = 52;
  const c = 2 * Math.PI * r;
  const rate = Math.min(1, Math.max(0, data.cache.hitRate));
  return `<svg class="ring" id="cache-ring" viewBox="0 0 140 140" role="img" aria-label="cache hit rate">
<circle cx="70" cy="70" r="${r}" fill="none" stroke="#e2e8f0" stroke-width="16"/>
<circle cx="70" cy="70" r="${r}" fill="none" stroke="#0d9488" stroke-width="16" stroke-dasharray="${fmt(rate * c)} ${fmt(c)}" transform="rotate(-90 70 70)"/>
<text x="70" y="76" text-anchor="middle" class="ring-value">${(rate * 100).toFixed(1)}%</text></svg>`;
}
