/**
 * Another service on the same key, for bench/quota's rows 8 (OpenAI) and 9 (Gemini): its own calls,
 * over plain HTTP to the simulator, with the bench's key and its own `x-tagspace-instance` (so
 * /stats counts it apart). A call of about `callTokens` prompt tokens is due every W · callTokens /
 * tpm from `fromMs` to `toMs` (from `start`); one refused waits as the provider says and the calls
 * due meanwhile follow it — OpenAI's `retry-after-ms`, as its SDK does; the exact wait Gemini's
 * message names ("Please retry in 6.871308817s"), as tagspace reads it: RetryInfo's `retryDelay`
 * drops the fraction, and a client that retried on its "0s" asked again and again until the room
 * freed (678 refused of 712 calls). One call at a time: it is a client with a rate, not a burst.
 */
export interface OtherServiceOptions {
  provider: 'openai' | 'gemini';
  /** The provider's base URL as the simulator serves it (`openaiBaseUrl`, `geminiBaseUrl`). */
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
  const request = o.provider === 'openai' ? openaiRequest(o, text) : geminiRequest(o, text);
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
      const res = await fetch(request.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-tagspace-instance': OTHER_SERVICE,
          ...request.headers,
        },
        body: request.body,
      });
      if (res.status === 429) {
        refused += 1;
        retryAt = performance.now() - started + (await request.waitMs(res));
        continue;
      }
      await res.arrayBuffer();
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

interface OtherRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** How long a 429 says to wait. */
  waitMs(res: Response): Promise<number>;
}

function openaiRequest(o: OtherServiceOptions, text: string): OtherRequest {
  return {
    url: `${o.baseUrl}/chat/completions`,
    headers: { authorization: `Bearer ${o.apiKey}` },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Summarise.' },
        { role: 'user', content: text },
      ],
    }),
    waitMs: async (res) => {
      await res.arrayBuffer();
      return Number(res.headers.get('retry-after-ms') ?? 1_000);
    },
  };
}

function geminiRequest(o: OtherServiceOptions, text: string): OtherRequest {
  return {
    url: `${o.baseUrl}/v1beta/models/gemini-2.0-flash:generateContent`,
    headers: { 'x-goog-api-key': o.apiKey },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: `Summarise.\n${text}` }] }] }),
    waitMs: async (res) => {
      const body = (await res.json()) as { error?: { message?: string } };
      const seconds = /Please retry in ([\d.]+)s/.exec(body.error?.message ?? '')?.[1];
      return (seconds === undefined ? 1 : Number(seconds)) * 1_000;
    },
  };
}
