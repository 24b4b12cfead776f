import { createRequire } from 'node:module';

type FilterMessage = {
  offset: string;
  key: Buffer;
  batchContext: { producerId: string; inTransaction: boolean };
};
type AbortedFilter = (arg: {
  messages: FilterMessage[];
  abortedTransactions: { producerId: string; firstOffset: string }[];
}) => FilterMessage[];

const ABORT_MARKER = Buffer.from([0, 0, 0, 0]);

/**
 * Whether kafkajs's read_committed filter hides every aborted record when aborted transactions are
 * listed in the order they ended rather than began (the broker's order). kafkajs 2.2.4 as
 * published does not; `scripts/patch-kafkajs.mjs` (run by `npm install`) fixes it. Exactly-once
 * readers need it: the restore would otherwise take an aborted TagRecord for a written one and skip
 * the page (docs/delivery.md, "Reading what was aborted").
 *
 * The sample: producer 1 begins at offset 0, producer 2 at 1; 2 aborts (marker at 2), then 1 (3).
 * Only the two markers may pass.
 */
export function readCommittedFilterIsSound(): boolean {
  const require = createRequire(import.meta.url);
  const filter = require('kafkajs/src/consumer/filterAbortedMessages.js') as AbortedFilter;
  const record = (offset: number, producerId: string, marker = false): FilterMessage => ({
    offset: String(offset),
    key: marker ? ABORT_MARKER : Buffer.from('page'),
    batchContext: { producerId, inTransaction: true },
  });
  const kept = filter({
    messages: [record(0, '1'), record(1, '2'), record(2, '2', true), record(3, '1', true)],
    abortedTransactions: [
      { producerId: '2', firstOffset: '1' },
      { producerId: '1', firstOffset: '0' },
    ],
  });
  return kept.map((m) => m.offset).join(',') === '2,3';
}
