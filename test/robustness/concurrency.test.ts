// Robustness, concurrency (issue "Prove it holds…", item 3): bursts of simultaneous uploads at one
// MEC folio from one and from two service instances, cancellation racing an upload of the same
// folioControl (MEC and MET), and lotes shared by several worker processes on one PostgreSQL.
import t, { type Test } from 'tap';
import { DEFAULT_INTAKE_LIMITS } from '../../src/intake/limits.js';
import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type CompiledQuery, type DatabaseConnection, type QueryResult } from 'kysely';
import { MecCancellations } from '../../src/certificados/cancellations.js';
import { holidayCalendar } from '../../src/domain/holidays.js';
import { Authenticator } from '../../src/registry/authenticator.js';
import { MetUseCases } from '../../src/titulos/met-use-cases.js';
import { buildApp } from '../../src/app.js';
import { AdjustableClock } from '../../src/clock.js';
import { FOLIO_RULES } from '../../src/certificados/folios.js';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/db.js';
import type { Database } from '../../src/store/schema.js';
import { ADMIN_TOKEN, basicAuth, buildTestApp, type TestApp } from '../support/app.js';
import { decFor, seedMecInstitution, type MecInstitution } from '../support/mec-scenario.js';
import { seedInstitution, tituloFor, zipOf, type Institution } from '../support/met-scenario.js';
import { LONG, recordFigures } from '../support/robustness-figures.js';
import { databaseUrlOf, queueLote } from '../jobs/fixtures/lotes.js';
import { until } from '../jobs/fixtures/child-process.js';
import { spawnService, type ServiceChild } from './lifecycle/service.js';

const onPostgres = Boolean(process.env['DATABASE_URL']);
const NEEDS_POSTGRES =
  'needs a real PostgreSQL shared by two service instances (a PGlite data directory belongs to one process, by design and by lock): set DATABASE_URL=postgres://…';

const BURST = LONG ? 200 : 50;
const RACE_ROUNDS = LONG ? 24 : 8;
const WORKER_PROCESSES = LONG ? 4 : 3;
const SHARED_LOTES = LONG ? 40 : 12;

const figures = { burstConcurrent: 0, burstAttemptsRecorded: 0, attemptsAllowed: FOLIO_RULES.maxAttempts };
t.teardown(() => recordFigures('concurrency', figures));

