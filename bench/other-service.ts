/**
 * Another service on the same OpenAI key, for bench/quota's row 8: its own calls, over plain HTTP
 * to the simulator, with the bench's key and its own `x-tagspace-instance` (so /stats counts it
 * apart). A call of about `callTokens` prompt tokens is due every W · callTokens / tpm from `fromMs`
 * to `toMs` (from `start`); one refused waits for its `retry-after-ms`, as OpenAI's SDK does, and
 * the calls due meanwhile follow it. One call at a time: it is a client with a rate, not a burst.
 */
export interface OtherServiceOptions {
  baseUrl: string;
  apiKey: string;
  windowMs: number;
  tpm: number;
  fromMs: number;
  toMs: number;
  callTokens?: number;
}

export interface OtherService {
  /** The client id /stats counts its calls under, after the key's tag. */
  readonly instance: string;
  stop(): Promise<{ calls: number; refused: number }>;
}

export const OTHER_SERVICE = 'other-service';

export function startOtherService(o: OtherServiceOptions): OtherService {
  const callTokens = o.callTokens ?? 1_800;
  const every = (o.windowMs * callTokens) / o.tpm;
  // The simulator counts a prompt's tokens as OpenAI's tokenizer roughly does: ~4 characters each.
  const text = 'lorem ipsum dolor sit amet '.repeat(Math.ceil((callTokens * 4) / 27));
  const body = JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Summarise.' },
      { role: 'user', content: text },
    ],
  });
  const started = performance.now();
  let stopped = false;
  let calls = 0;
  let refused = 0;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, Math.max(0, ms));
    });
  const loop = async (): Promise<void> => {
    let due = o.fromMs;
    let retryAt = 0;
    while (!stopped && due < o.toMs) {
      await sleep(Math.max(due, retryAt) - (performance.now() - started));
      if (stopped) break;
      calls += 1;
      const res = await fetch(`${o.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${o.apiKey}`,
          'x-tagspace-instance': OTHER_SERVICE,
        },
        body,
      });
      await res.arrayBuffer();
      if (res.status === 429) {
        refused += 1;
        const wait = Number(res.headers.get('retry-after-ms') ?? 1_000);
        retryAt = performance.now() - started + wait;
        continue;
      }
      due += every;
    }
  };
  const running = loop();
  return {
    instance: OTHER_SERVICE,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await running;
      return { calls, refused };
    },
  };
}
