import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { buildStubApp } from '../testing/stub.testing.js';

/**
 * Spectral (Stoplight's OpenAPI linter, the repository's .spectral.yaml: the `spectral:oas`
 * ruleset plus examples and summaries everywhere) on the document the API serves: no error, no
 * warning. Every example is also checked against its schema by the ruleset.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const spectral = createRequire(import.meta.url).resolve('@stoplight/spectral-cli/dist/index.js');

interface SpectralResult {
  code: string;
  message: string;
  path: string[];
  severity: number;
}

it('Spectral finds no problem in the served /openapi.json', async () => {
  const app = await buildStubApp();
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).body;
  await app.close();
  const dir = await mkdtemp(path.join(tmpdir(), 'spectral-'));
  try {
    const file = path.join(dir, 'openapi.json');
    await writeFile(file, document);
    const report = path.join(dir, 'report.json');
    const ruleset = path.join(root, '.spectral.yaml');
    const args = [spectral, 'lint', file, '--ruleset', ruleset, '--format', 'json', '--output', report];
    // Spectral exits 1 when it finds problems; the report file is what the test reads either way.
    await promisify(execFile)(process.execPath, args).catch(() => undefined);
    const results = JSON.parse(await readFile(report, 'utf8')) as SpectralResult[];
    const problems = results.map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`);
    expect(problems).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
