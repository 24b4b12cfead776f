import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { keepOwned } from '../../src/kafka/keep-owned.js';
import type { Delivery, Outcome } from '../../src/model/work.js';

const delivery = (partition: number): Delivery => ({
  topic: 't',
  partition,
  offset: '0',
  key: null,
  value: null,
  headers: {},
  receivedAt: 0,
});
const skip = (partition: number): Outcome => ({
  kind: 'skipped',
  delivery: delivery(partition),
  pageId: `p${partition}`,
  reason: 'duplicate',
});

describe('keepOwned', () => {
  it('lets through outcomes of owned partitions and drops and reports the others', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const values = { a: skip(0), b: skip(1), c: skip(0) };
    const dropped: Delivery[] = [];
    const reported: Outcome[] = [];
    const source = {
      owns: (d: Delivery) => d.partition === 0,
      dropped: (d: Delivery) => dropped.push(d),
    };
    scheduler.run(({ cold, expectObservable }) => {
      const outcomes$ = cold('a-b-c|', values).pipe(keepOwned(source, (o) => reported.push(o)));
      expectObservable(outcomes$).toBe('a---c|', values);
    });
    expect(dropped).toEqual([values.b.delivery]);
    expect(reported).toEqual([values.b]);
  });
});
