import type { Consumer, TopicPartitionOffset } from 'kafkajs';
import { logger } from '../telemetry/log.js';

const log = logger('kafka-source');

type Topics = Parameters<Consumer['pause']>[0];

/**
 * pause / resume / seek on a kafkajs consumer, made only while it is running:
 *
 *   call(f) = f(consumer)   if joined since the last crash or stop
 *           = skipped       otherwise
 *
 * kafkajs throws "Consumer group was not initialized" from these calls on a consumer that is not
 * running — after a crash (a broker failover, say) and before its restart has joined — and a throw
 * inside one of its event handlers escapes to the process. Nothing is lost by skipping: a consumer
 * that runs again has joined again, from fresh kafkajs state (nothing paused, positions at the
 * committed offsets), and the join handler sets pauses and positions anew. A call that still throws
 * (kafkajs stopped it in between) is logged, not thrown, for the same reason.
 */
export class ConsumerControl {
  private live = false;

  constructor(private readonly consumer: Pick<Consumer, 'pause' | 'resume' | 'seek'>) {}

  /** The consumer joined its group: calls reach it. */
  joined(): void {
    this.live = true;
  }

  /** The consumer crashed or stopped: calls are skipped until it joins again. */
  stopped(): void {
    this.live = false;
  }

  get running(): boolean {
    return this.live;
  }

  pause(topics: Topics): void {
    this.call('pause', (c) => c.pause(topics));
  }

  resume(topics: Topics): void {
    this.call('resume', (c) => c.resume(topics));
  }

  seek(position: TopicPartitionOffset): void {
    this.call('seek', (c) => c.seek(position));
  }

  private call(action: string, f: (consumer: ConsumerControl['consumer']) => void): void {
    if (!this.live) return;
    try {
      f(this.consumer);
    } catch (err) {
      this.live = false;
      log.warn(
        { action, err: (err as Error).message },
        'consumer not running: call skipped until it rejoins',
      );
    }
  }
}
