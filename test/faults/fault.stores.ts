import { PrivateCluster, PrivateRedis } from './fault.support.js';

/**
 * The live stores the fault suite runs on: a single Redis with one shard (the service as most
 * deploy it) and a 3-master Redis Cluster with 16 shards (docs/sharding.md). Each target names
 * its faults; the Redis faults are the target's own.
 */

export type Fault =
  | 'worker SIGKILL'
  | 'relay SIGKILL'
  | 'Redis restart (AOF)'
  | 'Redis FLUSHALL'
  | 'shard master SIGKILL (AOF)'
  | 'shard master FLUSHALL'
  | 'MariaDB restart'
  | 'broker SIGSTOP 10 s';

const SHARED: Fault[] = ['worker SIGKILL', 'relay SIGKILL', 'MariaDB restart', 'broker SIGSTOP 10 s'];

export interface FaultStore {
  /** The apps' env for this store. */
  env: Record<string, string>;
  /** Relay processes to run: on the cluster two, each draining at most half the shards. */
  relays: number;
  /** Injects a Redis fault of this store (a flush only once `drained` holds). */
  inject(fault: Fault, master: number): Promise<void>;
  stop(): void;
}

export interface FaultTarget {
  target: string;
  faults: Fault[];
  /** Orders with a second item: cross-shard orders on the cluster. */
  multiItem: boolean;
  start(): FaultStore;
}

export const FAULT_TARGETS: FaultTarget[] = [
  {
    target: 'one Redis, 1 shard',
    faults: [...SHARED.slice(0, 2), 'Redis restart (AOF)', 'Redis FLUSHALL', ...SHARED.slice(2)],
    multiItem: false,
    start() {
      const redis = new PrivateRedis(6390);
      redis.start(true);
      return {
        env: { REDIS_URL: redis.url },
        relays: 1,
        async inject(fault) {
          if (fault === 'Redis restart (AOF)') redis.restart();
          else if (fault === 'Redis FLUSHALL') redis.flushAll();
        },
        stop: () => redis.stop(),
      };
    },
  },
  {
    target: 'Redis Cluster, 16 shards',
    faults: [
      ...SHARED.slice(0, 2),
      'shard master SIGKILL (AOF)',
      'shard master FLUSHALL',
      ...SHARED.slice(2),
    ],
    multiItem: true,
    start() {
      const cluster = new PrivateCluster(6391);
      cluster.start();
      return {
        env: { REDIS_CLUSTER_NODES: cluster.nodes, STOCK_SHARDS: '16', RELAY_MAX_SHARDS: '8' },
        relays: 2,
        async inject(fault, master) {
          const node = cluster.masters[master % cluster.masters.length] as PrivateRedis;
          if (fault === 'shard master SIGKILL (AOF)') {
            // Its shards refuse commands until it is back with every acknowledged write (fsync always).
            node.kill();
            await new Promise((r) => setTimeout(r, 1_000));
            node.start();
            cluster.waitUntilOk();
          } else if (fault === 'shard master FLUSHALL') node.cli('flushall');
        },
        stop: () => cluster.stop(),
      };
    },
  },
];
