import { loadConfig } from '@inventory/core';
import { buildApp } from '../app.js';
import { offlineDeps } from '../offline.deps.js';

/**
 * The OpenAPI document exactly as the API serves it at /openapi.json, built without Redis or
 * MariaDB (nothing is called while the routes are registered).
 */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({ JWT_SECRET: 'openapi-export-only-0123456789abcdef' });
  const notConnected = () => new Error('the OpenAPI export has no Redis or MariaDB');
  const app = await buildApp(offlineDeps(config, notConnected));
  try {
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
