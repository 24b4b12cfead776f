import { logger } from '../../telemetry/log.js';
import type { KafkaSource } from '../../kafka/kafka-source.js';
import type { Router } from '../../router/router.js';
import type { Telemetry } from '../start-telemetry.js';
import type { QuotaSharingRun } from '../start-quota-sharing.js';
import type { KafkaJobClients } from './connect-kafka-job.js';
import { within } from './within.js';
import { deleteGroup } from '../../kafka/delete-group.js';

const log = logger('job');
/** Without a signal's deadline, how long the final commit and the closes may take before the run ends. */
const CLOSE_TIMEOUT_MS = 10_000;
/** At most this long for the job's own group to be deleted; past it, the empty group expires. */
export const GROUP_DELETE_MS = 3_000;

/** What a finished (or failed) Kafka job lets go of. */
export interface KafkaJobParts {
  clients: KafkaJobClients;
  source: KafkaSource;
  exactlyOnce: boolean;
  sharing: QuotaSharingRun;
  router: Router;
  telemetry: Telemetry;
  /** A group the job made for itself (replay's), deleted once its consumer has left. */
  ownGroup?: string;
}

/**
 * The end of a Kafka job, whatever ended it: commit exactly what is written, so a restart resumes
 * right after it, then close the consumer, the producer and quota sharing together, delete the
 * job's own group (replay's), then close the router and telemetry. It all fits in what is left of a signal's deadline (`remainingMs`), or in
 * CLOSE_TIMEOUT_MS without one: brokers that are away must not hold the process (what is not
 * committed is re-read by the next run).
 */
export async function closeKafkaJob(
  parts: KafkaJobParts,
  remainingMs: () => number | undefined,
): Promise<void> {
  const { clients, source, sharing } = parts;
  const left = () => remainingMs() ?? CLOSE_TIMEOUT_MS;
  // Exactly-once committed its offsets inside its transactions.
  const committed = parts.exactlyOnce
    ? []
    : await within(source.commit(), left() / 2, 'the final commit').catch((err: unknown) => {
        log.error({ err: (err as Error).message }, 'final commit failed');
        return [];
      });
  log.info({ committed: committed ?? [], inFlight: source.tracker.inFlight }, 'offsets committed');
  const closing = Date.now();
  const tookMs: Record<string, number> = {};
  const timed = (name: string, close: Promise<unknown>) =>
    close.finally(() => (tookMs[name] = Date.now() - closing));
  await within(
    Promise.allSettled([
      timed('consumer', source.close()),
      timed('producer', clients.transactional?.close() ?? clients.producer.disconnect()),
      // Its last usage and a tombstone: the others take its share up at once.
      timed(
        'quota sharing',
        clients.sharingStarted.then(() => sharing.stop()),
      ),
    ]),
    left() * 0.8,
    'closing the Kafka clients',
  );
  // Brokers that just came back can make a close slow: said, so a slow exit shows its cause.
  log.info({ tookMs }, 'Kafka clients closed');
  // Its offsets serve no later run (each replay reads as a new group): do not leave it behind.
  if (parts.ownGroup !== undefined) {
    await within(
      deleteGroup(clients.kafka, parts.ownGroup),
      Math.min(left(), GROUP_DELETE_MS),
      'deleting the group',
    );
  }
  parts.router.close();
  await parts.telemetry.shutdown();
}
