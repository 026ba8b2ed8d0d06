import t from 'tap';
import { CertificateCache } from '../../src/domain/efirma/certificate-cache.js';
import { parseCertificate } from '../../src/domain/efirma/certificate.js';
import type { RenapoRecord } from '../../src/domain/titulos/check-titulo.js';
import { mexicoCityDate } from '../../src/domain/dates.js';
import { checkTitulo } from '../../src/domain/titulos/check-titulo.js';
import { hasErrors, sepMessageOf } from '../../src/domain/checks.js';
import { TITULO_REGISTRADO } from '../../src/domain/titulos/sep-messages.js';
import { defaultEvaluationThreads, EvaluationPool } from '../../src/jobs/evaluation-pool.js';
import { loteExecutor, preparedChunks } from '../../src/jobs/lote-pipeline.js';
import { DEFAULT_INTAKE_LIMITS } from '../../src/intake/limits.js';
import type { PackageEntry } from '../../src/intake/package.js';
import { parseSafeXml } from '../../src/intake/xml.js';
import { decodeChecks, encodeChecks } from '../../src/store/check-codec.js';
import type { StoredChecks } from '../../src/store/schema.js';
import { claimNextLote, insertLote } from '../../src/store/repositories/lotes.js';
import { TituloCompleter, TituloPreparer, type CompletedTitulo, type TituloFacts } from '../../src/titulos/prepare-titulo.js';
import { processLote } from '../../src/titulos/process-lote.js';
import { buildApp } from '../../src/app.js';
import { AdjustableClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { ADMIN_TOKEN, basicAuth, buildTestApp, type TestApp } from '../support/app.js';
import { freshStore } from '../support/database.js';
import { seedInstitution, tituloFor, zipOf } from '../support/met-scenario.js';
import { mintEfirma } from '../support/pki.js';
import { buildTitulo, DEFAULT_CVE_INSTITUCION, DEFAULT_PROFESIONISTA, registeredSigner, tituloXml, type TituloValues } from '../support/titulo-fixture.js';

const signer = mintEfirma();
const authority = mintEfirma({ name: 'AUTORIDAD EDUCATIVA DE PRUEBAS' });
const today = mexicoCityDate(new Date());
const xmlLimits = DEFAULT_INTAKE_LIMITS.xml;

function titulo(folio: string, opts: { edit?: (v: TituloValues) => void; authenticated?: boolean } = {}): Buffer {
  const built = buildTitulo({
    today,
    signers: [signer],
    ...(opts.authenticated ? { authority } : {}),
    edit: (values) => {
      values.root['folioControl'] = folio;
      opts.edit?.(values);
    },
  });
  return Buffer.from(tituloXml(built.root), 'utf8');
}

const wrongInstitution = (v: TituloValues): void => {
  v.institucion['cveInstitucion'] = '999999';
};
const wrongName = (v: TituloValues): void => {
  v.profesionista['nombre'] = 'JUANA';
};

/**
 * A lote with every path the folio rule can take: duplicates (across chunks too), a folio
 * registered before the lote, a failing first copy that frees the folio for a later one, a copy
 * failing other checks as well, unreadable and hostile files, an authenticated título, RENAPO.
 */
function mixedLote(): PackageEntry[] {
  const files: Array<[string, Buffer]> = [
    ['a1.xml', titulo('FA')],
    ['b1.xml', titulo('FB')],
    ['a2.xml', titulo('FA')], // registered earlier in the lote
    ['r.xml', titulo('FR')], // registered before the lote
    ['c1.xml', titulo('FC', { edit: wrongInstitution })], // fails: FC stays free
    ['c2.xml', titulo('FC')], // registers FC
    ['c3.xml', titulo('FC', { edit: wrongInstitution })], // fails twice over: its first error speaks
    ['broken.xml', Buffer.from('<TituloElectronico folioControl="FX"')],
    ['other.xml', Buffer.from('<?xml version="1.0"?><Otro folioControl="FA"/>')],
    ['auth.xml', titulo('FD', { authenticated: true })],
    ['renapo.xml', titulo('FE', { edit: wrongName })],
    ['doctype.xml', Buffer.from('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><TituloElectronico folioControl="FA">&a;</TituloElectronico>')],
    ['b2.xml', titulo('FB')],
    ['amp.xml', titulo('F&1')],
    ['amp2.xml', titulo('F&1')],
    ['empty.xml', Buffer.alloc(0)],
    ['r2.xml', titulo('FR', { edit: wrongName })],
  ];
  return files.map(([name, bytes]) => ({ name, bytes }));
}

const signers = new Map([registeredSigner(signer)].map((s) => [s.sha256, s]));
const renapo = new Map<string, RenapoRecord>([[DEFAULT_PROFESIONISTA.curp, DEFAULT_PROFESIONISTA]]);

function facts(): TituloFacts {
  return {
    today,
    cveInstitucion: DEFAULT_CVE_INSTITUCION,
    xmlLimits,
    cadenaEscapeXml: false,
    signersBySha256: signers,
    authorityCertificates: new Map([[authority.number, authority.cerDer]]),
  };
}

/**
 * The reference: checkTitulo on every file in upload order, as SEP processes a lote, the folio
 * state and RENAPO answered directly; what the two-half pipeline must give exactly.
 */
function sequentialTitulos(entries: readonly PackageEntry[], registered: ReadonlySet<string>, withRenapo: boolean) {
  const inLote = new Set<string>();
  const certificates = new CertificateCache();
  const authorityCertificates = new Map([[authority.number, parseCertificate(authority.cerDer)]]);
  return entries.map((entry, position) => {
    const parsed = parseSafeXml(entry.bytes, xmlLimits);
    if (!parsed.ok) return { position, archivo: entry.name, folioControl: '', estatus: 2, descripcion: sepMessageOf([parsed.error]) ?? '', checks: encodeChecks([parsed.error]), profesionista: null };
    const outcome = checkTitulo(parsed.root, {
      ...facts(),
      authorityCertificates,
      certificates,
      renapo: withRenapo ? (curp) => renapo.get(curp) : null,
      folioState: (folio) => (registered.has(folio) ? 'registered' : inLote.has(folio) ? 'registered-in-lote' : 'free'),
    });
    const failed = hasErrors(outcome.checks);
    if (!failed) inLote.add(outcome.folioControl ?? '');
    return {
      position,
      archivo: entry.name,
      folioControl: outcome.folioControl ?? '',
      estatus: failed ? 2 : 1,
      descripcion: failed ? (sepMessageOf(outcome.checks) ?? '') : TITULO_REGISTRADO,
      checks: encodeChecks(outcome.checks),
      profesionista: outcome.profesionista,
    };
  });
}

/** The pipeline as processLote runs it, with the registry answered from `registered` and RENAPO. */
async function pipelineTitulos(entries: readonly PackageEntry[], registered: ReadonlySet<string>, withRenapo: boolean, pool: EvaluationPool | null) {
  const { executor, ahead } = loteExecutor(pool, { kind: 'titulos', facts: facts() }, DEFAULT_INTAKE_LIMITS, new CertificateCache());
  const completer = new TituloCompleter(withRenapo);
  const documents: CompletedTitulo[] = [];
  try {
    for await (const chunk of preparedChunks(entries, Buffer.alloc(0), executor, ahead)) {
      const questions = completer.questions(chunk.prepared);
      completer.learn(questions, {
        registeredFolios: questions.folios.filter((f) => registered.has(f)),
        renapo: new Map(questions.curps.flatMap((c) => (renapo.has(c) ? [[c, renapo.get(c)!] as const] : []))),
      });
      documents.push(...chunk.prepared.map((prepared, i) => completer.complete(prepared, chunk.files[i]!, chunk.start + i)));
    }
  } finally {
    executor.close();
  }
  return documents.map(({ location: _location, ...d }) => d);
}

for (const withRenapo of [false, true]) {
  t.test(`threads, or this thread, then the completer give checkTitulo's results file after file (RENAPO ${withRenapo ? 'on' : 'off'})`, async (t) => {
    const entries = mixedLote();
    const registered = new Set(['FR']);
    const expected = sequentialTitulos(entries, registered, withRenapo);

    const pool = new EvaluationPool(2);
    t.teardown(() => pool.close());
    t.same(await pipelineTitulos(entries, registered, withRenapo, pool), expected, 'in threads');
    t.same(await pipelineTitulos(entries, registered, withRenapo, null), expected, 'on this thread');

    // The reference itself says what SEP says.
    const byName = new Map(expected.map((d) => [d.archivo, d]));
    const codes = (name: string): string[] => decodeChecks(JSON.parse(byName.get(name)!.checks) as StoredChecks).map((c) => `${c.code} ${c.status}`);
    t.match(byName.get('a2.xml'), { estatus: 2, descripcion: 'Folio de control previamente registrado: FA' });
    t.ok(codes('a2.xml').includes('TIT-FOLIO-LOTE error'));
    t.match(byName.get('r.xml'), { estatus: 2, descripcion: 'Folio de control previamente registrado: FR' });
    t.ok(codes('r.xml').includes('TIT-FOLIO-REGISTRADO error'));
    t.match(byName.get('c1.xml'), { estatus: 2 });
    t.match(byName.get('c2.xml'), { estatus: 1 });
    t.match(byName.get('c3.xml'), { estatus: 2 });
    t.not(byName.get('c3.xml')!.descripcion, 'Folio de control previamente registrado: FC', 'the first error is not the folio');
    t.ok(codes('c3.xml').includes('TIT-FOLIO-LOTE error'), 'the folio check still says what it found');
    t.match(byName.get('b2.xml'), { estatus: 2, descripcion: 'Folio de control previamente registrado: FB' });
    t.match(byName.get('amp.xml'), { estatus: 1, folioControl: 'F&1' });
    t.match(byName.get('amp2.xml'), { estatus: 2, descripcion: 'Folio de control previamente registrado: F&1' });
    t.match(byName.get('auth.xml'), { estatus: 1 });
    t.match(byName.get('renapo.xml'), { estatus: withRenapo ? 2 : 1 });
    for (const name of ['broken.xml', 'doctype.xml', 'empty.xml', 'other.xml']) t.match(byName.get(name), { estatus: 2 }, name);
  });
}

t.test('the completer asks the registry only about folios and CURPs it has not seen, and refuses to guess', async (t) => {
  const preparer = new TituloPreparer(facts(), new CertificateCache());
  const first = [titulo('FR'), titulo('FA')].map((bytes) => preparer.prepare(bytes));
  const second = [titulo('FA'), titulo('FN')].map((bytes) => preparer.prepare(bytes));
  const completer = new TituloCompleter(true);
  t.throws(() => completer.complete(first[0]!, { name: 'r.xml', bytes: Buffer.alloc(0) }, 0), /not looked up/, 'no answer without a lookup');
  const questions = completer.questions(first);
  t.same(questions, { folios: ['FR', 'FA'], curps: [DEFAULT_PROFESIONISTA.curp] });
  completer.learn(questions, { registeredFolios: ['FR'], renapo });
  t.match(completer.complete(first[0]!, { name: 'r.xml', bytes: Buffer.alloc(0) }, 0), { estatus: 2, descripcion: 'Folio de control previamente registrado: FR' });
  t.match(completer.complete(first[1]!, { name: 'a.xml', bytes: Buffer.alloc(0) }, 1), { estatus: 1 });
  t.same(completer.questions(second), { folios: ['FN'], curps: [] }, 'FA registered in this lote is known; the CURP was asked');
});

t.test('the pool: a thread that dies fails its jobs and is replaced; close ends it all', async (t) => {
  t.throws(() => new EvaluationPool(0).openLote({ kind: 'titulos', facts: facts() }, DEFAULT_INTAKE_LIMITS), /main thread/, 'size 0 evaluates nothing');
  t.throws(() => new EvaluationPool(-1), RangeError);
  t.equal(defaultEvaluationThreads(2), 2, 'one thread per core');
  t.equal(defaultEvaluationThreads(1), 0, 'one core: nothing to gain');

  const pool = new EvaluationPool(1);
  const lote = pool.openLote({ kind: 'titulos', facts: facts() }, DEFAULT_INTAKE_LIMITS);
  const entries = mixedLote();
  const none = Buffer.alloc(0);
  t.equal((await lote.prepare(entries, none)).length, entries.length);

  const threads = (pool as unknown as { threads: Array<{ worker: { terminate(): Promise<number> } }> }).threads;
  t.equal(threads.length, 1);
  const pending = lote.prepare(entries, none);
  await threads[0]!.worker.terminate();
  await t.rejects(pending, /evaluation thread exited/, 'the job of a dead thread fails (the lote is then retried)');
  t.equal(threads.length, 0, 'the dead thread is gone');
  t.equal((await lote.prepare(entries, none)).length, entries.length, 'a new thread takes the next job, facts sent again');

  const late = t.rejects(lote.prepare(entries, none), /closed/, 'a job still running when the pool closes fails');
  await pool.close();
  await late;
  t.throws(() => pool.openLote({ kind: 'titulos', facts: facts() }, DEFAULT_INTAKE_LIMITS).prepare(entries, none), /closed/);
  t.equal(threads.length, 0);
});

/** An app with its worker off, the same signer, authority and RENAPO every time, and a lote queue. */
async function seededApp(env: Record<string, string>): Promise<TestApp> {
  const testApp = await buildTestApp({ METMEC_WORKER: 'false', ...env });
  t.teardown(() => testApp.close());
  await testApp.app.services.registry.applySeed({
    institutions: [{ cveInstitucion: DEFAULT_CVE_INSTITUCION, nombre: 'UNIVERSIDAD DE PRUEBAS METMEC', signers: [{ der: signer.cerDer, idCargo: 3, cargo: 'RECTOR' }] }],
    authorityCertificates: [{ der: authority.cerDer }],
    renapo: [DEFAULT_PROFESIONISTA],
  });
  return testApp;
}

async function runLote(testApp: TestApp, nombreArchivo: string, archivo: Buffer, pool: EvaluationPool | null) {
  const { db } = testApp.store;
  const { config } = testApp.app.services;
  const { id } = await insertLote(db, {
    environment: 'qa',
    cveInstitucion: DEFAULT_CVE_INSTITUCION,
    usuario: 'usuario',
    channel: 'rest',
    nombreArchivo,
    archivo,
    receivedAt: testApp.clock.now(),
  });
  const claimed = await claimNextLote(db, 'owner', 60);
  if (claimed?.id !== id) throw new Error('claimed another lote');
  const counts = await processLote(claimed, 'owner', {
    db,
    clock: testApp.clock,
    limits: config.limits,
    cadenaEscapeXml: config.cadenaEscapeXml,
    renapo: config.renapo,
    certificates: new CertificateCache(),
    pool,
  });
  const documentos = await db
    .selectFrom('documento')
    .select(['position', 'archivo', 'folio_control', 'estatus', 'descripcion', 'checks', 'xml', 'upload_offset', 'upload_size', 'upload_method'])
    .where('lote_id', '=', id)
    .orderBy('position')
    .execute();
  const titulos = await db
    .selectFrom('titulo')
    .select(['folio_control', 'position', 'curp', 'nombre', 'primer_apellido', 'segundo_apellido'])
    .where('lote_id', '=', id)
    .orderBy('position')
    .execute();
  const lote = await db.selectFrom('lote').select(['status', 'total', 'registered', 'rejected']).where('id', '=', id).executeTakeFirstOrThrow();
  return { counts, documentos, titulos, lote };
}

t.test('processLote stores the same rows with or without evaluation threads (RENAPO on)', async (t) => {
  const mainThread = await seededApp({ METMEC_RENAPO: 'true' });
  const threaded = await seededApp({ METMEC_RENAPO: 'true' });
  const pool = new EvaluationPool(1);
  t.teardown(() => pool.close());

  const first = await zipOf([{ name: 'r.xml', content: titulo('FR') }]);
  const mixed = await zipOf(mixedLote().map((e) => ({ name: e.name, content: e.bytes })));
  const corrupt = Buffer.concat([mixed.subarray(0, 200), Buffer.alloc(64, 0xff), mixed.subarray(264)]);
  const lotes: Array<[string, Buffer]> = [
    ['first.zip', first],
    ['mixed.zip', mixed],
    ['corrupt.zip', corrupt],
    ['lone.xml', titulo('FA')],
  ];
  for (const [name, archivo] of lotes) {
    const expected = await runLote(mainThread, name, archivo, null);
    const actual = await runLote(threaded, name, archivo, pool);
    t.same(actual, expected, name);
    t.ok(expected.documentos.length > 0, `${name}: rows stored`);
  }
  const mixedRows = (await runLote(mainThread, 'again.zip', mixed, null)).documentos;
  t.ok(mixedRows.every((d) => d.estatus === 2), 'a lote sent again: every folio already registered or failing');
});

t.test('an app closed while its threads check a lote finishes that lote, then ends the threads', async (t) => {
  const store = await freshStore();
  const clock = new AdjustableClock();
  const config = loadConfig({ METMEC_ADMIN_TOKEN: ADMIN_TOKEN, METMEC_WORKER_POLL_MS: '20' });
  const app = await buildApp({ config, store, clock, logger: false, evaluationThreads: 1 });
  await app.ready();
  const testApp: TestApp = { app, store, clock, close: async () => {} };
  t.teardown(() => store.close());
  const inst = await seedInstitution(testApp);
  const folios = Array.from({ length: 300 }, (_, i) => `CLOSE-${i}`);
  const zip = await zipOf(folios.map((folio) => ({ name: `${folio}.xml`, content: tituloFor(testApp, inst, folio) })));
  const upload = await app.inject({
    method: 'POST',
    url: '/api/v1/met/lotes?nombreArchivo=close.zip',
    headers: { ...basicAuth(inst.usuario, inst.password), 'content-type': 'application/zip' },
    payload: zip,
  });
  t.equal(upload.statusCode, 202, upload.body);
  const { numeroLote } = upload.json() as { numeroLote: number };
  const status = async () => (await store.db.selectFrom('lote').select(['status', 'total', 'registered']).where('numero_lote', '=', numeroLote).executeTakeFirstOrThrow());
  for (let i = 0; i < 500 && (await status()).status === 'pending'; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  t.equal((await status()).status, 'processing', 'the worker has the lote');
  await app.close();
  t.match(await status(), { status: 'processed', total: 300, registered: 300 }, 'finished before the pool closed');
});
