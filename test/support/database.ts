import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

/**
 * A fresh, migrated database for one test: an in-memory PGlite by default, or, when DATABASE_URL
 * is set, a throwaway database created on that PostgreSQL server and dropped afterwards.
 */
export async function freshStore(): Promise<Store> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const store = await openStore({ dataDir: 'memory://' });
    await migrate(store.db);
    return store;
  }
  const name = `metmec_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(url, `CREATE DATABASE ${name}`);
  const testUrl = withDatabase(url, name);
  const store = await openStore({ databaseUrl: testUrl, poolMax: 8 });
  await migrate(store.db);
  return {
    ...store,
    close: async () => {
      await store.close();
      await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
