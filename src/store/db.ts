import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './schema.js';

export type StoreKind = 'pglite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly kind: StoreKind;
  /** Where the data lives, for logs: a data directory, `memory://`, or the URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… : use a pg pool on a real PostgreSQL. */
  readonly databaseUrl?: string | undefined;
  /** Embedded PGlite data directory, or 'memory://' for a throwaway in-memory database. */
  readonly dataDir?: string | undefined;
  readonly poolMax?: number | undefined;
}

const INT8_OID = 20;
const BYTEA_OID = 17;
const parseInt8 = (value: string): number => Number(value);
// PGlite's own bytea conversion works a byte at a time; Buffer's hex codec is ~10× faster and
// keeps large uploads (lote.archivo, documento.xml) from dominating upload and claim times.
const parseBytea = (value: string): Buffer => Buffer.from(value.slice(2), 'hex');
const serializeBytea = (value: Uint8Array): string => `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolMax ?? 10);
  return openPglite(options.dataDir ?? './data');
}

async function openPostgres(url: string, max: number): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process; the next query reports the error.
  pool.on('error', () => {});
  // lz4 compresses the per-document checks JSON and XML about 3x faster than the default pglz.
  // A server built without lz4 refuses the setting; then the default stays.
  pool.on('connect', (client) => {
    client.query('SET default_toast_compression = lz4').catch(() => {});
    // The pool listens for errors only on idle clients. A client checked out when its server goes
    // away (a restart, a terminated backend) emits 'error' too, and an unheard 'error' event ends
    // the process; the query in flight is rejected with the same error, and the pool drops the
    // client when it is released (it is no longer queryable), so listening is enough.
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', location: redactUrl(url), close: () => db.destroy() };
}

async function openPglite(dataDir: string): Promise<Store> {
  const inMemory = dataDir.startsWith('memory://');
  const unlock = inMemory ? () => {} : lockDataDir(dataDir);
  try {
    const pglite = await PGlite.create(inMemory ? 'memory://' : dataDir, {
      parsers: { [INT8_OID]: parseInt8, [BYTEA_OID]: parseBytea },
      serializers: { [BYTEA_OID]: serializeBytea as (value: unknown) => string },
    });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: 'pglite',
      location: inMemory ? 'memory://' : dataDir,
      close: async () => {
        try {
          await db.destroy();
        } finally {
          unlock();
        }
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

/** Runs `work` in a transaction: `db`'s own when it already is one, a new one otherwise. */
export function inTransaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
