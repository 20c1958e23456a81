// Waits until a Kafka broker answers admin requests (describeCluster + listTopics).
// Usage: node scripts/kafka/wait-ready.mjs --brokers 127.0.0.1:9092 [--timeout 60] [--pid N] [--log FILE]...
// Exit 0 when ready; 1 on timeout, 2 when --pid died first. On failure prints the last 60 lines of each --log.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// kafkajs is a dependency of packages/core only (pnpm does not hoist it to the root).
const require = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const { Kafka, logLevel } = require('kafkajs');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const brokers = opt('brokers', process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const timeoutMs = Number(opt('timeout', '60')) * 1000;
const pid = opt('pid');
const logs = args.flatMap((a, i) => (a === '--log' ? [args[i + 1]] : []));
const quiet = args.includes('--quiet');

const alive = (p) => {
  try {
    process.kill(Number(p), 0);
    return true;
  } catch {
    return false;
  }
};

const fail = (code, message) => {
  if (!quiet) {
    console.error(message);
    for (const file of logs) {
      if (!existsSync(file)) continue;
      console.error(`---- last 60 lines of ${file} ----`);
      console.error(readFileSync(file, 'utf8').split('\n').slice(-61).join('\n'));
    }
  }
  process.exit(code);
};

// No kafkajs retries or logs: this loop is the retry, and connection refusals are expected.
const kafka = new Kafka({
  clientId: 'kafka-wait-ready',
  brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 3000,
  retry: { retries: 0 },
});
const deadline = Date.now() + timeoutMs;
let lastError = 'no attempt';
while (Date.now() < deadline) {
  if (pid && !alive(pid)) fail(2, `Kafka process ${pid} exited before it became ready.`);
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.listTopics();
    await admin.disconnect();
    if (!quiet)
      console.log(
        `Broker ready: ${cluster.brokers.map((b) => `${b.host}:${b.port}`).join(',')} (cluster ${cluster.clusterId})`,
      );
    process.exit(0);
  } catch (err) {
    lastError = err?.message ?? String(err);
    await admin.disconnect().catch(() => {});
  }
  await new Promise((r) => setTimeout(r, 300));
}
fail(1, `Kafka at ${brokers.join(',')} not ready after ${timeoutMs / 1000}s (last error: ${lastError}).`);
