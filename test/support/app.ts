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

/** A fresh app on a fresh database; the worker runs unless env says otherwise. */
export async function buildTestApp(env: Record<string, string> = {}, clock = new AdjustableClock()): Promise<TestApp> {
  const store = await freshStore();
  const config = loadConfig({ METMEC_ADMIN_TOKEN: ADMIN_TOKEN, METMEC_WORKER_POLL_MS: '20', ...env });
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
