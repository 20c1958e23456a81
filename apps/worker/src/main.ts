import { runService } from '@inventory/core';

// Foundation stage: connects to Redis, MariaDB and Kafka, reports ready, exits cleanly on SIGTERM.
await runService('worker', async () => async () => {});
