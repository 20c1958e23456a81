import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('infra script', () => {
  it('when everything already runs, `up` again starts nothing and says each service is running', async () => {
    // Arrange: the test command brought the infrastructure up before any test ran.
    // Act
    const { stdout } = await run('bash', ['scripts/infra.sh', 'up'], {
      timeout: 90_000,
      env: { ...process.env, REDIS_URL: '', DATABASE_URL: '', KAFKA_BROKERS: '' },
    });
    // Assert
    expect(stdout).toMatch(/Redis: already running/);
    expect(stdout).toMatch(/MariaDB: already running/);
    expect(stdout).toMatch(/Kafka already running|already running/i);
    expect(stdout).not.toMatch(/started at/);
  });

  it('when asked for an unknown action, exits with usage and code 2', async () => {
    const failure = await run('bash', ['scripts/infra.sh', 'sideways']).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 2 });
    expect(String((failure as { stderr: string }).stderr)).toMatch(/usage/);
  });
});
