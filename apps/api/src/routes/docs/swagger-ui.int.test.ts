import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStubApp } from '../../testing/stub.testing.js';

/**
 * Swagger UI really renders the document: Debian's chromium, headless, against the app on a free
 * loopback port. Skipped only when /usr/bin/chromium is not installed (`apt-get install chromium`).
 * The screenshot is kept at SCREENSHOT for a human to look at.
 */

const chromium = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/inventory-api-swagger-ui.png';
const run = promisify(execFile);

let app: FastifyInstance;
let url: string;
let profile: string;

function chromiumArgs(extra: string[]): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    '--window-size=1280,2400',
    // Lets Swagger UI fetch the document and render before the page is captured.
    '--virtual-time-budget=15000',
    ...extra,
  ];
}

describe.skipIf(!existsSync(chromium))('Swagger UI in headless chromium', () => {
  beforeAll(async () => {
    app = await buildStubApp();
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    url = `${address}/docs`;
    profile = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  });
  afterAll(async () => {
    await app?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('renders every route group and operation of the document', async () => {
    const { stdout } = await run(chromium, chromiumArgs(['--dump-dom', url]), {
      timeout: 90_000,
      maxBuffer: 64 << 20,
    });
    expect(stdout).toContain('Inventory service API');
    for (const route of [
      '/api/v1/inventory/{skuId}',
      '/api/v1/inventory/bulk',
      '/api/v1/inventory/{skuId}/history',
      '/api/v1/admin/inventory/{skuId}/decrease',
      '/api/v1/reservations/{orderId}/confirm',
      '/health/ready',
    ]) {
      expect(stdout).toContain(`data-path="${route}"`);
    }
  });

  it('takes a screenshot of the page', async () => {
    rmSync(SCREENSHOT, { force: true });
    await run(chromium, chromiumArgs([`--screenshot=${SCREENSHOT}`, url]), { timeout: 90_000 });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe('PNG');
    // A blank page compresses to a few KB; the rendered UI is far larger.
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(50_000);
  });
});
