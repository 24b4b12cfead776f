import { Partitioners, type PartitionMetadata } from 'kafkajs';

const partitioner = Partitioners.DefaultPartitioner();

/**
 * The partition a keyed message goes to under the default partitioner (murmur2 of the key, as the
 * Java client and kafkajs both use):  p = (murmur2(key) & 0x7fffffff) mod partitions.
 * Page events are keyed by pageId, so this says which input partition holds a page's events.
 */
export function partitionOfKey(key: string | Buffer, partitions: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, i) => ({
    partitionErrorCode: 0,
    partitionId: i,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  return partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
