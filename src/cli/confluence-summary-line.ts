import type { HttpStats } from '../confluence/confluence-http.js';
import type { LearntQuota } from '../router/pacing/pacer.js';

/**
 * The summary's Confluence line: what was asked of the site, and, once its 429s showed one, the
 * limit the controller paced to (Atlassian publishes none, so a team learns here what its site
 * allows):
 *
 *   Confluence: 598 requests, 5 rate-limited (429), 0 5xx, 5 retries · paced to 100 requests / 10.8 s (sliding), as its 429s showed
 */
export function confluenceSummaryLine(stats: HttpStats, learnt: LearntQuota | undefined): string {
  const asked = `Confluence: ${stats.requests} requests, ${stats.rateLimited} rate-limited (429), ${stats.serverErrors} 5xx, ${stats.retries} retries`;
  if (learnt?.requests === undefined || learnt.windowMs === undefined) return asked;
  const seconds = Math.round(learnt.windowMs / 100) / 10;
  const shape = learnt.shape === undefined ? '' : ` (${learnt.shape})`;
  return `${asked} · paced to ${learnt.requests} requests / ${seconds} s${shape}, as its 429s showed`;
}
