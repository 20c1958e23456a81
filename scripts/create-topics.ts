// Creates every topic of the service, idempotently: `pnpm topics`.
// Partitions and replication come from KAFKA_PARTITIONS and KAFKA_REPLICATION_FACTOR (see .env.example).
import { pathToFileURL } from 'node:url';
import { createLogger, createMessageBus, loadConfig, serviceTopics } from '../packages/core/src/index.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ name: 'topics', level: 'warn', pretty: false });
  const bus = createMessageBus({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger });
  const spec = { partitions: config.kafka.partitions, replicationFactor: config.kafka.replicationFactor };
  const { created, existing } = await bus.ensureTopics(serviceTopics(config.kafka.topics), spec);
  console.log(
    `[topics] Kafka ${config.kafka.brokers.join(',')}: created ${created.length}, already existed ${existing.length}`,
  );
  for (const t of created)
    console.log(
      `[topics]   created ${t} (partitions ${spec.partitions}, replication ${spec.replicationFactor})`,
    );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(`[topics] failed: ${(err as Error).message}`);
    process.exit(1);
  });
}
