import { describe, expect, it } from 'vitest';
import { ConsumerControl } from '../../src/kafka/consumer-control.js';

/** A consumer that behaves as kafkajs's does: calls throw unless it is running. */
function fakeConsumer() {
  const calls: string[] = [];
  let running = false;
  const guard = (what: string) => {
    if (!running) throw new Error('Consumer group was not initialized, consumer#run must be called first');
    calls.push(what);
  };
  return {
    calls,
    setRunning: (r: boolean) => (running = r),
    consumer: {
      pause: (t: { topic: string; partitions?: number[] }[]) => guard(`pause ${JSON.stringify(t)}`),
      resume: (t: { topic: string; partitions?: number[] }[]) => guard(`resume ${JSON.stringify(t)}`),
      seek: (p: { topic: string; partition: number; offset: string }) =>
        guard(`seek ${p.partition}@${p.offset}`),
    },
  };
}

describe('ConsumerControl', () => {
  it('makes no call before the consumer joined, so nothing throws out of a join handler', () => {
    const { consumer, calls } = fakeConsumer();
    const control = new ConsumerControl(consumer);
    expect(() => control.resume([{ topic: 't' }])).not.toThrow();
    expect(() => control.pause([{ topic: 't', partitions: [1] }])).not.toThrow();
    expect(() => control.seek({ topic: 't', partition: 0, offset: '5' })).not.toThrow();
    expect(calls).toEqual([]);
  });

  it('passes calls on while the consumer runs', () => {
    const { consumer, calls, setRunning } = fakeConsumer();
    const control = new ConsumerControl(consumer);
    setRunning(true);
    control.joined();
    control.pause([{ topic: 't', partitions: [1] }]);
    control.seek({ topic: 't', partition: 2, offset: '7' });
    control.resume([{ topic: 't' }]);
    expect(calls).toEqual(['pause [{"topic":"t","partitions":[1]}]', 'seek 2@7', 'resume [{"topic":"t"}]']);
  });

  it('skips calls after a crash until the restarted consumer joins again', () => {
    const { consumer, calls, setRunning } = fakeConsumer();
    const control = new ConsumerControl(consumer);
    setRunning(true);
    control.joined();
    setRunning(false);
    control.stopped();
    control.resume([{ topic: 't' }]);
    expect(calls).toEqual([]);
    setRunning(true);
    control.joined();
    control.resume([{ topic: 't' }]);
    expect(calls).toEqual(['resume [{"topic":"t"}]']);
  });

  it('swallows the throw of a consumer kafkajs stopped before the crash was reported, and skips after it', () => {
    const { consumer, calls, setRunning } = fakeConsumer();
    const control = new ConsumerControl(consumer);
    setRunning(true);
    control.joined();
    setRunning(false); // kafkajs dropped its group; the CRASH event has not come yet
    expect(() => control.resume([{ topic: 't' }])).not.toThrow();
    expect(control.running).toBe(false);
    setRunning(true);
    control.pause([{ topic: 't' }]);
    expect(calls).toEqual([]);
  });
});
