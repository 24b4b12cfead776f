// Fixes two faults of kafkajs 2.2.4 in place; run by `postinstall`, so every `npm install` /
// `npm ci` applies them. Idempotent: each patch leaves a mark and is skipped where the mark is.
//
// 1. The read_committed filter (src/consumer/filterAbortedMessages.js). A fetch response lists the
// partition's aborted transactions in the order they were aborted (the broker's transaction
// index), not the order they began. kafkajs takes the list as sorted by first offset and starts
// hiding a transaction's records only once a message reaches the head of the list, so when two
// transactions interleave and the one that began first is aborted last — a killed member's open
// transaction, aborted by the broker at its timeout, while the survivors abort theirs at the
// rebalance — the first one's records up to the other's first offset are handed to read_committed
// readers as if committed. The Java consumer orders the list by first offset (a priority queue);
// this does the same, and starts every transaction whose first offset a message has reached.
// docs/delivery.md, "Reading what was aborted".
//
// 2. The request queue's idle timer (src/network/requestQueue/index.js). After every response
// kafkajs schedules a check of its pending requests at `throttledUntil - now`, which is negative
// (-1 - now) when no broker throttles, so each connection re-arms a 1 ms timer for as long as it
// is open (tulios/kafkajs#1704, #1751): thousands of wake-ups a second in an idle process, and on
// Node 23+ a TimeoutNegativeWarning on stderr. A check is needed only while a request waits or a
// throttle will end; with neither, none is scheduled (a request that must wait schedules one as it
// is queued, and every response checks again). bench/kafka-idle.ts measures it.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

let root;
try {
  root = path.dirname(require.resolve('kafkajs/package.json'));
} catch {
  // Not installed here (a package manager that hoists it elsewhere runs this from there too).
  process.exit(0);
}

/**
 * Replaces `original` (a RegExp or a string) in kafkajs's `file` with `fixed`, which holds `mark`;
 * a file that holds the mark already is left alone, and one whose code is not the code the fix was
 * written for stops the install.
 */
function patch(file, { mark, original, fixed, done }) {
  const full = path.join(root, file);
  const source = readFileSync(full, 'utf8');
  if (source.includes(mark)) return;
  const found = typeof original === 'string' ? source.includes(original) : original.test(source);
  if (!found) {
    console.error(
      `patch-kafkajs: ${full} is not the kafkajs 2.2.4 code this fix was written for; check the fix is still needed`,
    );
    process.exit(1);
  }
  writeFileSync(full, source.replace(original, fixed));
  console.log(`patch-kafkajs: ${done}`);
}

const FILTER_MARK = 'tagspace: aborted transactions ordered by first offset';
const FILTER_FIXED = `// ${FILTER_MARK} (scripts/patch-kafkajs.mjs in tagspace)
module.exports = ({ messages, abortedTransactions }) => {
  if (!abortedTransactions || !abortedTransactions.length) {
    return messages
  }

  const pending = [...abortedTransactions].sort((a, b) =>
    Long.fromValue(a.firstOffset).compare(Long.fromValue(b.firstOffset))
  )
  const currentAbortedTransactions = new Map()

  return messages.filter(message => {
    // Every aborted transaction that began at or before this message is under way.
    while (pending.length && Long.fromValue(message.offset).gte(pending[0].firstOffset)) {
      currentAbortedTransactions.set(pending.shift().producerId, true)
    }

    const { producerId, inTransaction } = message.batchContext

    if (isAbortMarker(message)) {
      // Transaction is over, we no longer need to ignore messages from this producer
      currentAbortedTransactions.delete(producerId)
    } else if (currentAbortedTransactions.has(producerId) && inTransaction) {
      return false
    }

    return true
  })
}
`;

patch('src/consumer/filterAbortedMessages.js', {
  mark: FILTER_MARK,
  original:
    /module\.exports = \(\{ messages, abortedTransactions \}\) => \{[\s\S]*remainingAbortedTransactions\[0\]\.firstOffset[\s\S]*\n\}\n?$/,
  fixed: FILTER_FIXED,
  done: 'read_committed filter fixed (aborted transactions ordered by first offset)',
});

const QUEUE_MARK = 'tagspace: no check scheduled while nothing waits';
patch('src/network/requestQueue/index.js', {
  mark: QUEUE_MARK,
  original: `      if (this.pending.length > 0) {
        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      }
`,
  fixed: `      if (this.pending.length > 0) {
        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      } else if (scheduleAt <= 0) {
        // ${QUEUE_MARK} (scripts/patch-kafkajs.mjs in tagspace)
        return
      }
`,
  done: 'request queue fixed (no 1 ms timer while nothing waits)',
});