/** A DEC whose sello no longer verifies: every attempt it spends ends with errors, so the folio stays open. */
function brokenDec(testApp: TestApp, inst: MecInstitution, folioControl: string): string {
  return decFor(testApp, inst, folioControl).replace(/ sello="(.)/, (_m, c: string) => ` sello="${c === 'A' ? 'B' : 'A'}`);
}

async function openFolio(app: FastifyInstance, inst: Institution, certificados = 1): Promise<string> {
  const answer = await app.inject({ method: 'POST', url: '/api/v1/mec/folios', headers: basicAuth(inst.usuario, inst.password), payload: { certificados } });
  if (answer.statusCode >= 300) throw new Error(`folio: ${answer.statusCode} ${answer.body}`);
  return answer.json().folio as string;
}

async function folioRow(db: Kysely<Database>, folio: string) {
  return db.selectFrom('mec_folio').select(['id', 'attempts_used', 'authenticated']).where('folio', '=', folio).executeTakeFirstOrThrow();
}

async function uploadsOf(db: Kysely<Database>, folioId: number) {
  return db.selectFrom('lote').select(['id', 'attempt_no', 'status']).where('mec_folio_id', '=', folioId).orderBy('attempt_no').execute();
}

/** Fires `count` uploads of `zip` at `folio`, spread over `apps` (round robin), all at once. */
async function burst(apps: readonly FastifyInstance[], inst: Institution, folio: string, zip: Buffer, count: number) {
  const headers = { ...basicAuth(inst.usuario, inst.password), 'content-type': 'application/zip' };
  const answers = await Promise.all(
    Array.from({ length: count }, (_, i) => apps[i % apps.length]!.inject({ method: 'POST', url: `/api/v1/mec/folios/${folio}/cargas`, headers, payload: zip })),
  );
  return {
    accepted: answers.filter((a) => a.statusCode === 202).map((a) => a.json() as { numeroLote: number; attempt: number }),
    refused: answers.filter((a) => a.statusCode === 409).map((a) => a.json() as { error: { message: string } }),
    other: answers.filter((a) => a.statusCode !== 202 && a.statusCode !== 409).map((a) => `${a.statusCode} ${a.body}`),
  };
}

async function assertBurst(t: Test, db: Kysely<Database>, folio: string, result: Awaited<ReturnType<typeof burst>>, count: number) {
  t.same(result.other, [], 'every upload is answered accepted (202) or refused (409), nothing else');
  t.equal(result.accepted.length, FOLIO_RULES.maxAttempts, `exactly ${FOLIO_RULES.maxAttempts} of ${count} uploads accepted`);
  t.equal(result.refused.length, count - FOLIO_RULES.maxAttempts, 'every other one refused');
  for (const refusal of result.refused) {
    if (!/used its 3 attempts/.test(refusal.error.message)) {
      t.fail(`unexpected refusal: ${refusal.error.message}`);
      break;
    }
  }
  t.same(result.accepted.map((a) => a.attempt).sort(), [1, 2, 3], 'attempt numbers 1, 2, 3, each once');
  const row = await folioRow(db, folio);
  const uploads = await uploadsOf(db, row.id);
  t.equal(row.attempts_used, FOLIO_RULES.maxAttempts, 'the folio records 3 attempts used');
  t.same(uploads.map((u) => u.attempt_no), [1, 2, 3], 'three uploads stored for the folio, numbered 1–3');
  // The accepted uploads are processed (by the worker of whichever instance claims them), each once.
  await until('the three uploads to be processed', async () => (await uploadsOf(db, row.id)).every((u) => u.status === 'processed'), 30_000);
  const documentos = await db
    .selectFrom('documento')
    .select(['lote_id', 'position'])
    .where('lote_id', 'in', uploads.map((u) => u.id))
    .execute();
  t.equal(documentos.length, 3, 'one result per upload (one certificate each), none twice');
  figures.burstConcurrent = Math.max(figures.burstConcurrent, count);
  figures.burstAttemptsRecorded = Math.max(figures.burstAttemptsRecorded, uploads.length);
  return uploads.length;
}

t.test(`a burst of ${BURST} simultaneous uploads at one folio, one service instance: exactly 3 attempts`, async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const inst = await seedMecInstitution(testApp);
  const folio = await openFolio(testApp.app, inst);
  const zip = await zipOf([{ name: 'a.xml', content: brokenDec(testApp, inst, 'DEC-BURST-1') }]);
  const result = await burst([testApp.app], inst, folio, zip, BURST);
  await assertBurst(t, testApp.store.db, folio, result, BURST);
  const view = await testApp.app.inject({ method: 'GET', url: `/api/v1/mec/folios/${folio}`, headers: basicAuth(inst.usuario, inst.password) });
  t.match(view.json(), { state: 'exhausted', attempts: { used: 3, left: 0, max: 3 } });
});

t.test(`a burst of ${BURST} simultaneous uploads at one folio from two service instances on one PostgreSQL: exactly 3 attempts`, { skip: onPostgres ? false : NEEDS_POSTGRES }, async (t) => {
  const first = await buildTestApp();
  t.teardown(first.close);
  // The second instance: its own pg pool, its own worker, its own clock, as another process would have.
  const secondStore = await openStore({ databaseUrl: await databaseUrlOf(first.store), poolMax: 8 });
  const second = await buildApp({ config: loadConfig({ METMEC_ADMIN_TOKEN: ADMIN_TOKEN, METMEC_WORKER_POLL_MS: '20' }), store: secondStore, clock: new AdjustableClock(), logger: false });
  await second.ready();
  t.teardown(async () => {
    await second.close();
    await secondStore.close();
  });
  const inst = await seedMecInstitution(first);
  for (const round of [1, 2]) {
    const folio = await openFolio(round === 1 ? first.app : second, inst);
    const zip = await zipOf([{ name: 'a.xml', content: brokenDec(first, inst, `DEC-BURST-2-${round}`) }]);
    const result = await burst([first.app, second], inst, folio, zip, BURST);
    await assertBurst(t, first.store.db, folio, result, BURST);
  }
});

/** Every registration of a MEC folioControl, with its cancellation state. */
async function certificadosOf(db: Kysely<Database>, cve: string, folioControl: string) {
  return db
    .selectFrom('mec_certificado')
    .select(['id', 'lote_id', 'folio_digital', 'cancellation_requested_at', 'cancellation_effective_at'])
    .where('cve_institucion', '=', cve)
    .where('folio_control', '=', folioControl)
    .orderBy('id')
    .execute();
}

t.test('MEC: a cancellation racing an upload of the same folioControl ends consistent either way', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app, clock, store } = testApp;
  const inst = await seedMecInstitution(testApp);
  const auth = basicAuth(inst.usuario, inst.password);
  const upload = (folio: string, zip: Buffer) =>
    app.inject({ method: 'POST', url: `/api/v1/mec/folios/${folio}/cargas?wait=true`, headers: { ...auth, 'content-type': 'application/zip' }, payload: zip });
  const cancel = (folioControl: string) => app.inject({ method: 'POST', url: '/api/v1/mec/cancelaciones', headers: auth, payload: { folioControl, motivo: 'carrera' } });
  const outcomes = new Map<string, number>();
  // How long an upload takes here: the cancellations are spread over that time, from "before the
  // upload is stored" to "after it is authenticated".
  const warmStart = performance.now();
  await upload(await openFolio(app, inst), await zipOf([{ name: 'a.xml', content: decFor(testApp, inst, 'DEC-WARM-UP') }]));
  const uploadMs = performance.now() - warmStart;

  for (let round = 0; round < RACE_ROUNDS; round++) {
    // Even rounds: a folioControl never authenticated. Odd rounds: one whose earlier certificate's
    // cancellation has taken effect, so the upload authenticates it again.
    const folioControl = `DEC-RACE-${round}`;
    const earlier = round % 2 === 1;
    if (earlier) {
      const folio = await openFolio(app, inst);
      const first = await upload(folio, await zipOf([{ name: 'a.xml', content: decFor(testApp, inst, folioControl) }]));
      t.equal(first.json().documents?.[0]?.descripcion, 'SATISFACTORIO', `round ${round}: authenticated first`);
      t.equal((await cancel(folioControl)).statusCode, 202, `round ${round}: cancellation requested`);
      clock.advance(8 * 24 * 3_600_000); // past 48 business hours, whatever the weekday and holidays
    }
    const folio = await openFolio(app, inst);
    const zip = await zipOf([{ name: 'a.xml', content: decFor(testApp, inst, folioControl) }]);
    const uploading = upload(folio, zip);
    // The cancellation is sent at a different point of the upload's life every round.
    await new Promise((resolve) => setTimeout(resolve, Math.round((round / (RACE_ROUNDS - 1)) * uploadMs * 1.5)));
    const [uploaded, cancelled] = await Promise.all([uploading, cancel(folioControl)]);
    t.equal(uploaded.statusCode, 200, `round ${round}: the upload is processed`);
    t.ok([202, 404, 409].includes(cancelled.statusCode), `round ${round}: the cancellation is answered (${cancelled.statusCode} ${cancelled.body.slice(0, 120)})`);

    const rows = await certificadosOf(store.db, inst.cveInstitucion, folioControl);
    const now = clock.now().getTime();
    const inForce = rows.filter((r) => r.cancellation_effective_at === null || r.cancellation_effective_at.getTime() > now);
    const live = rows.filter((r) => r.cancellation_requested_at === null);
    const loteId = (await store.db.selectFrom('lote').select('id').where('numero_lote', '=', uploaded.json().numeroLote).where('environment', '=', 'qa').executeTakeFirstOrThrow()).id;
    const ownRow = rows.find((r) => r.lote_id === loteId);
    t.ok(inForce.length <= 1, `round ${round}: at most one certificate in force for ${folioControl} (${inForce.length})`);
    t.ok(live.length <= 1, `round ${round}: at most one certificate without a cancellation (${live.length})`);
    t.equal(uploaded.json().documents[0].descripcion, 'SATISFACTORIO', `round ${round}: the upload authenticates ${folioControl}`);
    t.ok(ownRow, `round ${round}: the upload's certificate is stored`);
    if (cancelled.statusCode === 202) {
      const named = (cancelled.json().certificados as Array<{ folioDigital: string }>).map((c) => c.folioDigital);
      t.same(named, [ownRow?.folio_digital], `round ${round}: the cancellation took the new certificate`);
      t.ok(ownRow?.cancellation_requested_at, `round ${round}: …and it is stored as cancelled (not lost)`);
      t.equal(live.length, 0, `round ${round}: nothing live is left`);
      outcomes.set('cancel after upload', (outcomes.get('cancel after upload') ?? 0) + 1);
    } else {
      t.equal(ownRow?.cancellation_requested_at, null, `round ${round}: the refused cancellation changed nothing`);
      t.equal(live.length, 1, `round ${round}: the new certificate is the one live`);
      outcomes.set('cancel before upload', (outcomes.get('cancel before upload') ?? 0) + 1);
    }
  }
  t.comment(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
});

