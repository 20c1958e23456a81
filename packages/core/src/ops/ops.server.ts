import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger.js';

/** Named dependency checks; the process is ready when every one answers true. */
export type ReadinessChecks = () => Promise<Record<string, boolean>>;

export interface OpsServerOptions {
  port: number;
  registry: Registry;
  ready: ReadinessChecks;
  logger: Logger;
}

export interface OpsServer {
  close(): Promise<void>;
}

/**
 * /health/live, /health/ready and /metrics for the processes without an HTTP API (worker, relay),
 * so probes and Prometheus see an outage of Redis, MariaDB or Kafka, or a restore in progress.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer | undefined> {
  if (options.port === 0) return undefined;
  const server: Server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.url === '/health/live') return send(200, 'application/json', '{"status":"UP"}');
    if (req.url === '/health/ready') {
      options
        .ready()
        .then((checks) => {
          const up = Object.values(checks).every(Boolean);
          send(up ? 200 : 503, 'application/json', JSON.stringify({ status: up ? 'UP' : 'DOWN', checks }));
        })
        .catch(() => send(503, 'application/json', '{"status":"DOWN"}'));
      return;
    }
    if (req.url === '/metrics') {
      options.registry
        .metrics()
        .then((text) => send(200, options.registry.contentType, text))
        .catch(() => send(500, 'text/plain', 'metrics unavailable'));
      return;
    }
    send(404, 'application/json', '{"status":"NOT_FOUND"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, resolve);
  });
  options.logger.info({ port: options.port }, 'health and metrics listening');
  return { close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Runs a check with a short deadline: a hung dependency reads as down, not as a hung probe. */
export async function probe(check: () => Promise<unknown>, timeoutMs = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      check().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
