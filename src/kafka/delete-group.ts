import type { Kafka } from 'kafkajs';

/**
 * Deletes a consumer group a run made for itself and is done with (a replay's, a restore's, the
 * quota topic's reader), once its members have left. A failure (no DELETE ACL, brokers away)
 * leaves the empty group to expire on its own (offsets.retention.minutes): not worth failing a run
 * for, nor a warning.
 */
export async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // left to expire, as above
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
