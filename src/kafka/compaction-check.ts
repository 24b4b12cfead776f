// kafkajs is CommonJS: Node's ESM loader sees only the exports it can find statically, not its enums.
import kafkajs, { type Admin } from 'kafkajs';
import { logger } from '../telemetry/log.js';

/** An existing topic that should be compacted, and what its configuration says instead. */
export interface UncompactedTopic {
  topic: string;
  cleanupPolicy: string;
  retentionMs: string;
}

/**
 * The topics among `topics` whose records expire: cleanup.policy without `compact`, and a
 * retention that is not infinite (-1). A state topic someone else created (an ops team, a broker's
 * auto-create) with the default `delete` policy loses its state after retention, 7 days by
 * default: a restart then tags every page again, and labels forget which labels are theirs.
 * Each is warned about once here. A broker that will not describe configs (no DESCRIBE_CONFIGS
 * on the topic, an ACL tagspace does not ask for) leaves the check undone, not the start-up.
 */
export async function uncompactedTopics(
  admin: Admin,
  topics: readonly string[],
): Promise<UncompactedTopic[]> {
  if (topics.length === 0) return [];
  const log = logger('topics');
  let described;
  try {
    described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({
        type: kafkajs.ConfigResourceTypes.TOPIC,
        name,
        configNames: ['cleanup.policy', 'retention.ms'],
      })),
    });
  } catch (err) {
    log.info({ topics, reason: (err as Error).message }, 'state topics not checked for compaction');
    return [];
  }
  const found: UncompactedTopic[] = [];
  for (const resource of described.resources) {
    if (resource.errorCode !== 0) continue;
    const value = (name: string) => resource.configEntries.find((e) => e.configName === name)?.configValue;
    const cleanupPolicy = value('cleanup.policy') ?? 'delete';
    const retentionMs = value('retention.ms') ?? '604800000';
    if (cleanupPolicy.split(',').includes('compact') || retentionMs === '-1') continue;
    found.push({ topic: resource.resourceName, cleanupPolicy, retentionMs });
    log.warn(
      {
        topic: resource.resourceName,
        cleanupPolicy,
        retentionMs: Number(retentionMs),
        fix: `kafka-configs.sh --alter --entity-type topics --entity-name ${resource.resourceName} --add-config cleanup.policy=compact`,
      },
      'state topic is not compacted: its records expire with its retention',
    );
  }
  return found;
}
