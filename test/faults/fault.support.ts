import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SeenRecord, TestStack } from '../support/pipeline.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A Redis of the fault suite's own (AOF on, noeviction) on another port, so restarting or
 * flushing it never touches the machine's shared Redis.
 */
export class PrivateRedis {
  readonly dir: string;
  constructor(readonly port: number) {
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
    ]);
    this.waitFor(true);
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

/** The pid of the Kafka broker the tests use (scripts/kafka.sh keeps it), for SIGSTOP/SIGCONT. */
export function brokerPid(): number | undefined {
  const out = spawnSync('pgrep', ['-f', 'kafka\\.Kafka']).stdout?.toString().trim().split('\n')[0];
  return out ? Number(out) : undefined;
}

export type OrderFate = 'confirm' | 'cancel' | 'expire';

export interface Workload {
  orders: { id: number; sku: string; qty: number; fate: OrderFate }[];
  skus: string[];
  initial: number;
}

/** A deterministic mixed workload from a seed (a small LCG: same seed, same orders). */
export function makeWorkload(seed: number, count: number): Workload {
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  const skus = ['F0', 'F1', 'F2', 'F3', 'F4'];
  const fates: OrderFate[] = ['confirm', 'cancel', 'expire'];
  const orders = Array.from({ length: count }, (_, i) => ({
    id: seed * 1_000_000 + i + 1,
    sku: skus[Math.floor(next() * skus.length)] as string,
    qty: 1 + Math.floor(next() * 3),
    fate: fates[Math.floor(next() * fates.length)] as OrderFate,
  }));
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
