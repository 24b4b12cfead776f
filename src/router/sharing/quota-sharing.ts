import { logger, type Logger } from '../../telemetry/log.js';
import { KeyShare } from './key-share.js';
import { LONGEST_REPORT_MS, type QuotaShare } from './quota-share.js';
import { decodeShareRecord, encodeShareRecord, parseRecordKey, recordKey } from './share-record.js';

/**
 * This instance's side of quota sharing: one KeyShare per API key it calls with (known by the
 * key's fingerprint, key-fingerprint.ts), fed with what the coordination topic carries and asked
 * what to publish on it (the Kafka side, kafka/quota-topic.ts, moves the bytes).
 *
 *   publish   a record per key every `everyMs` (a quarter of the shortest window known, within
 *             250 ms – 1 s), 250 ms after the last one when it has news (calls admitted, or
 *             calls began to wait), and within TICK_MS of a window-sized 429; on leaving, a last
 *             record and a tombstone per key
 *   heard     records of other instances go to the KeyShare of their key (keys this instance
 *             does not use are ignored: instances on different keys never slow each other down);
 *             a record of its own read back tells that the topic works
 *   alone     while its own records do not come back (the topic is unavailable), peers fall
 *             silent and drop out after the session timeout: each key degrades to this instance
 *             alone (fraction 1, peers' usage ageing out), and the pacer's own 429s rule again
 *
 * A log line whenever a key's instances or this instance's fraction changes ('quota share changed').
 */
export interface QuotaSharingOptions {
  /** This instance's sharing id: unique per process (two processes never share one). */
  instance: string;
  /** A peer silent longer than this is gone. */
  sessionTimeoutMs: number;
  now: () => number;
  /** Width of usage buckets (default 250 ms). */
  bucketMs?: number;
}

export interface SharingMessage {
  key: string;
  /** null: a tombstone. */
  value: string | null;
}

export interface ShareStatus {
  provider: string;
  fingerprint: string;
  instances: number;
  fraction: number;
}

/** The soonest a record with news may follow another (a window-sized 429 does not wait for it). */
export const SOONEST_REPORT_MS = 250;
/**
 * How often the Kafka side asks for due records: a window-sized 429 goes out at the next tick, so
 * peers that are still learning the key stop before their own first 429 more often (each instance
 * otherwise meets the quota with a 429 of its own in the quarter second before it hears).
 */
export const TICK_MS = 50;

export class QuotaSharing {
  readonly instance: string;
  private readonly keys = new Map<string, KeyShare>();
  private readonly logged = new Map<string, string>();
  private lastEcho = Number.NEGATIVE_INFINITY;
  private wasConnected = false;
  private readonly log: Logger;

  constructor(private readonly opts: QuotaSharingOptions) {
    this.instance = opts.instance;
    this.log = logger('quota-sharing');
  }

  /** The share of the key with this fingerprint (one per key, whichever provider asks again). */
  shareFor(provider: string, fingerprint: string): QuotaShare {
    let share = this.keys.get(fingerprint);
    if (share === undefined) {
      share = new KeyShare({
        self: this.instance,
        provider,
        sessionTimeoutMs: this.opts.sessionTimeoutMs,
        ...(this.opts.bucketMs !== undefined && { bucketMs: this.opts.bucketMs }),
      });
      this.keys.set(fingerprint, share);
    }
    return share;
  }

  /** How often a key's record is published without news: a quarter of its window, 250 ms – 1 s. */
  everyMs(share: KeyShare): number {
    const quarter = (share.newestEstimate()?.windowMs ?? Number.POSITIVE_INFINITY) / 4;
    return Math.min(LONGEST_REPORT_MS, Math.max(SOONEST_REPORT_MS, quarter));
  }

  /** The records due now (all of them with `all`), one per key at most. */
  reports(all = false): SharingMessage[] {
    const now = this.opts.now();
    this.noteChanges(now);
    return [...this.keys]
      .filter(([, share]) => all || share.reportDue(now, this.everyMs(share), SOONEST_REPORT_MS))
      .map(([fingerprint, share]) => ({
        key: recordKey(fingerprint, this.instance),
        value: encodeShareRecord(share.report(now)),
      }));
  }

  /** What to publish when leaving: a last record of each key's usage, then its tombstone. */
  farewells(): SharingMessage[] {
    const last = this.reports(true);
    return [...last, ...last.map(({ key }) => ({ key, value: null }))];
  }

  /** A message read from the coordination topic; `catchingUp` while reading what it held at start. */
  heard(key: string, value: string | null, catchingUp: boolean): void {
    const parsed = parseRecordKey(key);
    if (parsed === undefined) return;
    const now = this.opts.now();
    // Its own record, even one read while catching up (the id is this process's alone): the topic works.
    if (parsed.instance === this.instance) {
      this.lastEcho = now;
      return;
    }
    const share = this.keys.get(parsed.fingerprint);
    if (share === undefined) return;
    const record = value === null ? undefined : decodeShareRecord(value);
    if (value !== null && record === undefined) return;
    share.heard(parsed.instance, record, now, catchingUp);
  }

  /** Whether this instance's own records came back within the session timeout. */
  connected(now = this.opts.now()): boolean {
    return now - this.lastEcho <= this.opts.sessionTimeoutMs;
  }

  status(now = this.opts.now()): ShareStatus[] {
    return [...this.keys].map(([fingerprint, share]) => ({
      provider: share.provider,
      fingerprint,
      instances: share.instances(now),
      fraction: share.fraction(now),
    }));
  }

  private noteChanges(now: number): void {
    const connected = this.connected(now);
    if (connected !== this.wasConnected) {
      this.wasConnected = connected;
      if (connected) this.log.info({ instance: this.instance }, 'quota sharing connected');
      else this.log.warn({ instance: this.instance }, 'quota sharing lost its topic; each key alone');
    }
    for (const s of this.status(now)) {
      const fraction = Math.round(s.fraction * 100) / 100;
      const line = `${s.instances}/${fraction}`;
      if (this.logged.get(s.fingerprint) === line) continue;
      this.logged.set(s.fingerprint, line);
      this.log.info(
        { provider: s.provider, keyFingerprint: s.fingerprint, instances: s.instances, fraction },
        'quota share changed',
      );
    }
  }
}
