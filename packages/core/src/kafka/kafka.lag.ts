import type { Admin } from 'kafkajs';

/** A consumer group and the topics it consumes. */
export interface GroupTopics {
  groupId: string;
  topics: string[];
}

/** Messages on one partition that the group has not committed yet. */
export interface PartitionLag {
  groupId: string;
  topic: string;
  partition: number;
  lag: number;
}

/**
 * End offset minus committed offset. A partition the group never committed (`-1`) counts from
 * its earliest retained offset, where a new worker group starts (WORKER_FROM_BEGINNING=true); so
 * does a committed offset that retention has already deleted.
 */
export function partitionLag(committed: string, high: string, low: string): number {
  const earliest = BigInt(low);
  const next = committed === '-1' || committed === '' ? earliest : BigInt(committed);
  const lag = BigInt(high) - (next > earliest ? next : earliest);
  return lag > 0n ? Number(lag) : 0;
}

/**
 * The lag of every partition of every group, read from the broker (committed offsets against end
 * offsets), as lag exporters do: it also shows a consumer that is stuck or gone, which the
 * consumer's own fetch statistics cannot.
 */
export async function readConsumerLag(admin: Admin, groups: GroupTopics[]): Promise<PartitionLag[]> {
  const topics = [...new Set(groups.flatMap((g) => g.topics))];
  const ends = new Map(
    await Promise.all(
      topics.map(async (topic) => {
        const offsets = await admin.fetchTopicOffsets(topic);
        return [topic, new Map(offsets.map((p) => [p.partition, p]))] as const;
      }),
    ),
  );
  const rows: PartitionLag[] = [];
  for (const { groupId, topics: groupTopics } of groups) {
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: groupTopics })) {
      for (const { partition, offset } of partitions) {
        const end = ends.get(topic)?.get(partition);
        if (end) rows.push({ groupId, topic, partition, lag: partitionLag(offset, end.high, end.low) });
      }
    }
  }
  return rows;
}
