/**
 * What the simulator sends back, decided before anything is written: the HTTP layer only waits
 * `delayMs` (0 = at once, with no timer; Infinity = never, the request hangs until the client leaves)
 * and writes. `admitted` responses hold a concurrency slot until they are over.
 */
export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  delayMs: number;
  admitted: boolean;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function jsonResponse(
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
  delayMs = 0,
  admitted = false,
): SimResponse {
  return {
    status,
    headers: { 'content-type': JSON_CONTENT_TYPE, ...headers },
    body: JSON.stringify(payload),
    delayMs,
    admitted,
  };
}

/** Wraps answer text in a Markdown fence, as models do when no JSON output was requested. */
export function fenced(text: string, finish: 'stop' | 'length'): string {
  return finish === 'length' ? `\`\`\`json\n${text}` : `\`\`\`json\n${text}\n\`\`\``;
}
