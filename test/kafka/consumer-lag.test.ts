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
});
