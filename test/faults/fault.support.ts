import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SeenRecord, TestStack } from '../support/pipeline.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A Redis of the fault suite's own (AOF on, noeviction) on another port, so restarting or
 * flushing it never touches the machine's shared Redis.
 */
export class PrivateRedis {
  readonly dir: string;
  /** `cluster`: a node of a Redis Cluster (see PrivateCluster). */
  constructor(
    readonly port: number,
    readonly cluster = false,
  ) {
    this.dir = `${root}.data/fault-redis-${port}`;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  start(fresh = false): void {
    if (fresh) rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    execFileSync('redis-server', [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '--port',
      String(this.port),
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
      '--dir',
      this.dir,
      '--logfile',
      `${this.dir}/redis.log`,
      '--pidfile',
      `${this.dir}/redis.pid`,
      ...(this.cluster
        ? [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '5000',
          ]
        : []),
    ]);
    this.waitFor(true);
  }

  /** SIGKILL, as a crashed master: no shutdown, nothing written beyond what AOF already holds. */
  kill(): void {
    const pid = Number(readFileSync(`${this.dir}/redis.pid`, 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    this.waitFor(false);
  }

  /** SHUTDOWN without saving an RDB: what survives is what the append-only file holds. */
  restart(): void {
    spawnSync('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave']);
    this.waitFor(false);
    this.start();
  }

  stop(): void {
    spawnSync('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave']);
  }

  flushAll(): void {
    execFileSync('redis-cli', ['-p', String(this.port), 'flushall']);
  }

  /** A command's reply as text (redis-cli). */
  cli(...args: string[]): string {
    return spawnSync('redis-cli', ['-p', String(this.port), ...args]).stdout?.toString() ?? '';
  }

  private waitFor(up: boolean): void {
    for (let i = 0; i < 100; i++) {
      const ok = spawnSync('redis-cli', ['-p', String(this.port), 'ping'])
        .stdout?.toString()
        .includes('PONG');
      if (ok === up) return;
      spawnSync('sleep', ['0.1']);
    }
    throw new Error(`redis on ${this.port} did not ${up ? 'start' : 'stop'}`);
  }
}

/**
 * Three masters of a Redis Cluster of the fault suite's own (AOF with fsync always, noeviction),
 * joined by `redis-cli --cluster create`, so a master can be killed or flushed without touching
 * the cluster the other tests share.
 */
export class PrivateCluster {
  readonly masters: PrivateRedis[];
  constructor(firstPort: number) {
    this.masters = [0, 1, 2].map((i) => new PrivateRedis(firstPort + i, true));
  }

  get nodes(): string {
    return this.masters.map((m) => `127.0.0.1:${m.port}`).join(',');
  }

  start(): void {
    for (const master of this.masters) master.start(true);
    execFileSync('redis-cli', [
      '--cluster',
      'create',
      ...this.nodes.split(','),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    this.waitUntilOk();
  }

  /** Until every master sees every slot served (after a create, or a master's restart). */
  waitUntilOk(): void {
    for (let i = 0; i < 300; i++) {
      if (this.masters.every((m) => m.cli('cluster', 'info').includes('cluster_state:ok'))) return;
      spawnSync('sleep', ['0.1']);
    }
    throw new Error('the private Redis Cluster did not reach cluster_state:ok');
  }

  stop(): void {
    for (const master of this.masters) master.stop();
  }
}

/** The pid of the Kafka broker the tests use (scripts/kafka.sh keeps it), for SIGSTOP/SIGCONT. */
export function brokerPid(): number | undefined {
  const out = spawnSync('pgrep', ['-f', 'kafka\\.Kafka']).stdout?.toString().trim().split('\n')[0];
  return out ? Number(out) : undefined;
}

export type OrderFate = 'confirm' | 'cancel' | 'expire';

export interface Workload {
  /** `sku`/`qty`: the first item; `items`: every item (a second one in multi-item workloads). */
  orders: {
    id: number;
    sku: string;
    qty: number;
    items: { skuId: string; quantity: number }[];
    fate: OrderFate;
  }[];
  skus: string[];
  initial: number;
}

/**
 * A deterministic mixed workload from a seed (a small LCG: same seed, same orders). With
 * `multiItem`, every third order also asks for one unit of another SKU (on a sharded store, often
 * on another shard: a cross-shard order).
 */
export function makeWorkload(seed: number, count: number, multiItem = false): Workload {
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  const skus = ['F0', 'F1', 'F2', 'F3', 'F4'];
  const fates: OrderFate[] = ['confirm', 'cancel', 'expire'];
  const orders = Array.from({ length: count }, (_, i) => {
    const at = Math.floor(next() * skus.length);
    const order = {
      id: seed * 1_000_000 + i + 1,
      sku: skus[at] as string,
      qty: 1 + Math.floor(next() * 3),
      fate: fates[Math.floor(next() * fates.length)] as OrderFate,
    };
    const items = [{ skuId: order.sku, quantity: order.qty }];
    if (multiItem && i % 3 === 0)
      items.push({ skuId: skus[(at + 1 + (i % 4)) % skus.length] as string, quantity: 1 });
    return { ...order, items };
  });
  return { orders, skus, initial: Math.floor(count * 0.6) };
}

export function inbound(
  id: string,
  type: string,
  orderId: number,
  items?: { skuId: string; quantity: number }[],
) {
  return JSON.stringify({
    id,
    specversion: '1.0',
    type,
    source: 'fault-suite',
    time: Date.now() / 1000,
    data: { orderId, ...(items ? { items } : {}), correlationId: String(orderId) },
  });
}

const OUTCOMES = new Set([
  'stock.reserved',
  'stock.reservation.failed',
  'stock.confirmed',
  'stock.confirm.failed',
  'stock.released',
]);

/** Outcome events de-duplicated by event id, in the order they were seen. */
export function distinctOutcomes(stack: TestStack): SeenRecord[] {
  const ids = new Set<string>();
  return stack.seen.filter((r) => {
    const id = r.event?.id;
    if (!id || !OUTCOMES.has(r.event?.type ?? '') || ids.has(id)) return false;
    ids.add(id);
    return true;
  });
}

function mariadbAnswers(): boolean {
  return spawnSync('mariadb-admin', ['--protocol=tcp', '-h', '127.0.0.1', '-uroot', 'ping']).status === 0;
}

/** Stops the machine's MariaDB for `outageMs`, then starts it again (the shared server: CI only). */
export async function restartMariaDb(outageMs: number): Promise<void> {
  spawnSync('mariadb-admin', ['--protocol=tcp', '-h', '127.0.0.1', '-uroot', 'shutdown']);
  for (let i = 0; i < 300 && mariadbAnswers(); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, outageMs));
  execFileSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd']);
  for (let i = 0; i < 600 && !mariadbAnswers(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!mariadbAnswers()) throw new Error('MariaDB did not come back');
}
