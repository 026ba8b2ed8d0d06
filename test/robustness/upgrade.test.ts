// Robustness, upgrade safety (issue "Prove it holds…", item 6): data written by every earlier schema
// version is readable, and keeps working, after the current code migrates it. Each
// test/fixtures/schema/<version>/dump.sql was made by that version's own code (generate.ts, README
// there); here it is loaded into a fresh database, the current service starts on it exactly as an
// upgraded installation would (migrations at start-up), and the rows are read through today's REST.
import t, { type Test } from 'tap';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { loadMigrations } from '../../src/store/migrate.js';
import { openStore } from '../../src/store/db.js';
import { ADMIN_TOKEN, adminHeaders, basicAuth } from '../support/app.js';
import { withDatabase } from '../support/database.js';
import { tituloFor, zipOf, type Institution } from '../support/met-scenario.js';
import { mintEfirma } from '../support/pki.js';
import { AdjustableClock } from '../../src/clock.js';
import type { TestApp } from '../support/app.js';
import { until } from '../jobs/fixtures/child-process.js';
import { REPO_ROOT } from '../jobs/fixtures/child-process.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'schema');
const versions = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && /^\d{4}$/.test(entry.name))
  .map((entry) => entry.name)
  .sort();

interface Manifest {
  version: string;
  migrations: string[];
  generatedFrom: string;
  met: {
    cveInstitucion: string;
    usuario: string;
    password: string;
    processed: { numeroLote: number; documents: Array<{ archivo: string; folioControl: string; estatus: number; descripcion: string }> };
    registered: string[];
    cancelled: string[];
    pending: { numeroLote: number; folioControl: string };
  };
  mec?: {
    cveInstitucion: string;
    usuario: string;
    password: string;
    folio: string;
    numeroLote: number;
    documents: Array<{ archivo: string; folioControl: string; estatus: number }>;
    authenticated: { folioControl: string; folioDigital: string };
  };
  dgair?: { numero: string; folioControl: string; folioDigital: string };
}

t.test('a dump exists for every migration (add one when a migration lands: test/fixtures/schema/README.md)', async (t) => {
  const current = loadMigrations().map((m) => m.name.slice(0, 4));
  t.same(versions, current, `dumps ${versions.join(', ')} for migrations ${current.join(', ')}`);
});

t.test('no released migration was edited (migrations.sha256; a change goes in a new migration)', async (t) => {
  const recorded = new Map(
    readFileSync(join(FIXTURES, 'migrations.sha256'), 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => {
        const [hash, file] = line.trim().split(/\s+/);
        return [file!, hash!] as const;
      }),
  );
  const dir = join(REPO_ROOT, 'migrations');
  for (const file of readdirSync(dir).filter((f) => /^\d{4}_.*\.sql$/.test(f)).sort()) {
    const hash = createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
    t.equal(hash, recorded.get(file), `${file}: unchanged since it was recorded (a database that applied it never sees an edit)`);
  }
});

