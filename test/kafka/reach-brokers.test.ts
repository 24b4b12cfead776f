import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { reachBrokers } from '../../src/kafka/reach-brokers.js';
import { TagspaceError } from '../../src/model/errors.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A TCP server on loopback that handles each connection with `onConnection`; resolves its address. */
async function serve(onConnection: (socket: import('node:net').Socket) => void): Promise<string> {
  const server = createServer(onConnection);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('reachBrokers', () => {
  it('resolves when a broker answers the ApiVersions request with its correlation id', async () => {
    const broker = await serve((socket) =>
      socket.once('data', (request: Buffer) => {
        const answer = Buffer.alloc(10);
        answer.writeInt32BE(6, 0);
        request.copy(answer, 4, 8, 12); // the correlation id: after size, api key and version
        socket.end(answer);
      }),
    );
    await expect(reachBrokers([broker], { setting: 'KAFKA_BROKERS', deadlineMs: 2_000 })).resolves.toBe(
      undefined,
    );
  });

  it('fails within its deadline, naming the setting and the address, when what answers is not Kafka', async () => {
    const notKafka = await serve((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const started = Date.now();
    const err = await reachBrokers([notKafka], { setting: 'KAFKA_BROKERS', deadlineMs: 1_000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TagspaceError);
    expect((err as TagspaceError).kind).toBe('unavailable');
    expect((err as TagspaceError).message).toBe(
      `cannot reach Kafka at ${notKafka} (KAFKA_BROKERS): ${notKafka} does not speak Kafka`,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('names a refused connection', async () => {
    const free = await serve(() => {});
    servers.splice(0).forEach((s) => s.close());
    await expect(reachBrokers([free], { setting: 'KAFKA_BROKERS', deadlineMs: 600 })).rejects.toThrow(
      `cannot reach Kafka at ${free} (KAFKA_BROKERS): ECONNREFUSED ${free}`,
    );
  });

  it('stops at once on a port no broker can have, as trying again cannot change it', async () => {
    // With a minute's deadline, only stopping at once finishes within the test's 5 s.
    await expect(
      reachBrokers(['127.0.0.1:99999'], { setting: 'KAFKA_BROKERS', deadlineMs: 60_000 }),
    ).rejects.toThrow('cannot reach Kafka at 127.0.0.1:99999 (KAFKA_BROKERS): bad port in "127.0.0.1:99999"');
  });

  it('stops waiting at once when its signal aborts', async () => {
    const silent = await serve(() => {});
    const abort = new AbortController();
    const waiting = reachBrokers([silent], { setting: 'KAFKA_BROKERS', signal: abort.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const aborted = Date.now();
    abort.abort();
    await expect(waiting).rejects.toMatchObject({ kind: 'unavailable', message: 'tagging aborted' });
    expect(Date.now() - aborted).toBeLessThan(1_000);
  });
});
