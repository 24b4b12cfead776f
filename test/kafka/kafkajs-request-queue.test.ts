import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// kafkajs's per-connection request queue, as `npm install` leaves it (scripts/patch-kafkajs.mjs):
// as published it re-arms a 1 ms timer after every response for as long as the connection is
// open, whether or not a request waits.
interface Entry {
  correlationId: number;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}
interface RequestQueue {
  push(request: { entry: Entry; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
}
const require = createRequire(import.meta.url);
const RequestQueueClass = require('kafkajs/src/network/requestQueue/index.js') as new (
  opts: Record<string, unknown>,
) => RequestQueue;

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function queue(maxInFlightRequests: number | null = null): RequestQueue {
  return new RequestQueueClass({
    maxInFlightRequests,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'broker:9092',
    logger: quiet,
  });
}

/** Pushes request `id`; returns whether it has gone to the socket (`sent()`) and its answer. */
function push(q: RequestQueue, id: number) {
  let sent = false;
  let answered = false;
  q.push({
    entry: { correlationId: id, resolve: () => (answered = true), reject: () => {} },
    expectResponse: true,
    sendRequest: () => (sent = true),
  });
  return { sent: () => sent, answered: () => answered };
}

const answer = (q: RequestQueue, id: number) =>
  q.fulfillRequest({ correlationId: id, payload: Buffer.alloc(0), size: 0 });

describe("kafkajs's request queue (patched by npm install)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('leaves no timer behind an answer when no request waits and no broker throttles', () => {
    const q = queue();
    const r = push(q, 1);
    answer(q, 1);
    expect(r.answered()).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("still sends a request held by a broker's throttle once the throttle ends", () => {
    const q = queue();
    q.maybeThrottle(100);
    const r = push(q, 1);
    vi.advanceTimersByTime(99);
    expect(r.sent()).toBe(false);
    vi.advanceTimersByTime(11);
    expect(r.sent()).toBe(true);
    answer(q, 1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends a request that waited for an in-flight slot as soon as an answer frees one, then idles', () => {
    const q = queue(1);
    const first = push(q, 1);
    const second = push(q, 2);
    expect([first.sent(), second.sent()]).toEqual([true, false]);
    answer(q, 1);
    expect(second.sent()).toBe(true);
    answer(q, 2);
    vi.advanceTimersByTime(100);
    expect(second.answered()).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