function soap(body: string): string {
  return (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sch="http://ws.web.mec.sep.mx/schemas"><soapenv:Body>' +
    body +
    '</soapenv:Body></soapenv:Envelope>'
  );
}

function soapAuth(inst: Institution): string {
  return `<sch:autenticacion><sch:usuario>${inst.usuario}</sch:usuario><sch:password>${inst.password}</sch:password></sch:autenticacion>`;
}

t.test('MET: cancelaTituloElectronico racing a carga of the same folioControl ends consistent either way', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app, store } = testApp;
  const inst = await seedInstitution(testApp);
  const post = (body: string) => app.inject({ method: 'POST', url: '/met-ws/services/', headers: { 'content-type': 'text/xml; charset=utf-8' }, payload: soap(body) });
  const carga = async (folioControl: string) => {
    const zip = await zipOf([{ name: `${folioControl}.xml`, content: tituloFor(testApp, inst, folioControl) }]);
    const answer = await post(
      `<sch:cargaTituloElectronicoRequest><sch:nombreArchivo>${folioControl}.zip</sch:nombreArchivo><sch:archivoBase64>${zip.toString('base64')}</sch:archivoBase64>${soapAuth(inst)}</sch:cargaTituloElectronicoRequest>`,
    );
    const numeroLote = Number(answer.body.match(/<numeroLote>(\d+)<\/numeroLote>/)?.[1]);
    if (!(numeroLote > 0)) throw new Error(`carga refused: ${answer.body}`);
    return numeroLote;
  };
  const cancela = async (folioControl: string) => {
    const answer = await post(
      `<sch:cancelaTituloElectronicoRequest><sch:folioControl>${folioControl}</sch:folioControl><sch:motCancelacion>R1</sch:motCancelacion>${soapAuth(inst)}</sch:cancelaTituloElectronicoRequest>`,
    );
    return Number(answer.body.match(/<codigo>(\d+)<\/codigo>/)?.[1] ?? -1);
  };
  const processed = (numeroLote: number) =>
    until(`lote ${numeroLote} to be processed`, async () => {
      const row = await store.db.selectFrom('lote').select(['id', 'status']).where('numero_lote', '=', numeroLote).where('environment', '=', 'qa').executeTakeFirst();
      return row?.status === 'processed' ? row.id : undefined;
    });
  const outcomes = new Map<string, number>();
  const warmStart = performance.now();
  await processed(await carga('MET-WARM-UP'));
  const cargaMs = performance.now() - warmStart;

  for (let round = 0; round < RACE_ROUNDS; round++) {
    const folioControl = `MET-RACE-${round}`;
    // Odd rounds: the folio is registered before the race; even rounds: it is not.
    const registeredBefore = round % 2 === 1;
    if (registeredBefore) await processed(await carga(folioControl));
    const cargando = carga(folioControl);
    await new Promise((resolve) => setTimeout(resolve, Math.round(((RACE_ROUNDS - 1 - round) / (RACE_ROUNDS - 1)) * cargaMs * 1.5)));
    const [numeroLote, codigo] = await Promise.all([cargando, cancela(folioControl)]);
    const loteId = await processed(numeroLote);
    const documento = await store.db.selectFrom('documento').select(['estatus', 'descripcion']).where('lote_id', '=', loteId).executeTakeFirstOrThrow();
    const rows = await store.db
      .selectFrom('titulo')
      .select(['id', 'lote_id', 'cancelled_at', 'mot_cancelacion'])
      .where('cve_institucion', '=', inst.cveInstitucion)
      .where('folio_control', '=', folioControl)
      .orderBy('id')
      .execute();
    const live = rows.filter((r) => r.cancelled_at === null);
    const cancelled = rows.filter((r) => r.cancelled_at !== null);
    const newRow = rows.find((r) => r.lote_id === loteId);
    t.ok([0, 1].includes(codigo), `round ${round}: cancel answered ${codigo}`);
    t.ok(live.length <= 1, `round ${round}: at most one live registration of ${folioControl} (${live.length})`);
    t.equal(cancelled.length, codigo === 0 ? 1 : 0, `round ${round}: one stored cancellation per successful cancel (never lost, never invented)`);
    t.equal(Boolean(newRow), documento.estatus === 1, `round ${round}: the carga's row and its result agree (${documento.descripcion})`);
    t.equal(rows.length, (registeredBefore ? 1 : 0) + (newRow ? 1 : 0), `round ${round}: no registration appears from nowhere`);
    if (registeredBefore) {
      t.equal(codigo, 0, `round ${round}: the registered folio is cancelled`);
      t.equal(rows[0]!.cancelled_at === null, false, `round ${round}: …the earlier registration, which existed when it was asked`);
      const key = newRow ? 'cancel first, carga registers again' : 'carga first (previously registered), then cancel';
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    } else {
      t.equal(documento.estatus, 1, `round ${round}: the carga registers the new folio`);
      t.equal(newRow?.cancelled_at !== null, codigo === 0, `round ${round}: cancelled exactly when the cancel said so`);
      const key = codigo === 0 ? 'carga first, then cancelled' : 'cancel first (not registered)';
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
  }
  t.comment(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
});

