import { describe, expect, it } from 'vitest';
import { FETCH_BLOCKED_PORTS } from '../../src/cli/fetch-blocked-ports.js';

/** What Node's fetch says when asked for 127.0.0.1:port: 'bad port', or how else it failed. */
async function fetchFailure(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return 'answered';
  } catch (err) {
    const cause = (err as { cause?: { message?: string; code?: string } }).cause;
    return cause?.message === 'bad port' ? 'bad port' : (cause?.code ?? String(err));
  }
}

describe('the ports fetch refuses', () => {
  it('are exactly the listed ones: from port 1 to one past the highest listed, fetch refuses those and no other', async () => {
    const highest = Math.max(...FETCH_BLOCKED_PORTS);
    const refused: number[] = [];
    for (let from = 1; from <= highest + 1; from += 500) {
      const ports = Array.from({ length: 500 }, (_, i) => from + i).filter((p) => p <= highest + 1);
      const failures = await Promise.all(ports.map(fetchFailure));
      ports.forEach((p, i) => failures[i] === 'bad port' && refused.push(p));
    }
    expect(refused).toEqual([...FETCH_BLOCKED_PORTS]);
  });
});
