/** The report's stylesheet, inlined into the page (no fonts or files to fetch). */
export const REPORT_CSS = `
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --card: #ffffff; --bg: #f1f5f9; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 24px 48px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; color: var(--muted); }
.tag { display: inline-block; background: #eef2ff; color: #3730a3; border-radius: 999px; padding: 1px 8px; margin: 1px 2px; font-size: 12px; }
#labels-table { float: left; margin-right: 32px; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 20px 0; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.kpi .value { font-size: 26px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.kpi .sub { color: var(--muted); font-size: 12px; }
.kpi.bad .value { color: #dc2626; }
.kpi.good .value { color: #15803d; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin-top: 16px; }
section.card h2 { margin: 0 0 2px; font-size: 16px; }
section.card p.note { margin: 0 0 10px; color: var(--muted); font-size: 12.5px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.grid2 > section.card { margin-top: 16px; }
@media (max-width: 900px) { .grid2, .tag { display: inline-block; background: #eef2ff; color: #3730a3; border-radius: 999px; padding: 1px 8px; margin: 1px 2px; font-size: 12px; }
#labels-table { float: left; margin-right: 32px; }
.kpis { grid-template-columns: 1fr 1fr; } }
svg.chart { width: 100%; height: auto; display: block; font-size: 12px; }
svg .grid { stroke: var(--line); }
svg .axis, svg .tick-mark { stroke: #94a3b8; }
svg .tick, svg .legend, svg .row-sub { fill: var(--muted); }
svg .axis-label { fill: var(--muted); font-size: 12px; }
svg .lane { stroke: var(--line); stroke-dasharray: 2 3; }
svg .lane-label { font-size: 11.5px; font-weight: 600; }
svg .row-label { font-weight: 600; }
svg .bar-value { fill: var(--ink); font-variant-numeric: tabular-nums; }
svg .empty { fill: var(--muted); }
svg .limit-line { fill: none; stroke: #2563eb; stroke-width: 2.5; }
svg .inflight-area { fill: #14b8a6; opacity: .18; }
svg .inflight-line { fill: none; stroke: #0d9488; stroke-width: 1.2; }
svg .pause { fill: #94a3b8; opacity: .22; }
svg .breaker-line { stroke: #334155; stroke-dasharray: 4 3; }
svg .mark { stroke: #fff; stroke-width: .8; }
svg .hover-area { fill: transparent; cursor: crosshair; }
svg .hover-line { stroke: #0f172a; stroke-dasharray: 3 3; }
svg.ring { width: 140px; height: 140px; }
svg .ring-value { font-size: 22px; font-weight: 650; fill: var(--ink); }
.legend-row { display: flex; flex-wrap: wrap; gap: 16px; margin: 4px 0 8px; color: var(--muted); font-size: 12.5px; }
.legend-row span::before { content: ""; display: inline-block; width: 14px; height: 10px; margin-right: 6px; border-radius: 2px; background: var(--c); vertical-align: -1px; }
.legend-row span.line::before { height: 3px; vertical-align: 3px; }
.cache { display: flex; align-items: center; gap: 24px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th:first-child, td:first-child { text-align: left; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
.scroll { max-height: 260px; overflow: auto; }
#tooltip { position: fixed; pointer-events: none; background: #0f172a; color: #fff; padding: 6px 9px;
  border-radius: 6px; font-size: 12px; white-space: nowrap; display: none; z-index: 10; }
#adjustments-table td, #adjustments-table th { text-align: left; }
.muted { color: var(--muted); font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 20px; }
`;