t.test(`lotes shared by ${WORKER_PROCESSES} worker processes on one PostgreSQL: each document processed exactly once`, { skip: onPostgres ? false : NEEDS_POSTGRES }, async (t) => {
  const testApp = await buildTestApp({ METMEC_WORKER: 'false' });
  t.teardown(testApp.close);
  const db = testApp.store.db;
  const inst = await seedInstitution(testApp);
  const databaseUrl = await databaseUrlOf(testApp.store);
  const children: ServiceChild[] = [];
  t.teardown(() => Promise.all(children.map((c) => c.stop('SIGKILL'))));
  for (let i = 0; i < WORKER_PROCESSES; i++) children.push(spawnService({ DATABASE_URL: databaseUrl }));
  await Promise.all(children.map((c) => c.ready));

  // Committed at once, while every worker polls. Each folio is in up to three consecutive lotes:
  // whichever worker stores its lote first registers it, the others must reject it.
  const lotes = await db.transaction().execute(async (trx) => {
    const queued = [];
    for (let i = 0; i < SHARED_LOTES; i++) queued.push(await queueLote(testApp, inst, [`SHARED-${i}`, `SHARED-${i + 1}`, `SHARED-${i + 2}`], trx));
    return queued;
  });
  const folios = new Set(lotes.flatMap((l) => l.folios));

  await until(
    'every lote to be processed',
    async () => (await db.selectFrom('lote').select('status').execute()).every((l) => l.status === 'processed'),
    45_000,
  );
  // A process logs "lote processed" after its commit: the line can arrive after the database says so.
  const reported = () => new Set(children.flatMap((c) => c.processedLotes()));
  await until('every lote to be reported by a process', async () => lotes.every((l) => reported().has(l.numeroLote)), 5_000);
  const processedBy = new Map<number, number>();
  for (const child of children) for (const numeroLote of child.processedLotes()) processedBy.set(numeroLote, (processedBy.get(numeroLote) ?? 0) + 1);
  t.same(
    lotes.filter((l) => processedBy.get(l.numeroLote) !== 1).map((l) => [l.numeroLote, processedBy.get(l.numeroLote) ?? 0]),
    [],
    'each lote reported processed by exactly one process',
  );
  t.comment(`lotes per process: ${children.map((c) => c.processedLotes().length).join(', ')}`);

  const rows = await db.selectFrom('documento').select(['lote_id', 'position', 'folio_control', 'estatus']).execute();
  for (const lote of lotes) {
    const mine = rows.filter((r) => r.lote_id === lote.id).sort((a, b) => a.position - b.position);
    if (mine.map((r) => r.position).join() !== '0,1,2' || mine.map((r) => r.folio_control).join() !== lote.folios.join()) {
      t.fail(`lote ${lote.numeroLote}: documents ${JSON.stringify(mine)}`);
    }
  }
  t.equal(rows.length, lotes.length * 3, 'one documento row per submitted file, none twice, none lost');
  const titulos = await db.selectFrom('titulo').select(['folio_control', 'cancelled_at']).where('cve_institucion', '=', inst.cveInstitucion).execute();
  const perFolio = new Map<string, number>();
  for (const titulo of titulos) perFolio.set(titulo.folio_control, (perFolio.get(titulo.folio_control) ?? 0) + 1);
  t.same([...folios].filter((f) => perFolio.get(f) !== 1), [], 'every folioControl registered exactly once');
  t.equal(titulos.length, folios.size);
  t.equal(rows.filter((r) => r.estatus === 1).length, folios.size, 'registered documents = distinct folios; every later copy rejected');
});

