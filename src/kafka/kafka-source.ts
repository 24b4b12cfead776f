import { Observable, Subject, type Subscriber } from 'rxjs';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { logger } from '../telemetry/log.js';
import type { Delivery } from '../model/work.js';
import { ConditionWaiters } from './condition-waiters.js';
import { ConsumerControl } from './consumer-control.js';
import { ConsumerLag } from './consumer-lag.js';
import { ConsumerRestarts } from './consumer-restarts.js';
import { deliveryOf } from './delivery-of.js';
import { GroupPresence } from './group-presence.js';
import { InFlightGate } from './in-flight-gate.js';
import type { KafkaSourceOptions } from './kafka-source-options.js';
import { KeptMembership } from './kept-membership.js';
import { OffsetTracker, type PartitionOffset } from './offset-tracker.js';
import { PartitionOwnership } from './partition-ownership.js';
import { PartitionPauses } from './partition-pauses.js';
import { ReplayEnd } from './replay-end.js';
import { SettlingWatch } from './settling-watch.js';

const log = logger('kafka-source');

/**
 * The consumer as an Observable of Deliveries, with backpressure and offset bookkeeping.
 *
 * Offsets are committed only for events whose outcome is written: the sink calls `finished`, and
 * `commit` (or a transaction's sendOffsets) hands the tracker's contiguous prefix to Kafka.
 * kafkajs's auto-commit is off, so a crash re-delivers everything past the last written outcome.
 *
 * Backpressure (in-flight-gate.ts): at `maxInFlight` unfinished events the batch handler waits
 * until there is room, so kafkajs fetches nothing meanwhile; it goes on the moment there is, where
 * pausing partitions would idle until kafkajs's next poll.
 *
 * Rebalances (partition-ownership.ts): work of lost partitions is not written (`owns`) and is
 * released (`dropped`); `lost$` tells the pipeline at once, so it drops their work that has not
 * gone to a provider instead of spending calls on it; kept partitions carry on where they were
 * (kafkajs would fetch them again from the committed offset, so the source seeks past what it
 * already handed out); new partitions are held until `onAssigned` has run and no orphan of theirs
 * is left in the pipeline.
 */
export class KafkaSource {
  readonly tracker = new OffsetTracker();
  readonly ownership = new PartitionOwnership();
  private readonly gate: InFlightGate;
  private readonly consumer: Consumer;
  /** pause / resume / seek, made only while the consumer runs (consumer-control.ts). */
  private readonly control: ConsumerControl;
  private subscriber: Subscriber<Delivery> | undefined;
  private started = false;
  private stopping = false;
  private readonly pauses: PartitionPauses;
  private readonly end: ReplayEnd | undefined;
  private readonly consumerLag = new ConsumerLag();
  private commits: Promise<unknown> = Promise.resolve();
  private readonly restarts: ConsumerRestarts;
  private readonly membership = new KeptMembership();
  private readonly settlingWatch: SettlingWatch;
  /** Whether the member is in its group now: /readyz (group-presence.ts). */
  private readonly presence: GroupPresence;
  /** Ends work started for the source (tag-state restores) when it closes. */
  private readonly closing = new AbortController();
  private readonly lostSubject = new Subject<number[]>();
  /** Holds waiting for a partition's last orphan (orphansOut). */
  private readonly orphanWaiters = new ConditionWaiters();
  /** The epoch whose first delivery was logged, per partition: where each assignment's reading began. */
  private readonly loggedEpochs = new Map<number, number>();
  /** The partitions this member lost, at each assignment that took some away. */
  readonly lost$: Observable<number[]> = this.lostSubject.asObservable();

