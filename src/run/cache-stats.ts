/** The tag cache's counts as a run reports them (pipeline/tag-cache.ts counts them). */
export interface CacheStats {
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0 before any lookup. */
  hitRate: number;
  size: number;
  maxSize: number;
}

/** "75.0%", as the origin document prints a hit rate. */
export function formatHitRate(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