/**
 * A handle on the same real database that, the first time an UPDATE of `table` comes back empty,
 * runs `between` before handing the result on: it puts a commit by someone else exactly between a
 * use case's two statements, the interleaving the races above hit only now and then. Each query
 * goes through `db` on its own (so `between` can use the database too, even PGlite's one
 * connection); the use cases under test run no transaction of their own.
 */
function commitBetween(db: Kysely<Database>, table: string, between: () => Promise<unknown>): Kysely<Database> {
  let armed = true;
  const connection: DatabaseConnection = {
    executeQuery: async <R>(compiled: CompiledQuery): Promise<QueryResult<R>> => {
      const result = await db.executeQuery<R>(compiled);
      const node = compiled.query;
      if (armed && node.kind === 'UpdateQueryNode' && JSON.stringify(node.table).includes(`"${table}"`) && result.rows.length === 0) {
        armed = false;
        await between();
      }
      return result;
    },
    streamQuery: () => {
      throw new Error('not used');
    },
  };
  const noTransactions = async (): Promise<void> => {
    throw new Error('commitBetween: no transactions');
  };
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => ({
        init: async () => {},
        acquireConnection: async () => connection,
        beginTransaction: noTransactions,
        commitTransaction: noTransactions,
        rollbackTransaction: noTransactions,
        releaseConnection: async () => {},
        destroy: async () => {},
      }),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

t.test('defect: a MET cancel answered "already cancelled" while the título it missed was live', async (t) => {
  const testApp = await buildTestApp({ METMEC_WORKER: 'false' });
  t.teardown(testApp.close);
  const { app, store, clock } = testApp;
  const inst = await seedInstitution(testApp);
  await queueLote(testApp, inst, ['MET-BETWEEN']);
  let registeredBetween = false;
  const db = commitBetween(store.db, 'titulo', async () => (registeredBetween = await app.services.worker.runOnce()));
  const met = new MetUseCases({ db, clock, authenticator: new Authenticator(store.db, clock), intake: { handOff: () => {}, queued: () => {} }, processingDelayMs: 0, limits: DEFAULT_INTAKE_LIMITS });
  const outcome = await met.cancela({ usuario: inst.usuario, password: inst.password }, 'MET-BETWEEN', 'R1');
  t.ok(registeredBetween, 'the lote registering the folio committed between the UPDATE and the history read');
  t.same(outcome, { kind: 'cancelled', folioControl: 'MET-BETWEEN' }, 'the cancel takes the registration that committed meanwhile');
  const rows = await store.db.selectFrom('titulo').select(['cancelled_at', 'mot_cancelacion']).where('folio_control', '=', 'MET-BETWEEN').execute();
  t.equal(rows.length, 1);
  t.equal(rows[0]!.mot_cancelacion, 'R1', 'and it is stored cancelled: nothing live behind an answer that says it is');
});

t.test('defect: a MEC cancellation refused as "already pending" while the certificate it missed was live', async (t) => {
  const testApp = await buildTestApp({ METMEC_WORKER: 'false' });
  t.teardown(testApp.close);
  const { app, store, clock } = testApp;
  const inst = await seedMecInstitution(testApp);
  const folio = await openFolio(app, inst);
  const queued = await app.inject({
    method: 'POST',
    url: `/api/v1/mec/folios/${folio}/cargas`,
    headers: { ...basicAuth(inst.usuario, inst.password), 'content-type': 'application/zip' },
    payload: await zipOf([{ name: 'a.xml', content: decFor(testApp, inst, 'DEC-BETWEEN') }]),
  });
  t.equal(queued.statusCode, 202);
  let authenticatedBetween = false;
  const db = commitBetween(store.db, 'mec_certificado', async () => (authenticatedBetween = await app.services.worker.runOnce()));
  const cancellations = new MecCancellations(db, clock, holidayCalendar(app.services.config.holidays));
  const outcome = await cancellations.request({ cveInstitucion: inst.cveInstitucion, environment: 'qa' }, { folioControl: 'DEC-BETWEEN' }, 'entre dos lecturas');
  t.ok(authenticatedBetween, 'the upload authenticating the folioControl committed between the UPDATE and the read');
  t.match(outcome.certificados, [{ folioControl: 'DEC-BETWEEN', estatus: 'cancelacion-pendiente' }], 'the cancellation takes the certificate that committed meanwhile');
  const rows = await certificadosOf(store.db, inst.cveInstitucion, 'DEC-BETWEEN');
  t.equal(rows.length, 1);
  t.ok(rows[0]!.cancellation_requested_at, 'and it is stored with its cancellation');
});
