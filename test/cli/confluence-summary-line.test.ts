import { describe, expect, it } from 'vitest';
import { confluenceSummaryLine } from '../../src/cli/confluence-summary-line.js';

const stats = { requests: 598, rateLimited: 5, serverErrors: 0, retries: 5 };

describe('confluenceSummaryLine', () => {
  it('names the limit the site’s 429s showed, the window in tenths of a second', () => {
    expect(confluenceSummaryLine(stats, { windowMs: 10_757, requests: 100, shape: 'sliding' })).toBe(
      'Confluence: 598 requests, 5 rate-limited (429), 0 5xx, 5 retries · paced to 100 requests / 10.8 s (sliding), as its 429s showed',
    );
  });

  it('says only what was asked while no 429 has shown a limit, or only its window', () => {
    const asked = 'Confluence: 598 requests, 5 rate-limited (429), 0 5xx, 5 retries';
    expect(confluenceSummaryLine(stats, undefined)).toBe(asked);
    expect(confluenceSummaryLine(stats, { windowMs: 1_260 })).toBe(asked);
  });
});
