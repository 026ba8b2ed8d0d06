import t from 'tap';
import { sql } from 'kysely';
import { freshStore } from '../support/database.js';
import { migrate, splitStatements } from '../../src/store/migrate.js';

t.test('migrations apply once and are idempotent', async (t) => {
  const store = await freshStore();
  t.teardown(() => store.close());
  t.same(await migrate(store.db), [], 'second run applies nothing');
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`.execute(store.db);
  t.same(
    tables.rows.map((r) => r.table_name),
    [
      'authority_certificate',
      'dgair_solicitud',
      'dgair_solicitud_titulo',
      'documento',
      'institution',
      'lote',
      'lote_archivo',
      'mec_asignatura',
      'mec_campus',
      'mec_campus_signer',
      'mec_certificado',
      'mec_folio',
      'mec_plan',
      'metmec_migration',
      'renapo_person',
      'signer',
      'titulo',
      'titulo_autenticacion',
      'ws_user',
    ],
  );
  const n = await sql<{ n: number }>`SELECT nextval('lote_numero_qa')::int8 AS n`.execute(store.db);
  t.equal(n.rows[0]?.n, 100001, 'int8 comes back as a number');
});

t.test('splitStatements splits on line-ending semicolons and drops comments', async (t) => {
  t.same(splitStatements('-- c\nCREATE TABLE a (x text DEFAULT \'a;b\');\nSELECT 1;\n'), [
    "CREATE TABLE a (x text DEFAULT 'a;b')",
    'SELECT 1',
  ]);
});
