/** Small helpers for building SVG and HTML as strings (the report has no dependencies). */

export function esc(text: string | number): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A linear map from [d0, d1] to [r0, r1]; a zero-width domain maps to r0. */
export function linear(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const span = d1 - d0;
  return (x) => (span === 0 ? r0 : r0 + ((x - d0) / span) * (r1 - r0));
}

/**
 * Round tick values from 0 to at least `max`: steps of 1, 2 or 5 × 10^k, about `count` of them.
 *
 *   step = the smallest of {1, 2, 5}·10^k with max / step ≤ count
 */
export function niceTicks(max: number, count = 5, integer = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => max / s <= count) ?? 10 * power;
  if (integer) step = Math.max(1, Math.ceil(step));
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 1e-9; v += step) ticks.push(round(v));
  if ((ticks[ticks.length - 1] ?? 0) < max) ticks.push(round(ticks.length * step));
  return ticks;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** A step line through points (x, y): horizontal to each next x, then vertical. */
export function stepPath(points: readonly { x: number; y: number }[], endX: number): string {
  if (points.length === 0) return '';
  const [first] = points as [{ x: number; y: number }];
  let d = `M${fmt(first.x)},${fmt(first.y)}`;
  let y = first.y;
  for (const p of points.slice(1)) {
    d += `H${fmt(p.x)}V${fmt(p.y)}`;
    y = p.y;
  }
  return `${d}H${fmt(Math.max(endX, points[points.length - 1]?.x ?? endX))}V${fmt(y)}`;
}

export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** "1.2 s", "3 min 5 s", "850 ms". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** 12345 → "12,345". */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;
}

export function usd(n: number): string {
  if (n === 0) return '$0';
  return `$${n.toFixed(n < 0.01 ? 5 : n < 1 ? 4 : 2)}`;
}
