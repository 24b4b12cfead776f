import { TagspaceError } from '../model/errors.js';
import type { PageEvent } from '../model/page-event.js';
import { logger } from '../telemetry/log.js';
import type { ConfluenceApi } from './confluence-api.js';
import { crawlSpace } from './crawl-space.js';
import { sameCheckpoint, type SpaceCheckpoint } from './follow-checkpoint.js';
import { pollSpace } from './space-follower.js';

const log = logger('ingest');

/**
 * `tagspace ingest` without its edges (the caller has proven the credentials): crawl each space (page_snapshot), unless following and a
 * checkpoint says where the space was left; then, when following, poll every space each
 * `pollIntervalMs` (space-follower.ts) until the signal aborts. Events are handed to the sink and
 * acknowledged before the checkpoint that covers them is saved.
 */
export interface EventSink {
  /** Resolves once the events are durable (Kafka acknowledged them, the file has them). */
  send(events: readonly PageEvent[]): Promise<void>;
}

export interface CheckpointStore {
  load(spaceKey: string): Promise<SpaceCheckpoint | undefined>;
  save(checkpoint: SpaceCheckpoint): Promise<void>;
}

export interface IngestOptions {
  spaces: readonly string[];
  follow: boolean;
  pollIntervalMs: number;
  timeZone: string;
  /** How far back each poll reaches before the checkpoint. */
  lagMs: number;
  /** Every how many polls purged and restored pages are looked for. */
  reconcileEvery: number;
  signal: AbortSignal;
  /** Told how many pages a crawl expects and how many it has read. */
  progress?: { setTotal(n: number): void; add(n: number): void };
  /** Called once every space is crawled (or resumed), before following starts. */
  onCrawled?: () => void;
  /** Where to count (read live by /metrics); a fresh record otherwise. */
  counts?: IngestCounts;
  now?: () => number;
}

export interface IngestCounts {
  snapshots: number;
  created: number;
  updated: number;
  removed: number;
  polls: number;
  /** Polls of a space that failed after the client's retries (tried again next interval). */
  failedPolls: number;
  /** Spaces resumed from a checkpoint instead of crawled. */
  resumed: number;
}

export function newIngestCounts(): IngestCounts {
  return { snapshots: 0, created: 0, updated: 0, removed: 0, polls: 0, failedPolls: 0, resumed: 0 };
}

export async function runIngest(
  ports: { api: ConfluenceApi; sink: EventSink; checkpoints?: CheckpointStore },
  opts: IngestOptions,
): Promise<IngestCounts> {
  const { api, sink, checkpoints } = ports;
  const { signal } = opts;
  const counts = opts.counts ?? newIngestCounts();

  const followed: SpaceCheckpoint[] = [];
  let expected = 0;
  for (const spaceKey of opts.spaces) {
    const stored = opts.follow ? await checkpoints?.load(spaceKey) : undefined;
    if (stored !== undefined) {
      counts.resumed++;
      log.info(
        { space: spaceKey, since: new Date(stored.since).toISOString(), pages: stored.versions.size },
        'resuming from checkpoint',
      );
      followed.push(stored);
      continue;
    }
    const started = Date.now();
    const cp = await crawlSpace(api, spaceKey, {
      emit: async (events) => {
        await sink.send(events);
        counts.snapshots += events.length;
        opts.progress?.add(events.length);
      },
      onTotal: (n) => opts.progress?.setTotal((expected += n)),
      signal,
      ...(opts.now && { now: opts.now }),
    });
    await checkpoints?.save(cp);
    log.info({ space: spaceKey, pages: cp.versions.size, durationMs: Date.now() - started }, 'space crawled');
    followed.push(cp);
  }
  opts.onCrawled?.();
  if (!opts.follow) return counts;

  for (let poll = 1; !signal.aborted; poll++) {
    await pause(opts.pollIntervalMs, signal);
    if (signal.aborted) break;
    for (let i = 0; i < followed.length; i++) {
      const cp = followed[i] as SpaceCheckpoint;
      const result = await pollOnce(api, cp, { ...opts, reconcile: poll % opts.reconcileEvery === 0 });
      if (result === undefined) break;
      if (result === FAILED) {
        counts.failedPolls++;
        continue;
      }
      if (result.events.length > 0) await sink.send(result.events);
      for (const e of result.events) {
        if (e.type === 'page_removed') counts.removed++;
        else if (e.type === 'page_created') counts.created++;
        else counts.updated++;
      }
      if (!sameCheckpoint(cp, result.checkpoint)) await checkpoints?.save(result.checkpoint);
      followed[i] = result.checkpoint;
      log.debug({ space: cp.spaceKey, poll, events: result.events.length }, 'space polled');
      if (result.events.length > 0) {
        log.info(
          {
            space: cp.spaceKey,
            events: result.events.length,
            since: new Date(result.checkpoint.since).toISOString(),
          },
          'changes ingested',
        );
      }
    }
    counts.polls++;
  }
  return counts;
}

const FAILED = Symbol('poll failed');

/**
 * One poll; undefined when it was cut short by the signal (nothing of it is emitted), FAILED when
 * Confluence did not answer it after the client's retries (the checkpoint stays where it was).
 */
async function pollOnce(
  api: ConfluenceApi,
  cp: SpaceCheckpoint,
  opts: IngestOptions & { reconcile: boolean },
): Promise<Awaited<ReturnType<typeof pollSpace>> | typeof FAILED | undefined> {
  try {
    return await pollSpace(api, cp, {
      timeZone: opts.timeZone,
      lagMs: opts.lagMs,
      reconcile: opts.reconcile,
      signal: opts.signal,
    });
  } catch (err) {
    if (opts.signal.aborted) return undefined;
    // A poll that failed after its retries is tried again next time; only bad credentials end it.
    if (err instanceof TagspaceError && (err.kind === 'auth' || err.kind === 'internal')) throw err;
    log.warn({ space: cp.spaceKey, err: (err as Error).message }, 'poll failed; trying again next interval');
    return FAILED;
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
