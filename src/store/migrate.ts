import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { repoPath } from '../repo-path.js';

export interface Migration {
  readonly name: string;
  readonly statements: readonly string[];
}

/** Ordered SQL files from migrations/, each split into statements on a ';' that ends a line. */
export function loadMigrations(dir = repoPath('migrations')): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ name: file.replace(/\.sql$/, ''), statements: splitStatements(readFileSync(join(dir, file), 'utf8')) }));
}

export function splitStatements(text: string): string[] {
  const withoutComments = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;[ \t]*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

// Arbitrary constant: every metmec process serializes its migrations on this advisory lock.
const MIGRATION_LOCK = 4_270_019;

/** Applies pending migrations in one transaction per file; safe when several processes start at once. */
export async function migrate(db: Kysely<any>, migrations = loadMigrations()): Promise<string[]> {
  await sql`CREATE TABLE IF NOT EXISTS metmec_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(db);
  const applied: string[] = [];
  for (const migration of migrations) {
    await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
      const done = await sql<{ name: string }>`SELECT name FROM metmec_migration WHERE name = ${migration.name}`.execute(trx);
      if (done.rows.length > 0) return;
      for (const statement of migration.statements) await sql.raw(statement).execute(trx);
      await sql`INSERT INTO metmec_migration (name) VALUES (${migration.name})`.execute(trx);
      applied.push(migration.name);
    });
  }
  return applied;
}
