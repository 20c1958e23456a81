import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, InventoryError } from '../errors/index.js';
import { ENV_VARIABLES, loadConfig, requireJwtSecret } from './index.js';

/** Loads the config expecting a ConfigError, and returns it for inspection. */
function configErrorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

const SECRET_32 = 'x'.repeat(32);

describe('loadConfig', () => {
  describe('defaults', () => {
    it('when the environment is empty, returns the local-development config', () => {
      const config = loadConfig({});

      expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379/0', clusterNodes: undefined });
      expect(config.database).toEqual({
        host: '127.0.0.1',
        port: 3306,
        user: 'root',
        password: undefined,
        database: 'inventory',
      });
      expect(config.kafka).toMatchObject({
        brokers: ['127.0.0.1:9092'],
        clientId: 'inventory-service',
        groupIdPrefix: 'inventory-service',
        partitions: 3,
        replicationFactor: 1,
      });
      expect(config.http).toEqual({
        host: '0.0.0.0',
        port: 8083,
        jwtSecret: undefined,
        readsPublic: false,
        rateLimitMax: 6000,
        rateLimitServiceMax: 0,
        bodyLimitBytes: 1_048_576,
      });
      expect(config.stock).toEqual({
        keyPrefix: 'inventory:',
        reservationTtlSeconds: 900,
        idempotencyTtlSeconds: 86_400,
        finishedReservationTtlSeconds: 604_800,
        shards: 1,
      });
      expect(config.worker).toEqual({
        consumers: ['order-placed', 'order-confirmed', 'order-cancelled', 'sku-created'],
        batchSize: 100,
        fromBeginning: true,
      });
      expect(config.relay).toEqual({
        batchSize: 500,
        pollIntervalMs: 100,
        outboxRetentionHours: 24,
        expirySweepIntervalMs: 1000,
        lockName: 'inventory-relay',
        maxShards: undefined,
      });
      expect(config.events).toEqual({ source: 'inventory-service' });
      expect(config.log).toEqual({ level: 'info', pretty: false });
    });

    it('when the sharding settings are given, reads the cluster nodes, the shard count and the relay limit', () => {
      const config = loadConfig({
        REDIS_CLUSTER_NODES: '10.0.0.1:7001, redis-2:7002',
        STOCK_SHARDS: '16',
        RELAY_MAX_SHARDS: '4',
      });

      expect(config.redis.clusterNodes).toEqual(['10.0.0.1:7001', 'redis-2:7002']);
      expect(config.stock.shards).toBe(16);
      expect(config.relay.maxShards).toBe(4);
    });

    it('when the sharding settings are out of range, names each bad variable', () => {
      expect(() =>
        loadConfig({ REDIS_CLUSTER_NODES: 'redis-1', STOCK_SHARDS: '0', RELAY_MAX_SHARDS: '2000' }),
      ).toThrow(
        /REDIS_CLUSTER_NODES: must be a comma-separated list of host:port[\s\S]*STOCK_SHARDS[\s\S]*RELAY_MAX_SHARDS/,
      );
    });

    it('when no topic is overridden, uses the contract topic names', () => {
      const { topics } = loadConfig({}).kafka;

      expect(topics).toEqual({
        orderPlaced: 'koosco.commerce.order.placed',
        orderConfirmed: 'koosco.commerce.order.confirmed',
        orderCancelled: 'koosco.commerce.order.cancelled',
        skuCreated: 'koosco.commerce.sku.created',
        productDefault: 'koosco.commerce.product.default',
        stockReserved: 'koosco.commerce.stock.reserved',
        stockReservationFailed: 'koosco.commerce.stock.reservation.failed',
        stockConfirmed: 'koosco.commerce.stock.confirmed',
        stockConfirmFailed: 'koosco.commerce.stock.confirm.failed',
        stockReleased: 'koosco.commerce.stock.released',
        stockAdjusted: 'koosco.commerce.stock.adjusted',
        stockDepleted: 'koosco.commerce.stock.depleted',
        stockRestored: 'koosco.commerce.stock.restored',
        stockLow: 'koosco.commerce.stock.low',
      });
    });

    it('when a variable is set to the empty string, treats it as unset', () => {
      const config = loadConfig({ HTTP_PORT: '', REDIS_URL: '', LOG_PRETTY: '', JWT_SECRET: '' });

      expect(config.http.port).toBe(8083);
      expect(config.redis.url).toBe('redis://127.0.0.1:6379/0');
      expect(config.log.pretty).toBe(false);
      expect(config.http.jwtSecret).toBeUndefined();
    });
  });

  describe('service variables', () => {
    it('when DATABASE_URL is a mariadb:// URL with escapes, decodes every part', () => {
      const config = loadConfig({ DATABASE_URL: 'mariadb://app:p%40ss%3Aword@db.internal:3307/stock-db' });

      expect(config.database).toEqual({
        host: 'db.internal',
        port: 3307,
        user: 'app',
        password: 'p@ss:word',
        database: 'stock-db',
      });
    });

    it('when DATABASE_URL has no port, uses 3306', () => {
      expect(loadConfig({ DATABASE_URL: 'mysql://app@db/inv' }).database.port).toBe(3306);
    });

    it('when a topic variable is set, overrides only that topic', () => {
      const { topics } = loadConfig({
        TOPIC_ORDER_PLACED: 'staging.order.placed',
        TOPIC_STOCK_LOW: 'staging.low',
      }).kafka;

      expect(topics.orderPlaced).toBe('staging.order.placed');
      expect(topics.stockLow).toBe('staging.low');
      expect(topics.orderConfirmed).toBe('koosco.commerce.order.confirmed');
    });

    it('when WORKER_CONSUMERS names a subset with a duplicate, returns each once in order', () => {
      expect(
        loadConfig({ WORKER_CONSUMERS: 'sku-created, order-placed,sku-created' }).worker.consumers,
      ).toEqual(['sku-created', 'order-placed']);
    });

    it('when JWT_SECRET has 32 characters, accepts it', () => {
      expect(loadConfig({ JWT_SECRET: SECRET_32 }).http.jwtSecret).toBe(SECRET_32);
    });
  });

  describe('fallbacks from the original service (docs/contract.md §5)', () => {
    it.each([
      [{ REDIS_HOST: 'cache', REDIS_PORT: '6380' }, 'redis://cache:6380/0'],
      [{ REDIS_HOST: 'cache' }, 'redis://cache:6379/0'],
      [{ REDIS_PORT: '6390' }, 'redis://127.0.0.1:6390/0'],
    ])('when Redis is given as %j, builds the URL %s', (env, url) => {
      expect(loadConfig(env).redis.url).toBe(url);
    });

    it('when every DB_* variable is set, uses each of them', () => {
      const config = loadConfig({
        DB_HOST: 'mariadb',
        DB_PORT: '3310',
        DB_NAME: 'inv',
        DB_USERNAME: 'svc',
        DB_PASSWORD: 's3cret',
      });

      expect(config.database).toEqual({
        host: 'mariadb',
        port: 3310,
        user: 'svc',
        password: 's3cret',
        database: 'inv',
      });
    });

    it('when DB_* variables are set without DB_NAME, keeps the default database and says so', () => {
      const config = loadConfig({ DB_HOST: 'mariadb', DB_USERNAME: 'svc', DB_PASSWORD: 's3cret' });

      expect(config.database).toEqual({
        host: 'mariadb',
        port: 3306,
        user: 'svc',
        password: 's3cret',
        database: 'inventory',
      });
      expect(config.warnings).toEqual([
        expect.stringContaining("DB_NAME is not set: using database 'inventory'"),
      ]);
    });

    it('when only DB_PASSWORD is set, changes nothing else', () => {
      expect(loadConfig({ DB_PASSWORD: 'pw' }).database).toEqual({
        host: '127.0.0.1',
        port: 3306,
        user: 'root',
        database: 'inventory',
        password: 'pw',
      });
    });

    it('when KAFKA_GROUP_ID (the former name) is set, reads it as the group prefix and warns', () => {
      const former = loadConfig({ KAFKA_GROUP_ID: 'legacy' });
      const both = loadConfig({ KAFKA_GROUP_ID: 'legacy', KAFKA_GROUP_ID_PREFIX: 'new' });

      expect(former.kafka.groupIdPrefix).toBe('legacy');
      expect(former.warnings).toEqual([
        expect.stringContaining('KAFKA_GROUP_ID is read as KAFKA_GROUP_ID_PREFIX'),
      ]);
      expect(both.kafka.groupIdPrefix).toBe('new');
      expect(both.warnings).toEqual(['KAFKA_GROUP_ID is ignored: KAFKA_GROUP_ID_PREFIX is set']);
      expect(loadConfig({}).warnings).toEqual([]);
    });

    it.each([
      [{ SPRING_KAFKA_BOOTSTRAP_SERVERS: 'kafka-1:9092,kafka-2:9092' }, ['kafka-1:9092', 'kafka-2:9092']],
      [{ KAFKA_BROKERS: 'k1:9092, k2:9093 ,k3:9094' }, ['k1:9092', 'k2:9093', 'k3:9094']],
    ])('when brokers are given as %j, returns them trimmed in order', (env, brokers) => {
      expect(loadConfig(env).kafka.brokers).toEqual(brokers);
    });
  });

  describe('own variable wins over the fallback', () => {
    it('when DATABASE_URL and DB_* are both set, uses DATABASE_URL', () => {
      const config = loadConfig({
        DATABASE_URL: 'mysql://own:pw@own-db:3306/own',
        DB_HOST: 'legacy-db',
        DB_PORT: '3399',
        DB_NAME: 'legacy',
        DB_USERNAME: 'legacy',
        DB_PASSWORD: 'legacy',
      });

      expect(config.database).toEqual({
        host: 'own-db',
        port: 3306,
        user: 'own',
        password: 'pw',
        database: 'own',
      });
    });

    it('when REDIS_URL and KAFKA_BROKERS are set with their fallbacks, uses REDIS_URL and KAFKA_BROKERS', () => {
      const config = loadConfig({
        REDIS_URL: 'redis://own:6379/2',
        REDIS_HOST: 'legacy',
        REDIS_PORT: '7000',
        KAFKA_BROKERS: 'own:9092',
        SPRING_KAFKA_BOOTSTRAP_SERVERS: 'legacy:9092',
      });

      expect(config.redis.url).toBe('redis://own:6379/2');
      expect(config.kafka.brokers).toEqual(['own:9092']);
    });
  });

  describe('bad input', () => {
    it('when several variables are bad, throws one ConfigError naming every one of them', () => {
      const bad = {
        REDIS_URL: 'http://not-redis',
        DATABASE_URL: 'postgres://u@h/db',
        KAFKA_BROKERS: 'kafka-without-port',
        HTTP_PORT: '12abc',
        HTTP_READS_PUBLIC: 'yes?',
        LOG_LEVEL: 'verbose',
        WORKER_CONSUMERS: 'order-placed,order-shipped',
        JWT_SECRET: 'too-short',
        TOPIC_ORDER_PLACED: 'bad topic name',
        DB_PORT: '-1',
        REDIS_KEY_PREFIX: 'inv:{x}:',
      };

      const error = configErrorFor(bad);

      for (const name of Object.keys(bad)) expect(error.message).toContain(name);
      expect(error.issues.map((issue) => issue.variable).sort()).toEqual(Object.keys(bad).sort());
    });

    it('when it throws, the error is a non-retryable INV_CONFIG InventoryError that never echoes values', () => {
      const error = configErrorFor({
        DATABASE_URL: 'postgres://user:hunter2hunter2@h/db',
        JWT_SECRET: 'tiny-secret-value',
      });

      expect(error).toBeInstanceOf(InventoryError);
      expect(error.code).toBe('INV_CONFIG');
      expect(error.retryable).toBe(false);
      expect(error.name).toBe('ConfigError');
      expect(error.message).not.toContain('hunter2');
      expect(error.message).not.toContain('tiny-secret-value');
    });

    it('when JWT_SECRET is shorter than 32 characters, rejects it', () => {
      const error = configErrorFor({ JWT_SECRET: 'x'.repeat(31) });

      expect(error.issues).toEqual([{ variable: 'JWT_SECRET', reason: expect.stringContaining('32') }]);
    });

    it.each(['true', '1'])('when a boolean is %j, reads true', (raw) => {
      expect(loadConfig({ HTTP_READS_PUBLIC: raw, LOG_PRETTY: raw }).http.readsPublic).toBe(true);
    });

    it.each(['false', '0'])('when a boolean is %j, reads false', (raw) => {
      expect(loadConfig({ HTTP_READS_PUBLIC: raw }).http.readsPublic).toBe(false);
    });

    it.each(['yes?', 'yes', 'no', 'on', 'TRUE', ' true', '2'])('when a boolean is %j, rejects it', (raw) => {
      expect(configErrorFor({ LOG_PRETTY: raw }).issues.map((issue) => issue.variable)).toEqual([
        'LOG_PRETTY',
      ]);
    });

    it.each(['12abc', '1e3', '0x10', ' 8083', '8083 ', '80.5', '-1', '0', '65536', '+80'])(
      'when a port is %j, rejects it',
      (raw) => {
        expect(configErrorFor({ HTTP_PORT: raw }).issues.map((issue) => issue.variable)).toEqual([
          'HTTP_PORT',
        ]);
      },
    );

    it('when a number is written with digits only, accepts it', () => {
      expect(loadConfig({ HTTP_PORT: '9000', RELAY_BATCH_SIZE: '0250' }).http.port).toBe(9000);
    });

    it('when an integer is beyond 2^53, rejects it instead of rounding', () => {
      expect(configErrorFor({ RELAY_POLL_INTERVAL_MS: '9007199254740993' }).issues[0]?.variable).toBe(
        'RELAY_POLL_INTERVAL_MS',
      );
    });

    it('when DATABASE_URL carries query options, rejects it rather than ignoring them', () => {
      expect(configErrorFor({ DATABASE_URL: 'mysql://u@h/db?ssl=true' }).issues[0]?.variable).toBe(
        'DATABASE_URL',
      );
    });

    it('when a fallback variable is bad, names that variable', () => {
      const error = configErrorFor({
        DB_PORT: 'abc',
        REDIS_PORT: '70000',
        SPRING_KAFKA_BOOTSTRAP_SERVERS: 'a:b',
      });

      expect(error.issues.map((issue) => issue.variable).sort()).toEqual([
        'DB_PORT',
        'REDIS_PORT',
        'SPRING_KAFKA_BOOTSTRAP_SERVERS',
      ]);
    });
  });
});

describe('requireJwtSecret', () => {
  it('when JWT_SECRET is absent, throws a ConfigError naming JWT_SECRET', () => {
    const config = loadConfig({});

    expect(() => requireJwtSecret(config)).toThrow(ConfigError);
    expect(() => requireJwtSecret(config)).toThrow(/JWT_SECRET/);
  });

  it('when JWT_SECRET is set, returns it', () => {
    expect(requireJwtSecret(loadConfig({ JWT_SECRET: SECRET_32 }))).toBe(SECRET_32);
  });
});

describe('.env.example', () => {
  const text = readFileSync(new URL('../../../../.env.example', import.meta.url), 'utf8');
  const entries = [...text.matchAll(/^(# )?([A-Z][A-Z0-9_]*)=(.*)$/gm)];

  it('when compared with the schema, documents every variable exactly once', () => {
    const documented = entries.map((match) => match[2]);

    expect([...documented].sort()).toEqual([...ENV_VARIABLES].sort());
  });

  it('when its uncommented values are loaded, yields the same config as the defaults', () => {
    const env = Object.fromEntries(entries.filter((match) => !match[1]).map((match) => [match[2], match[3]]));

    expect(loadConfig(env)).toEqual(loadConfig({}));
  });
});
