import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '@inventory/core';
import { signToken } from './token.signer.js';

/**
 * Prints a signed HS256 JWT for trying the API locally:
 *   pnpm --filter @inventory/api token -- --role ADMIN [--role SERVICE] [--sub alice] [--ttl 3600]
 * The key is JWT_SECRET, else the local secret `pnpm start` keeps in .data/jwt-secret.
 */

/** The secret `scripts/start.sh` creates when JWT_SECRET is unset (same depth from src/ and dist/). */
export const localSecretFile = fileURLToPath(new URL('../../../.data/jwt-secret', import.meta.url));

export function readLocalSecret(): string | undefined {
  try {
    const secret = readFileSync(localSecretFile, 'utf8').trim();
    return secret === '' ? undefined : secret;
  } catch {
    return undefined;
  }
}

/** The key tokens are signed with: JWT_SECRET, else the local dev secret (undefined: neither). */
export function tokenSecret(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return loadConfig(env).http.jwtSecret ?? readLocalSecret();
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      role: { type: 'string', multiple: true, default: ['ADMIN'] },
      sub: { type: 'string', default: 'local-admin' },
      ttl: { type: 'string', default: '3600' },
    },
  });
  const secret = tokenSecret();
  if (secret === undefined) {
    process.stderr.write(
      'No JWT_SECRET set and no .data/jwt-secret (run `pnpm start` once, or export JWT_SECRET).\n',
    );
    process.exit(1);
  }
  const ttlSeconds = Number(values.ttl);
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1)
    throw new Error('--ttl must be a positive integer');
  process.stdout.write(`${signToken({ secret, sub: values.sub, roles: values.role, ttlSeconds })}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
