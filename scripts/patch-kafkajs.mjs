// Fixes kafkajs 2.2.4's read_committed filter (src/consumer/filterAbortedMessages.js) in place;
// run by `postinstall`, so every `npm install` / `npm ci` applies it. Idempotent.
//
// Why: a fetch response lists the partition's aborted transactions in the order they were
// aborted (the broker's transaction index), not the order they began. kafkajs takes the list as
// sorted by first offset and starts hiding a transaction's records only once a message reaches
// the head of the list, so when two transactions interleave and the one that began first is
// aborted last — a killed member's open transaction, aborted by the broker at its timeout, while
// the survivors abort theirs at the rebalance — the first one's records up to the other's first
// offset are handed to read_committed readers as if committed. The Java consumer orders the list
// by first offset (a priority queue); this does the same, and starts every transaction whose first
// offset a message has reached. docs/delivery.md, "Reading what was aborted".
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const MARK = 'tagspace: aborted transactions ordered by first offset';
const require = createRequire(import.meta.url);

let file;
try {
  file = path.join(
    path.dirname(require.resolve('kafkajs/package.json')),
    'src/consumer/filterAbortedMessages.js',
  );
} catch {
  // Not installed here (a package manager that hoists it elsewhere runs this from there too).
  process.exit(0);
}
const source = readFileSync(file, 'utf8');
if (source.includes(MARK)) process.exit(0);

const ORIGINAL =
  /module\.exports = \(\{ messages, abortedTransactions \}\) => \{[\s\S]*remainingAbortedTransactions\[0\]\.firstOffset[\s\S]*\n\}\n?$/;
if (!ORIGINAL.test(source)) {
  console.error(
    `patch-kafkajs: ${file} is not the kafkajs 2.2.4 code this fix was written for; check the fix is still needed`,
  );
  process.exit(1);
}

const FIXED = `// ${MARK} (scripts/patch-kafkajs.mjs in tagspace)
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
writeFileSync(file, source.replace(ORIGINAL, FIXED));
console.log('patch-kafkajs: read_committed filter fixed (aborted transactions ordered by first offset)');
