import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { AdjustableClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Store } from '../../src/store/db.js';
import { freshStore } from './database.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly clock: AdjustableClock;
  close(): Promise<void>;
}

/**
 * A fresh app on a fresh database; the worker runs unless env says otherwise. Lote files are checked
 * on the main thread unless env asks for threads: under the test runner a thread loads the
 * TypeScript sources through ts-node, ≈3 s of CPU for each thread of each app, which doubled the
 * suite's time. The threads themselves are tested where they matter (test/jobs/evaluation-pool.test.ts
 * gives the same rows with and without them, and some end-to-end tests run with them).
 */
export async function buildTestApp(env: Record<string, string> = {}, clock = new AdjustableClock()): Promise<TestApp> {
  const store = await freshStore();
  const config = loadConfig({ METMEC_ADMIN_TOKEN: ADMIN_TOKEN, METMEC_WORKER_POLL_MS: '20', METMEC_EVALUATION_THREADS: '0', ...env });
  const app = await buildApp({ config, store, clock, logger: false });
  await app.ready();
  return {
    app,
    store,
    clock,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

export function adminHeaders(): Record<string, string> {
  return { authorization: `Bearer ${ADMIN_TOKEN}` };
}

export function basicAuth(usuario: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${usuario}:${password}`).toString('base64')}` };
}
