import { describe, expect, it } from 'vitest';
import { ConsumerLag } from '../../src/kafka/consumer-lag.js';

describe('ConsumerLag', () => {
  it('is unknown before any fetch', () => {
    expect(new ConsumerLag().lag).toBeUndefined();
  });

  it('sums what each partition has left behind its high watermark, as of its last fetch', () => {
    const lag = new ConsumerLag();
    lag.fetched(0, '9', '100');
    lag.fetched(1, '49', '50');
    expect(lag.lag).toBe(90);
    lag.fetched(0, '99', '100');
    expect(lag.lag).toBe(0);
  });

  it('drops partitions this member no longer owns', () => {
    const lag = new ConsumerLag();
    lag.fetched(0, '0', '11');
    lag.fetched(1, '0', '21');
    lag.forget([1]);
    expect(lag.lag).toBe(10);
  });

  it('is 0, not unknown, once the member lost every partition it read: a gauge keeps serving its last reading', () => {
    const lag = new ConsumerLag();
    lag.fetched(0, '99', '600', '0');
    expect(lag.committedLag(() => undefined)).toBe(600);
    lag.forget([0]);
    expect(lag.lag).toBe(0);
    expect(lag.committedLag(() => undefined)).toBe(0);
  });

  it('counts from the committed offset: what is fetched but not yet written is still lag', () => {
    const lag = new ConsumerLag();
    // 1,000 events fetched from offset 0 (all of them); 410 written and committed.
    lag.fetched(0, '999', '1000', '0');
    const committed = new Map<number, string>();
    expect(lag.lag).toBe(0);
    expect(lag.committedLag((p) => committed.get(p))).toBe(1000);
    committed.set(0, '410');
    expect(lag.committedLag((p) => committed.get(p))).toBe(590);
  });

  it('starts a partition’s committed lag where this member began reading it', () => {
    const lag = new ConsumerLag();
    lag.fetched(2, '549', '600', '500');
    lag.fetched(2, '599', '600', '550');
    expect(lag.committedLag(() => undefined)).toBe(100);
  });
});
