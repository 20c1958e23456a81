import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openApiFiles } from './openapi.files.js';

// The committed documents and client types are what the code produces: a route, schema or event
// change without `pnpm openapi` fails here, before a consumer generates from a stale file.
it('docs/openapi.json, docs/asyncapi.json and the client types are up to date (`pnpm openapi`)', async () => {
  for (const [file, expected] of Object.entries(await openApiFiles())) {
    const committed = await readFile(file, 'utf8').catch(() => '(missing)');
    expect(committed === expected, `${path.basename(file)} is stale: run \`pnpm openapi\``).toBe(true);
  }
}, 60_000);