  constructor(private readonly opts: KafkaSourceOptions) {
    const { readAhead, maxInFlight } = opts;
    const max = readAhead === undefined ? maxInFlight : () => Math.min(maxInFlight, readAhead());
    this.gate = new InFlightGate(() => this.tracker.inFlight, max);
    this.end = opts.stopAt === undefined ? undefined : new ReplayEnd(opts.stopAt);
    this.pauses = new PartitionPauses((pause, resume) => {
      const { topic } = opts;
      if (pause.length > 0) this.control.pause([{ topic, partitions: pause }]);
      if (resume.length > 0) this.control.resume([{ topic, partitions: resume }]);
    });
    this.consumer = opts.kafka.consumer({
      groupId: opts.groupId,
      sessionTimeout: opts.sessionTimeoutMs,
      heartbeatInterval: 1_000,
      // An idle or paused fetch loop sleeps this long: short, so a resume takes effect at once.
      maxWaitTimeInMs: 250,
      maxBytesPerPartition: 1_048_576,
      // kafkajs restarts a crashed consumer (a broker restart, say); not one that is closing.
      retry: { retries: 5, restartOnFailure: () => Promise.resolve(!this.closing.signal.aborted) },
    });
    this.control = new ConsumerControl(this.consumer);
    this.restarts = new ConsumerRestarts({
      run: () => this.runConsumer(),
      closed: () => this.closing.signal.aborted,
      scheduled: (delayMs, restarts) => log.warn({ delayMs, restarts }, 'restarting the consumer'),
      giveUp: (error, restarts) => {
        log.error({ err: error.message, restarts }, 'consumer cannot be restarted');
        this.opts.onFatal?.(error);
        this.subscriber?.error(error);
      },
    });
    this.settlingWatch = new SettlingWatch({
      timeoutMs: opts.sessionTimeoutMs,
      settling: () => this.ownership.settling && !this.closing.signal.aborted,
      unsettled: (waitedMs) => log.warn({ groupId: opts.groupId, waitedMs }, 'rebalance not settled'),
    });
    this.presence = new GroupPresence({
      sessionTimeoutMs: opts.sessionTimeoutMs,
      lost: (silentMs) =>
        log.warn(
          { groupId: opts.groupId, silentMs },
          'group coordinator silent for a session timeout; not ready',
        ),
      back: (silentMs) => log.info({ groupId: opts.groupId, silentMs }, 'group coordinator answers again'),
    });
  }

  readonly deliveries$: Observable<Delivery> = new Observable<Delivery>((subscriber) => {
    this.subscriber = subscriber;
    if (this.stopping || this.end?.empty === true) {
      subscriber.complete();
      return;
    }
    this.start().catch((err: unknown) => subscriber.error(err));
    return () => {
      this.stopping = true;
      this.gate.open();
    };
  });

  /** Called once an event's outcome is written. */
  finished(delivery: Delivery): void {
    if (this.ownership.owns(delivery)) {
      this.tracker.finished(delivery.topic, delivery.partition, delivery.offset);
      this.gate.check();
    } else this.dropped(delivery);
  }

  /** Called for an event whose outcome was not written because its partition is no longer owned. */
  dropped(delivery: Delivery): void {
    if (this.ownership.release(delivery) === undefined) return;
    this.syncPauses();
    this.orphanWaiters.wake();
  }

  /** Whether the outcome of this delivery may be written (its partition is still this member's). */
  owns(delivery: Delivery): boolean {
    return this.ownership.owns(delivery);
  }

  /**
   * True while the consumer is in its group and holds an assignment: not before its first join, nor
   * after a crash until it has joined again, nor once its coordinator has been silent for a session
   * timeout (group-presence.ts).
   */
  get ready(): boolean {
    return this.presence.present;
  }

  get groupId(): string {
    return this.opts.groupId;
  }

  /** Fetch lag, Σ over owned partitions of (high watermark − next offset to deliver), as of their last fetch. */
  get lag(): number | undefined {
    return this.consumerLag.lag;
  }

  /**
   * Consumer lag as operators read it (kafka-consumer-groups' LAG): Σ over owned partitions of
   * (high watermark − committed offset), the committed offset being where this member started
   * reading until its first commit. Undefined before any fetch.
   */
  get committedLag(): number | undefined {
    const { topic } = this.opts;
    return this.consumerLag.committedLag((p) => this.tracker.confirmedOffset(topic, p));
  }

  /** Commits every offset whose prefix is written (one commit at a time); returns what it committed. */
  commit(): Promise<PartitionOffset[]> {
    const next = this.commits.then(async () => {
      const offsets = this.tracker.pendingCommits().filter((o) => this.ownership.ownsPartition(o.partition));
      if (offsets.length === 0 || !this.control.running) return [];
      await this.consumer.commitOffsets(offsets);
      this.tracker.confirm(offsets);
      return offsets;
    });
    this.commits = next.catch(() => undefined);
    return next;
  }