/** A fresh database holding the dump (no migration run): settings for the service, and a cleanup. */
async function databaseWith(dump: string): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  const url = process.env['DATABASE_URL'];
  if (url) {
    const name = `metmec_upgrade_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const client = new pg.Client({ connectionString: withDatabase(url, name) });
    await client.connect();
    await client.query(dump);
    await client.end();
    return {
      env: { DATABASE_URL: withDatabase(url, name) },
      cleanup: async () => {
        const drop = new pg.Client({ connectionString: url });
        await drop.connect();
        await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await drop.end();
      },
    };
  }
  // The embedded database: a data directory holding the old version's data, as an installation has.
  const dataDir = mkdtempSync(join(tmpdir(), 'metmec-upgrade-'));
  const pglite = await PGlite.create(dataDir);
  await pglite.exec(dump);
  await pglite.close();
  return { env: { METMEC_DATA_DIR: dataDir }, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

async function get(app: FastifyInstance, url: string, headers: Record<string, string>) {
  return app.inject({ method: 'GET', url, headers });
}

for (const version of versions) {
  const manifest = JSON.parse(readFileSync(join(FIXTURES, version, 'manifest.json'), 'utf8')) as Manifest;
  t.test(`schema ${version} (written by ${manifest.generatedFrom}): readable and working after migrating to the current schema`, async (t) => {
    const database = await databaseWith(readFileSync(join(FIXTURES, version, 'dump.sql'), 'utf8'));
    t.teardown(() => database.cleanup());
    const server = await startServer(
      loadConfig({ ...database.env, PORT: '0', METMEC_ADMIN_TOKEN: ADMIN_TOKEN, METMEC_SEED_DEMO: 'false', METMEC_LOG_LEVEL: 'silent', METMEC_WORKER_POLL_MS: '20' }),
    );
    let closed = false;
    const close = async () => {
      if (!closed) await server.close();
      closed = true;
    };
    t.teardown(close);
    const { app } = server;
    const applied = await app.services.store.db.selectFrom('metmec_migration' as never).select('name' as never).execute();
    t.same(
      (applied as Array<{ name: string }>).map((r) => r.name).sort(),
      loadMigrations().map((m) => m.name),
      'every current migration is recorded as applied',
    );
    await checkMet(t, app, manifest);
    if (manifest.mec) await checkMec(t, app, manifest.mec);
    if (manifest.dgair) await checkDgair(t, app, manifest);
    await close();
    await checkReopens(t, database.env, manifest);
  });
}

async function checkMet(t: Test, app: FastifyInstance, manifest: Manifest): Promise<void> {
  const met = manifest.met;
  const auth = basicAuth(met.usuario, met.password);
  const lote = await get(app, `/api/v1/met/lotes/${met.processed.numeroLote}`, auth);
  t.equal(lote.statusCode, 200, `the old lote is found: ${lote.body.slice(0, 200)}`);
  t.match(lote.json(), { status: 'processed', counts: { total: 3, registered: 2, rejected: 1 } });
  t.same(
    (lote.json().documents as Array<Record<string, unknown>>).map((d) => ({ archivo: d['archivo'], folioControl: d['folioControl'], estatus: d['estatus'], descripcion: d['descripcion'] })),
    met.processed.documents,
    'its results read back as written',
  );
  const resultado = await get(app, `/api/v1/met/lotes/${met.processed.numeroLote}/resultado`, auth);
  t.equal(resultado.statusCode, 200, "SEP's results package is built from the old rows");
  t.equal(resultado.rawPayload.subarray(0, 2).toString(), 'PK');
  for (const folio of met.registered) t.match((await get(app, `/api/v1/met/titulos/${folio}`, auth)).json(), { registrations: [{ status: 'registered' }] }, `${folio} registered`);
  for (const folio of met.cancelled) t.match((await get(app, `/api/v1/met/titulos/${folio}`, auth)).json(), { registrations: [{ status: 'cancelled', motCancelacion: 'R1' }] }, `${folio} cancelled`);

  // The lote queued (committed, not processed) before the upgrade is processed by the new code.
  await until('the lote queued before the upgrade to be processed', async () => (await get(app, `/api/v1/met/lotes/${met.pending.numeroLote}`, auth)).json().status === 'processed', 20_000);
  t.match((await get(app, `/api/v1/met/lotes/${met.pending.numeroLote}`, auth)).json(), {
    documents: [{ folioControl: met.pending.folioControl, estatus: 1 }],
  }, 'the lote queued before the upgrade is processed after it');

  // New work on old data: the old registrations count (registered: refused; cancelled: free again).
  const signer = mintEfirma();
  const added = await app.inject({
    method: 'POST',
    url: `/api/v1/admin/institutions/${met.cveInstitucion}/signers`,
    headers: adminHeaders(),
    payload: { certificateBase64: signer.cerDer.toString('base64'), idCargo: 3, cargo: 'RECTOR' },
  });
  t.ok(added.statusCode < 300, `a new signer for the old institution (${added.statusCode})`);
  const inst = { cveInstitucion: met.cveInstitucion, usuario: met.usuario, password: met.password, signer } as Institution;
  const now = { clock: new AdjustableClock() } as unknown as TestApp;
  const folios = [met.registered[0]!, met.cancelled[0]!, `${met.registered[0]}-NEW`];
  const zip = await zipOf(folios.map((folio, i) => ({ name: `${i}.xml`, content: tituloFor(now, inst, folio) })));
  const upload = await app.inject({ method: 'POST', url: '/api/v1/met/lotes?wait=true', headers: { ...auth, 'content-type': 'application/zip' }, payload: zip });
  t.equal(upload.statusCode, 200, `a new lote is taken and processed: ${upload.body.slice(0, 300)}`);
  t.ok(upload.json().numeroLote > met.pending.numeroLote, 'lote numbers go on from the old sequence');
  t.same(
    (upload.json().documents as Array<{ estatus: number; descripcion: string }>).map((d) => [d.estatus, d.descripcion]),
    [
      [2, `Folio de control previamente registrado: ${folios[0]}`],
      [1, 'Título electrónico registrado exitosamente'],
      [1, 'Título electrónico registrado exitosamente'],
    ],
    'the old registration blocks its folio, the old cancellation frees its folio',
  );
}

async function checkMec(t: Test, app: FastifyInstance, mec: NonNullable<Manifest['mec']>): Promise<void> {
  const auth = basicAuth(mec.usuario, mec.password);
  t.match((await get(app, `/api/v1/mec/folios/${mec.folio}`, auth)).json(), { folio: mec.folio, authenticated: 1, pending: 1, attempts: { used: 1, left: 2 } }, 'the old folio: one authenticated, one attempt used');
  const carga = (await get(app, `/api/v1/mec/cargas/${mec.numeroLote}`, auth)).json();
  t.same(
    (carga.documents as Array<Record<string, unknown>>).map((d) => ({ archivo: d['archivo'], folioControl: d['folioControl'], estatus: d['estatus'] })),
    mec.documents,
    'the old upload results read back',
  );
  const xml = await get(app, `/api/v1/mec/certificados/${mec.authenticated.folioDigital}.xml`, auth);
  t.equal(xml.statusCode, 200, 'the sealed certificate is served');
  t.match(xml.body, /<Dreoe[\s\S]*<SepIpes/, 'with its Dreoe and SepIpes');
  const pdf = await get(app, `/api/v1/mec/certificados/${mec.authenticated.folioDigital}.pdf`, auth);
  t.equal(pdf.statusCode, 200, `its PDF is made from the old row (${pdf.body.slice(0, 200)})`);
  const cancelled = await app.inject({ method: 'POST', url: '/api/v1/mec/cancelaciones', headers: auth, payload: { folioDigital: mec.authenticated.folioDigital, motivo: 'tras la actualización' } });
  t.equal(cancelled.statusCode, 202, `the old certificate can be cancelled (${cancelled.body.slice(0, 200)})`);
}

async function checkDgair(t: Test, app: FastifyInstance, manifest: Manifest): Promise<void> {
  const dgair = manifest.dgair!;
  const auth = basicAuth(manifest.met.usuario, manifest.met.password);
  t.match((await get(app, `/api/v1/dgair/solicitudes/${dgair.numero}`, auth)).json(), { state: 'processed', titulos: [{ folioControl: dgair.folioControl, folioDigital: dgair.folioDigital }] });
  const xml = await get(app, `/api/v1/dgair/titulos/${dgair.folioDigital}.xml`, auth);
  t.equal(xml.statusCode, 200, 'the authenticated título is served');
  t.match(xml.body, /<Autenticacion/);
}

/** The upgraded database opens again with nothing left to migrate (a second start after the upgrade). */
async function checkReopens(t: Test, env: Record<string, string>, manifest: Manifest): Promise<void> {
  const { migrate } = await import('../../src/store/migrate.js');
  const store = await openStore({ databaseUrl: env['DATABASE_URL'], dataDir: env['METMEC_DATA_DIR'] });
  try {
    t.same(await migrate(store.db), [], `schema ${manifest.version}: nothing left to apply on the next start`);
  } finally {
    await store.close();
  }
}


