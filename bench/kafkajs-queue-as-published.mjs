// Preload for bench/kafka-idle.ts's "as published" variant (node --import): puts back the rule
// kafkajs 2.2.4 ships for scheduling a check of a connection's pending requests, which
// scripts/patch-kafkajs.mjs changes at install. As published, a check is scheduled after every
// answer at `throttledUntil - now` (negative, so 1 ms, when no broker throttles), even when no
// request waits; each check schedules the next.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js');
const RECHECK_MS = 10; // kafkajs's CHECK_PENDING_REQUESTS_INTERVAL

RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleAsPublished() {
  if (this.throttleCheckTimeoutId) return;
  let delay = this.throttledUntil - Date.now();
  if (this.pending.length > 0 && delay <= 0) delay = RECHECK_MS;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
};