  /** Stops fetching and completes the stream, so the pipeline drains what it holds (shutdown, end of a replay). */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.gate.open();
    this.control.pause([{ topic: this.opts.topic }]);
    this.subscriber?.complete();
  }

  async close(): Promise<void> {
    this.stopping = true;
    this.closing.abort();
    this.restarts.close();
    this.settlingWatch.stop();
    this.presence.stop();
    this.lostSubject.complete();
    await this.consumer.disconnect();
  }

  private async start(): Promise<void> {
    const c = this.consumer;
    const { topic } = this.opts;
    c.on(c.events.GROUP_JOIN, ({ payload }) =>
      this.handle('join', () => {
        // A join that lands after close comes from a start already under way: it fetches nothing.
        if (this.closing.signal.aborted) return;
        this.control.joined();
        this.membership.joined(payload.memberId);
        this.presence.contact();
        this.onJoin(payload.memberAssignment[topic] ?? []);
      }),
    );
    c.on(c.events.REBALANCING, () =>
      this.handle('rebalance', () => {
        log.info({ groupId: this.opts.groupId }, 'rebalancing');
        this.presence.contact();
        this.ownership.beginRebalance();
        this.settlingWatch.start();
        this.opts.onRebalancing?.();
      }),
    );
    c.on(c.events.HEARTBEAT, ({ payload }) =>
      this.handle('heartbeat', () => {
        const { memberId, groupGenerationId } = payload;
        this.presence.contact();
        if (!this.membership.heartbeat(memberId, groupGenerationId, this.ownership.settling)) return;
        // kafkajs went back to fetching as the member it was, and no join will come: the
        // assignment holds, and what waits for the rebalance to end (a transaction) may go on.
        log.info(
          { groupId: this.opts.groupId, generation: groupGenerationId },
          'rebalance ended with the assignment kept',
        );
        this.settlingWatch.stop();
        this.ownership.assign(this.ownership.partitions);
      }),
    );
    c.on(c.events.STOP, () => this.control.stopped());
    c.on(c.events.CRASH, ({ payload }) =>
      this.handle('crash', () => {
        // kafkajs has stopped it: no pause, resume or seek until a restart has joined again.
        this.control.stopped();
        this.membership.forget();
        this.presence.crash();
        if (this.closing.signal.aborted) return;
        log.warn({ err: payload.error.message, restart: payload.restart }, 'consumer crashed');
        // It rejoins as a new member: unless the group is this source's alone, whatever it held may
        // be someone else's by then.
        if (this.opts.exclusive !== true) this.onJoin([]);
        // kafkajs gives up on errors it deems final, a coordinator lookup while the broker restarts
        // among them: start it again, a few times.
        if (!payload.restart) this.restarts.after(payload.error);
      }),
    );
    // Batches of only transaction markers (or aborted records) never reach eachBatch.
    c.on(c.events.END_BATCH_PROCESS, ({ payload }) =>
      this.handle('end of batch', () => {
        if (payload.batchSize === 0 && this.end?.seenUpTo(payload.partition, payload.lastOffset) === true)
          this.stop();
      }),
    );
    await c.connect();
    await c.subscribe({ topic, fromBeginning: this.opts.fromBeginning });
    if (this.stopping) return;
    this.started = true;
    await this.runConsumer();
  }

  /**
   * Runs an event handler so that nothing it throws escapes into kafkajs, which would take the
   * process down: a failure there fails the stream (and the job, which still commits what is written).
   */
  private handle(event: string, handler: () => void): void {
    try {
      handler();
    } catch (err) {
      log.error({ event, err: (err as Error).message }, 'consumer event handler failed');
      this.subscriber?.error(err);
    }
  }

  private async runConsumer(): Promise<void> {
    await this.consumer.connect();
    if (this.closing.signal.aborted) return;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (p) => this.onBatch(p),
    });
    // Closed while it was joining: close's disconnect found nothing running yet, so stop it here.
    if (this.closing.signal.aborted) await this.consumer.disconnect();
  }

  private async onBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    // A consumer kafkajs started after close (a restart already under way) must not live on: a
    // batch failing with a non-retriable error makes it crash at once, and no restart follows.
    if (this.closing.signal.aborted)
      throw Object.assign(new Error('the source is closed'), { retriable: false });
    const { partition } = batch;
    const end = this.end;
    // The batch belongs to the assignment it was fetched under. A consumer that crashed can still be
    // inside this call (waiting for room) when its restart is assigned the partition again: the
    // rest of the batch must not reach the pipeline then, or it would be taken for the new
    // assignment's and the tracker, seeing its offsets first, would skip what the new assignment
    // re-reads from the committed offset as redeliveries — and commit past them unwritten.
    const epoch = this.ownership.epochOf(partition);
    let delivered: string | undefined;
    let whole = true;
    let pastEnd = false;
    let skipped: { first: string; last: string } | undefined;
    for (const message of batch.messages) {
      pastEnd = end !== undefined && end.isPast(partition, message.offset);
      if (pastEnd || !this.fetching(partition) || this.ownership.epochOf(partition) !== epoch) {
        whole = false;
        break;
      }
      if (this.tracker.received(batch.topic, partition, message.offset)) {
        if (epoch !== undefined && this.loggedEpochs.get(partition) !== epoch) {
          this.loggedEpochs.set(partition, epoch);
          log.info({ partition, offset: message.offset, epoch }, 'reading partition');
        }
        const delivery = deliveryOf(batch.topic, partition, message);
        this.ownership.stamp(delivery);
        this.subscriber?.next(delivery);
      } else skipped = { first: skipped?.first ?? message.offset, last: message.offset };
      resolveOffset(message.offset);
      delivered = message.offset;
      // Throws when the group rebalances: kafkajs rejoins, and what was not delivered is fetched again.
      if (this.gate.full) await this.gate.waitForRoom(heartbeat, () => this.stopping);
    }
    // Redeliveries happen (kafkajs fetches from its own position); said, so a gap can be traced.
    if (skipped !== undefined)
      log.info({ partition, ...skipped, epoch }, 'events already handed out skipped');
    if (delivered !== undefined) {
      const first = batch.messages[0]?.offset ?? delivered;
      this.consumerLag.fetched(partition, delivered, batch.highWatermark, first);
    }
    // Offsets come in order: a message at or past the end means everything before it was seen.
    const reached = pastEnd ? end?.reach(partition) : whole && end?.seenUpTo(partition, batch.lastOffset());
    if (reached === true) this.stop();
    await heartbeat();
  }

  private fetching(partition: number): boolean {
    return !this.stopping && !this.pauses.isPaused(partition) && this.ownership.ownsPartition(partition);
  }

  private onJoin(partitions: number[]): void {
    const { topic } = this.opts;
    this.settlingWatch.stop();
    const change = this.ownership.assign(partitions);
    for (const [p, count] of this.tracker.revoke(topic, change.lost)) this.ownership.orphan(p, count);
    this.gate.check();
    this.consumerLag.forget(change.lost);
    // kafkajs would fetch kept partitions again from the committed offset: carry on instead.
    for (const p of change.kept) {
      const next = this.tracker.nextOffset(topic, p);
      if (next !== undefined) this.control.seek({ topic, partition: p, offset: next });
    }
    this.presence.assigned(partitions.length);
    if (partitions.length > 0) this.restarts.reset();
    if (change.added.length > 0 && this.opts.onAssigned !== undefined && !this.stopping)
      this.hold(change.added);
    // A rejoin may come with fresh kafkajs state: forget what was paused and pause again. A source
    // that is stopping fetches nothing more.
    this.pauses.forgetPaused();
    if (this.stopping) this.control.pause([{ topic }]);
    else if (this.started) this.control.resume([{ topic }]);
    this.syncPauses();
    log.info({ topic, partitions, ...change, groupId: this.opts.groupId }, 'partitions assigned');
    if (change.lost.length > 0) this.lostSubject.next(change.lost);
  }

  private hold(partitions: number[]): void {
    this.pauses.hold(partitions);
    const onAssigned = this.opts.onAssigned as NonNullable<KafkaSourceOptions['onAssigned']>;
    // A partition back after being lost may still have orphans in the pipeline; as each is dropped,
    // the job forgets what the pipeline remembered of it (TagCache.forget). The restore runs after
    // the last one, or that forgetting would undo what it loads.
    this.orphansOut(partitions)
      .then(() => onAssigned(partitions, this.closing.signal))
      .then(
        () => {
          this.pauses.release(partitions);
          this.syncPauses();
          // The fetch of these partitions may start now: said, so a stall after it shows where it is.
          log.info({ topic: this.opts.topic, partitions }, 'partitions released after restore');
        },
        (err: unknown) => {
          if (!this.closing.signal.aborted) this.subscriber?.error(err);
        },
      );
  }

  /** Resolves once none of `partitions` has an orphan left in the pipeline (or the source closes). */
  private orphansOut(partitions: number[]): Promise<void> {
    const out = () => partitions.every((p) => !this.ownership.hasOrphans(p));
    return this.orphanWaiters.until(out, this.closing.signal);
  }

  /** Pauses exactly the partitions that must not be fetched now, and resumes the others. */
  private syncPauses(): void {
    if (!this.started || this.stopping) return;
    this.pauses.sync(this.ownership.partitions, (p) => this.ownership.hasOrphans(p));
  }
}
