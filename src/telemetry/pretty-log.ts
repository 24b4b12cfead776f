import { writeSync } from 'node:fs';

/**
 * Human-friendly log lines for a terminal. pino writes one JSON object per line; on a TTY each is
 * rewritten as
 *
 *   HH:MM:SS.mmm LEVEL [component] message  key=value key=value …
 *
 * with the level coloured, strings quoted only when they hold spaces, objects as compact JSON.
 * Anything that is not a JSON object passes through unchanged, so nothing is ever lost.
 */
const LEVEL_STYLE: Record<string, { label: string; colour: string }> = {
  trace: { label: 'TRACE', colour: '90' },
  debug: { label: 'DEBUG', colour: '36' },
  info: { label: 'INFO ', colour: '32' },
  warn: { label: 'WARN ', colour: '33' },
  error: { label: 'ERROR', colour: '31' },
  fatal: { label: 'FATAL', colour: '35' },
};

export interface PrettyOptions {
  colour: boolean;
}

export function prettyLogLine(line: string, { colour }: PrettyOptions): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return line;
  const { time, level, component, msg, ...fields } = entry as Record<string, unknown>;
  const paint = (code: string, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const style = LEVEL_STYLE[String(level)] ?? { label: String(level ?? '').toUpperCase(), colour: '0' };
  const parts = [
    paint('90', clock(time)),
    paint(style.colour, style.label),
    ...(component === undefined ? [] : [paint('1', `[${String(component)}]`)]),
    msg === undefined ? '' : String(msg),
  ];
  const rest = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${paint('90', `${k}=`)}${formatValue(v)}`);
  return `${parts.join(' ')}${rest.length > 0 ? `  ${rest.join(' ')}` : ''}`;
}

function clock(time: unknown): string {
  if (typeof time !== 'string' && typeof time !== 'number') return '--:--:--.---';
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return String(time);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return JSON.stringify(v);
}

/** A pino destination that writes pretty lines synchronously to a file descriptor (stderr: 2). */
export function prettyDestination(fd: number, opts: PrettyOptions): { write(chunk: string): void } {
  return {
    write(chunk: string) {
      const lines = chunk.split('\n').filter((l) => l !== '');
      // Clears the line first: the progress line (progress.ts) is redrawn in place on a terminal.
      for (const l of lines) writeSync(fd, `\r\x1b[2K${prettyLogLine(l, opts)}\n`);
    },
  };
}
