// The API's documents and the typed client generated from them, as committed files:
//
//   pnpm openapi            writes docs/openapi.json, docs/asyncapi.json and
//                           packages/client/src/openapi.generated.ts
//   pnpm openapi --check    exits 1 when one of them differs from what the code produces
//
// A test runs the check too, so a route change without `pnpm openapi` fails CI.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openApiFiles } from './openapi/openapi.files.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const stale: string[] = [];
  for (const [file, content] of Object.entries(await openApiFiles())) {
    const current = await readFile(file, 'utf8').catch(() => '');
    if (current === content) continue;
    if (values.check) {
      stale.push(file);
      continue;
    }
    await writeFile(file, content);
    process.stdout.write(`wrote ${file}\n`);
  }
  if (stale.length > 0) {
    process.stderr.write(`out of date (run \`pnpm openapi\`): ${stale.join(', ')}\n`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
