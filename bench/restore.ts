/**
 * bench/restore — how fast the tag cache is rebuilt from the tags topic's records, against the
 * ceiling of writing the same records into a bare Map (what any index must at least do).
 *
 *   npx tsx bench/restore.ts [--records 100000,1000000] [--cache-size 1000]
 *
 * Prints, per size, both times and their ratio (tag cache ÷ Map).
 */
import { parseArgs } from 'node:util';
import { TagCache } from '../src/pipeline/tag-cache.js';
import type { TagRecord } from '../src/model/tag-record.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '100000,1000000' },
    'cache-size': { type: 'string', default: '1000' },
  },
});
const sizes = values.records.split(',').map(Number);
const maxSize = Number(values['cache-size']);

function records(n: number): TagRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    pageId: `p${i}`,
    spaceKey: 'ENG',
    version: 1 + (i % 7),
    contentHash: `h${i}`,
    tags: ['kafka', 'runbook'],
    provider: 'gemini',
    model: 'gemini-2.0-flash',
    promptVersion: 'p1',
    cached: false,
    taggedAt: '2026-12-04T00:00:00.000Z',
  }));
}

function time(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

console.log('records     tag cache ms   bare Map ms   ratio');
for (const n of sizes) {
  const input = records(n);
  const cacheMs = time(() => {
    const cache = new TagCache({ enabled: true, maxSize });
    for (const r of input) cache.restore(r);
  });
  const mapMs = time(() => {
    const map = new Map<string, { version: number; contentHash: string }>();
    for (const r of input) map.set(r.pageId, { version: r.version, contentHash: r.contentHash });
  });
  console.log(
    `${String(n).padStart(9)}   ${cacheMs.toFixed(0).padStart(12)}   ${mapMs.toFixed(0).padStart(11)}   ${(cacheMs / mapMs).toFixed(1).padStart(5)}`,
  );
}
