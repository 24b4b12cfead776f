import type { Mark, MarkKind, RunReportData, SeriesPoint } from './report-data.js';
import { esc, fmt, linear, niceTicks, stepPath } from './svg.js';

export const MARK_STYLE: Record<MarkKind, { colour: string; lane: string }> = {
  rate_limit: { colour: '#dc2626', lane: '429s' },
  retry: { colour: '#d97706', lane: 'retries' },
  fallback: { colour: '#7c3aed', lane: 'fallbacks' },
  spill: { colour: '#0891b2', lane: 'spills' },
  breaker: { colour: '#334155', lane: 'breaker' },
};
const LANES: MarkKind[] = ['rate_limit', 'retry', 'fallback', 'spill', 'breaker'];

const W = 1180;
const M = { left: 96, right: 20, top: 14 };
const PLOT_H = 250;
const LANE_H = 22;
const AXIS_H = 34;

/**
 * The concurrency limit of the LLM stage over the run (a step line; grey bands where it was 0,
 * dispatch paused for a retry hint), the batches in flight under it (a filled step area), and one
 * lane per kind of mark below, on the same time axis: 429s, retries, fallbacks, spills, breaker
 * changes.
 * Each mark is one element of class `mark mark-<kind>` with a tooltip.
 */
export function concurrencyChart(data: RunReportData): string {
  const end = Math.max(data.durationMs, lastT(data.limit), lastT(data.inFlight), 1);
  const maxY = Math.max(1, ...data.limit.map((p) => p.v), ...data.inFlight.map((p) => p.v));
  const ticksY = niceTicks(maxY, 5, true);
  const topY = ticksY[ticksY.length - 1] ?? maxY;
  const x = linear(0, end, M.left, W - M.right);
  const y = linear(0, topY, M.top + PLOT_H, M.top);
  const lanesTop = M.top + PLOT_H + 12;
  const height = lanesTop + LANES.length * LANE_H + AXIS_H;
  const plotBottom = M.top + PLOT_H;

  const parts: string[] = [];
  // Grid and y axis.
  for (const v of ticksY) {
    parts.push(
      `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}"/>`,
      `<text class="tick" x="${M.left - 8}" y="${fmt(y(v) + 4)}" text-anchor="end">${v}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" transform="translate(${M.left - 40} ${M.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">calls at once</text>`,
  );
  // Pauses: where the limit was 0.
  data.limit.forEach((p, i) => {
    if (p.v !== 0) return;
    const until = data.limit[i + 1]?.t ?? end;
    parts.push(
      `<rect class="pause" x="${fmt(x(p.t))}" y="${M.top}" width="${fmt(Math.max(1, x(until) - x(p.t)))}" height="${PLOT_H}"><title>paused ${fmt((until - p.t) / 1000)} s for a retry hint</title></rect>`,
    );
  });
  // In flight (area) and the limit (line).
  const flight = data.inFlight.map((p) => ({ x: x(p.t), y: y(p.v) }));
  if (flight.length > 0) {
    const line = stepPath(flight, x(end));
    parts.push(
      `<path class="inflight-area" d="${line}V${fmt(plotBottom)}H${fmt(x(data.inFlight[0]?.t ?? 0))}Z"/>`,
      `<path class="inflight-line" d="${line}" data-points="${data.inFlight.length}"/>`,
    );
  }
  if (data.limit.length > 0) {
    parts.push(
      `<path class="limit-line" d="${stepPath(
        data.limit.map((p) => ({ x: x(p.t), y: y(p.v) })),
        x(end),
      )}" data-points="${data.limit.length}"/>`,
    );
  }
  // Breaker changes cross the plot as dashed lines.
  for (const m of data.marks.filter((mk) => mk.kind === 'breaker')) {
    parts.push(
      `<line class="breaker-line" x1="${fmt(x(m.t))}" x2="${fmt(x(m.t))}" y1="${M.top}" y2="${plotBottom}"/>`,
    );
  }
  // Lanes of marks.
  LANES.forEach((kind, i) => {
    const cy = lanesTop + i * LANE_H + LANE_H / 2;
    const marks = data.marks.filter((m) => m.kind === kind);
    parts.push(
      `<line class="lane" x1="${M.left}" x2="${W - M.right}" y1="${cy}" y2="${cy}"/>`,
      `<text class="lane-label" x="${M.left - 8}" y="${cy + 4}" text-anchor="end" fill="${MARK_STYLE[kind].colour}">${MARK_STYLE[kind].lane} ${marks.length}</text>`,
    );
    for (const m of marks) parts.push(markShape(m, x(m.t), cy));
  });
  // Time axis.
  const axisY = lanesTop + LANES.length * LANE_H + 4;
  for (const s of niceTicks(end / 1000, 10)) {
    const px = x(s * 1000);
    if (px > W - M.right + 0.5) continue;
    parts.push(
      `<line class="tick-mark" x1="${fmt(px)}" x2="${fmt(px)}" y1="${axisY}" y2="${axisY + 5}"/>`,
      `<text class="tick" x="${fmt(px)}" y="${axisY + 18}" text-anchor="middle">${s} s</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${plotBottom}" y2="${plotBottom}"/>`,
    `<g class="hover" visibility="hidden"><line class="hover-line" y1="${M.top}" y2="${plotBottom}"/></g>`,
    `<rect class="hover-area" x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${PLOT_H}" data-end="${end}"/>`,
  );
  return `<svg class="chart" id="concurrency-chart" viewBox="0 0 ${W} ${height}" role="img" aria-label="concurrency limit over time">${parts.join('')}</svg>`;
}

function markShape(m: Mark, px: number, cy: number): string {
  const title = `<title>${esc(`${(m.t / 1000).toFixed(2)} s — ${m.label}`)}</title>`;
  const colour = MARK_STYLE[m.kind].colour;
  const cls = `mark mark-${m.kind}`;
  const X = fmt(px);
  switch (m.kind) {
    case 'rate_limit':
      return `<path class="${cls}" fill="${colour}" d="M${fmt(px - 5)},${cy - 5}L${fmt(px + 5)},${cy - 5}L${X},${cy + 5}Z">${title}</path>`;
    case 'retry':
      return `<circle class="${cls}" fill="${colour}" cx="${X}" cy="${cy}" r="4">${title}</circle>`;
    case 'fallback':
      return `<path class="${cls}" fill="${colour}" d="M${X},${cy - 6}L${fmt(px + 6)},${cy}L${X},${cy + 6}L${fmt(px - 6)},${cy}Z">${title}</path>`;
    case 'spill':
      return `<path class="${cls}" fill="${colour}" d="M${fmt(px - 5)},${cy + 5}L${fmt(px + 5)},${cy + 5}L${X},${cy - 5}Z">${title}</path>`;
    case 'breaker':
      return `<rect class="${cls}" fill="${colour}" x="${fmt(px - 4)}" y="${cy - 4}" width="8" height="8">${title}</rect>`;
  }
}

function lastT(series: readonly SeriesPoint[]): number {
  return series[series.length - 1]?.t ?? 0;
}
