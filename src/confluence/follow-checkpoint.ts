/**
 * The follower's checkpoint of one space, kept keyed on a compacted Kafka topic so a restarted
 * follower resumes where it left off:
 *
 *   since     the newest `lastmodified` seen (ms): the next poll asks CQL for pages modified at or
 *             after minute(since − lag) (cql.ts), overlapping on purpose
 *   versions  pageId → the last version emitted, for every page of the space tagspace knows:
 *             a hit at or below it is dropped (the overlap is absorbed here, not downstream); a
 *             known page found trashed or gone is emitted once as page_removed and forgotten
 *
 * Events are produced before the checkpoint that covers them, so a crash in between repeats a
 * few events (the pipeline's dedupe drops them) and never loses one.
 */
export interface SpaceCheckpoint {
  spaceKey: string;
  spaceId: string;
  since: number;
  versions: Map<string, number>;
}

/** The checkpoint's key: one per site, space and events topic (two topics fed from one space do not share one). */
export function checkpointKey(wikiRoot: string, spaceKey: string, topic: string): string {
  return `${wikiRoot}|${spaceKey}|${topic}`;
}

export function encodeCheckpoint(cp: SpaceCheckpoint): string {
  return JSON.stringify({
    v: 1,
    spaceKey: cp.spaceKey,
    spaceId: cp.spaceId,
    since: new Date(cp.since).toISOString(),
    versions: Object.fromEntries(cp.versions),
  });
}

/** Parses a stored checkpoint; undefined when it is not one this version of tagspace wrote. */
export function decodeCheckpoint(text: string): SpaceCheckpoint | undefined {
  try {
    const v = JSON.parse(text) as {
      v?: unknown;
      spaceKey?: unknown;
      spaceId?: unknown;
      since?: unknown;
      versions?: unknown;
    };
    if (v.v !== 1 || typeof v.spaceKey !== 'string' || typeof v.spaceId !== 'string') return undefined;
    const since = typeof v.since === 'string' ? Date.parse(v.since) : NaN;
    if (!Number.isFinite(since) || typeof v.versions !== 'object' || v.versions === null) return undefined;
    const versions = new Map<string, number>();
    for (const [id, n] of Object.entries(v.versions as Record<string, unknown>)) {
      if (typeof n === 'number' && Number.isInteger(n) && n > 0) versions.set(id, n);
    }
    return { spaceKey: v.spaceKey, spaceId: v.spaceId, since, versions };
  } catch {
    return undefined;
  }
}

/** True when `version` of the page was not emitted yet. */
export function isNewVersion(cp: SpaceCheckpoint, pageId: string, version: number): boolean {
  return version > (cp.versions.get(pageId) ?? 0);
}

/** The checkpoint after a poll: what was emitted, what left, and the newest modification seen. */
export function advanceCheckpoint(
  cp: SpaceCheckpoint,
  change: {
    emitted: ReadonlyMap<string, number>;
    removed: Iterable<string>;
    newestModified: number | undefined;
  },
): SpaceCheckpoint {
  const versions = new Map(cp.versions);
  for (const [id, version] of change.emitted) versions.set(id, Math.max(version, versions.get(id) ?? 0));
  for (const id of change.removed) versions.delete(id);
  const since = Math.max(cp.since, change.newestModified ?? cp.since);
  return { ...cp, since, versions };
}

/** True when the two checkpoints say the same (no need to write the second). */
export function sameCheckpoint(a: SpaceCheckpoint, b: SpaceCheckpoint): boolean {
  if (a.since !== b.since || a.versions.size !== b.versions.size || a.spaceId !== b.spaceId) return false;
  for (const [id, v] of a.versions) if (b.versions.get(id) !== v) return false;
  return true;
}
