import type { QuotaShare } from './quota-share.js';

/**
 * The key is shared now when a peer is live on it, or a peer's call is still in the window:
 *
 *   shared = instances(now) > 1  ∨  peersUsage(now, Ŵ).requests > 0     (Ŵ known)
 *
 * (a departed peer's calls hold the provider's window until they leave it).
 */
export function isShared(share: QuotaShare, now: number, windowMs: number | undefined): boolean {
  if (share.instances(now) > 1) return true;
  return windowMs !== undefined && share.peersUsage(now, windowMs).requests > 0;
}
