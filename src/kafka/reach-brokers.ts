import { connect, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { abortedError, TagspaceError } from '../model/errors.js';
import type { KafkaSecurity } from './kafka-security.js';

/** How long start-up tries the brokers before it says they cannot be reached. */
export const REACH_DEADLINE_MS = 8_000;
const RETRY_MS = 500;

/**
 * Start-up's first contact with Kafka, so an unreachable or mistyped broker is reported in seconds
 * with one line, not after the Kafka client has spent its retries (minutes, an error per try):
 *
 *   ok     ⇔ some bootstrap broker answers a Kafka request (ApiVersions) before deadlineMs (tried
 *            every 0.5 s, so a broker still starting is waited for), over TLS when `tls` is set
 *            (SASL comes after ApiVersions: the Kafka client reports a refused login itself)
 *   fails    `unavailable`, naming the setting, the addresses and the last cause — at once when a
 *            broker's certificate is refused (trying again cannot change it), else at the deadline
 *   stops    at once when `signal` aborts (a SIGTERM during start-up), leaving no timer behind
 */
export async function reachBrokers(
  brokers: readonly string[],
  opts: {
    setting: string;
    tls?: KafkaSecurity['tls'];
    signal?: AbortSignal;
    deadlineMs?: number;
    now?: () => number;
  },
): Promise<void> {
  const now = opts.now ?? Date.now;
  const deadline = now() + (opts.deadlineMs ?? REACH_DEADLINE_MS);
  let cause = 'no broker listed';
  for (;;) {
    if (opts.signal?.aborted === true) throw abortedError(opts.signal);
    const left = deadline - now();
    if (left <= 0) break;
    const results = await Promise.all(
      brokers.map((b) => tryBroker(b, Math.min(left, 3_000), opts.tls, opts.signal)),
    );
    // (read again: the signal may have aborted while the brokers were tried)
    if (isAborted(opts.signal)) throw abortedError(opts.signal as AbortSignal);
    if (results.includes(undefined)) return;
    const failed = results.filter((r): r is Failure => r !== undefined);
    const final = failed.find((r) => r.final);
    cause = (final ?? failed[0])?.why ?? cause;
    if (final !== undefined) break;
    await sleep(Math.min(RETRY_MS, Math.max(0, deadline - now())), opts.signal);
  }
  throw new TagspaceError(
    'unavailable',
    `cannot reach Kafka at ${brokers.join(',')} (${opts.setting}): ${cause}`,
    {
      setting: opts.setting,
    },
  );
}

/** Kafka's ApiVersions request (key 18, v0): every broker version answers it, before any auth. */
const CORRELATION_ID = 0x7a6b;
function apiVersionsRequest(): Buffer {
  const clientId = Buffer.from('tagspace-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(CORRELATION_ID, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** Why a broker was not reached; `final` when trying again before the deadline cannot help. */
interface Failure {
  why: string;
  final: boolean;
}

/**
 * Undefined when `broker` (host:port) answers a Kafka request; otherwise why not. A TCP connection
 * alone proves nothing (a proxy or a firewall may accept it and close it): the answer must be
 * Kafka's, carrying the request's correlation id.
 */
function tryBroker(
  broker: string,
  timeoutMs: number,
  tls: KafkaSecurity['tls'],
  signal?: AbortSignal,
): Promise<Failure | undefined> {
  const at = broker.lastIndexOf(':');
  const host = at > 0 ? broker.slice(0, at).replace(/^\[|\]$/g, '') : broker;
  const port = at > 0 ? Number(broker.slice(at + 1)) : 9092;
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    return Promise.resolve({ why: `bad port in "${broker}"`, final: true });
  return new Promise((resolve) => {
    const socket: Socket =
      tls === undefined
        ? connect({ host, port })
        : connectTls({
            host,
            port,
            ...(tls.ca !== undefined && { ca: tls.ca }),
            ...(isIP(host) === 0 && { servername: host }),
          });
    let received = Buffer.alloc(0);
    let secured = false;
    const done = (why: string | undefined, final = false) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(why === undefined ? undefined : { why, final });
    };
    const onAbort = () => done('aborted');
    const timer = setTimeout(() => done(`no answer from ${host}:${port} within ${timeoutMs} ms`), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once(tls === undefined ? 'connect' : 'secureConnect', () => {
      secured = true;
      socket.write(apiVersionsRequest());
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 8) return;
      done(received.readInt32BE(4) === CORRELATION_ID ? undefined : `${host}:${port} does not speak Kafka`);
    });
    // A TLS listener drops a plaintext request unanswered; a plaintext one drops a TLS handshake.
    const closed = () =>
      tls === undefined
        ? `${host}:${port} closed the connection without a Kafka answer (a TLS listener? set KAFKA_SSL)`
        : `${host}:${port} closed the connection ${secured ? 'without a Kafka answer' : 'during the TLS handshake (not a TLS listener?)'}`;
    socket.once('end', () => done(closed()));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const refused = certificateRefused(err, tls);
      done(
        refused ? certificateFailure(err, host, port, tls) : failure(err, host, port, tls, closed),
        refused,
      );
    });
  });
}

/** Why a connection failed, in words an operator acts on. */
function failure(
  err: NodeJS.ErrnoException,
  host: string,
  port: number,
  tls: KafkaSecurity['tls'],
  closed: () => string,
): string {
  if (err.code === 'ECONNRESET' && tls !== undefined) return closed();
  if (err.code === undefined) return err.message;
  return `${err.code} ${host}:${port}`;
}

/** Node's codes for a certificate it will not trust (self-signed, expired, another host's name…). */
function certificateRefused(err: NodeJS.ErrnoException, tls: KafkaSecurity['tls']): boolean {
  return tls !== undefined && err.code !== undefined && /CERT|SIGNATURE|ALTNAME|ISSUER/.test(err.code);
}

/** A refused certificate names the setting to fix. */
function certificateFailure(
  err: NodeJS.ErrnoException,
  host: string,
  port: number,
  tls: KafkaSecurity['tls'],
): string {
  const ca = tls?.ca === undefined ? ` (KAFKA_CA_FILE names the CA to trust)` : '';
  return `${host}:${port}'s certificate is refused: ${err.message}${ca}`;
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const timer = setTimeout(finish, ms);
    signal?.addEventListener('abort', finish, { once: true });
    function finish() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      resolve();
    }
  });
}
