/**
 * A seeded, reproducible fuzzer over valid títulos and certificados (README "Robustness").
 *
 * Each case mutates one valid, signed document (attribute values, order, deletions and duplications,
 * elements, encodings, BOMs, truncation) or the zip around valid ones (entry names, duplicates,
 * compression methods, lying headers, truncation), and sends it through the real service: títulos over
 * REST (`?wait=true`, zipped in batches or as raw XML) and over the MET SOAP carga (consulta,
 * descarga and its .xls read back), certificados over REST into test folios. For every case:
 *   1. the service stays up: no 5xx, no thrown error, no PKG-INTERNAL, and /health answers afterwards;
 *   2. every answer has its documented shape (lote detail, error body, SOAP response);
 *   3. no document is accepted unless it verifies on its own (test/robustness/fuzz/verify.ts: the
 *      fixtures' cadena, node:crypto, the registered certificate, signed values unchanged), and the
 *      unmutated control cases are accepted (so the harness itself can fail);
 *   4. stored state stays consistent (test/robustness/fuzz/invariants.ts) after every upload.
 *
 * FUZZ_SEED=<n> changes the seed (default DEFAULT_FUZZ_SEED); FUZZ_CASE=<n> replays one case alone.
 * Every failure names the seed and the case. ROBUSTNESS_LONG=1 runs thousands of cases.
 */
import * as XLSX from '@e965/xlsx';
import t from 'tap';
import { mexicoCityDate } from '../../src/domain/dates.js';
import type { XmlElement } from '../../src/intake/xml-tree.js';
import { basicAuth, buildTestApp, type TestApp } from '../support/app.js';
import { decForPlan } from '../support/dec-fixture.js';
import { seedMecInstitution, type MecInstitution } from '../support/mec-scenario.js';
import { LONG, recordFigures } from '../support/robustness-figures.js';
import { buildTitulo } from '../support/titulo-fixture.js';
import { readZipEntries } from '../support/zip-entries.js';
import { errorBodyProblems, loteDetailProblems, soapResponse, type LoteDetail } from './fuzz/answers.js';
import { mutateDocument, type MutatedDocument, type SourceDocument } from './fuzz/document-mutations.js';
import { brokenInvariants } from './fuzz/invariants.js';
import { fuzzSeed, Rng } from './fuzz/rng.js';
import { judge, type Expectation } from './fuzz/verify.js';
import { zipBatch, type ZipCase, type ZipEntry } from './fuzz/zip-mutations.js';

const SEED = fuzzSeed();
const ONLY = process.env['FUZZ_CASE'] === undefined || process.env['FUZZ_CASE'] === '' ? undefined : Number(process.env['FUZZ_CASE']);
const CASES = LONG ? 2000 : 150;
/** Documents per zip: several cases share one upload, each still judged on its own. */
const TITULO_BATCH = LONG ? 12 : 6;
/** Certificados per test folio (an institution has 100 test folios, each good for 3 uploads). */
const DEC_FOLIO_SIZE = LONG ? 20 : 8;
const REPORT_LIMIT = 40;
const SEED_TEXT = `FUZZ_SEED=0x${SEED.toString(16)}`;

type Kind = 'titulo' | 'dec';
type Channel = 'rest-zip' | 'rest-xml' | 'soap';

interface FuzzCase {
  readonly n: number;
  readonly kind: Kind;
  readonly channel: Channel;
  /** A zip-structure case: the zip around valid passengers is mutated. */
  readonly zip: boolean;
  readonly rng: Rng;
}

/** One document in an upload, with what it must satisfy to deserve acceptance. */
interface Sent {
  readonly caseNo: number;
  readonly name: string;
  readonly doc: MutatedDocument;
  readonly expect: Expectation;
}

interface Run {
  readonly testApp: TestApp;
  readonly inst: MecInstitution;
  readonly auth: Record<string, string>;
  readonly today: string;
  crashes: number;
  accepted: number;
  rejected: number;
  refused: number;
  uploads: number;
  readonly failures: string[];
}

function planCases(): FuzzCase[] {
  const numbers = ONLY === undefined ? Array.from({ length: CASES }, (_, i) => i) : [ONLY];
  return numbers.map((n) => {
    const rng = new Rng(SEED, n);
    const kind: Kind = n % 2 === 0 ? 'titulo' : 'dec';
    const zip = rng.chance(0.12);
    const channel: Channel = kind === 'dec' ? 'rest-zip' : zip ? rng.pick(['rest-zip', 'soap']) : rng.weighted([[6, 'rest-zip'], [3, 'soap'], [1, 'rest-xml']] as const);
    return { n, kind, channel, zip, rng };
  });
}

const isControl = (n: number): boolean => n % 25 === 0 || n % 25 === 1;

function fail(run: Run, cases: readonly number[], message: string): void {
  run.failures.push(`${SEED_TEXT} FUZZ_CASE=${cases.join('|')}: ${message}`);
}

// ------------------------------------------------------------------------------------------ documents

function tituloSource(run: Run, folioControl: string): SourceDocument {
  const built = buildTitulo({
    today: run.today,
    signers: [run.inst.signer],
    edit: (v) => {
      v.root['folioControl'] = folioControl;
      v.institucion['cveInstitucion'] = run.inst.cveInstitucion;
    },
  });
  return { kind: 'titulo', root: built.root, resign: built.resign };
}

function decSource(run: Run, folioControl: string): SourceDocument {
  const built = decForPlan(run.inst.plan, {
    credential: run.inst.responsable,
    today: run.today,
    edit: (v) => {
      v.root['folioControl'] = folioControl;
    },
  });
  return { kind: 'dec', root: built.root, resign: built.resign };
}

function expectation(run: Run, source: SourceDocument, signed: XmlElement): Expectation {
  const signerCerDer = source.kind === 'titulo' ? run.inst.signer.cerDer : run.inst.responsable.cerDer;
  return { kind: source.kind, source: source.root, signed, signerCerDer };
}

/** The documents a case puts in its upload: one mutated document, or two valid passengers of a zip case. */
function documentsOf(run: Run, c: FuzzCase): Sent[] {
  const make = (suffix: string, control: boolean): Sent => {
    const folio = `FZ${c.kind === 'titulo' ? 'T' : 'D'}-${c.n}${suffix}`;
    const source = c.kind === 'titulo' ? tituloSource(run, folio) : decSource(run, folio);
    const doc = mutateDocument(c.rng, source, { control });
    if (ONLY !== undefined) console.error(`case ${c.n} (${c.kind}, ${c.channel}${c.zip ? ', zip' : ''}) ${folio}: ${doc.steps.join(' / ') || 'unmutated'}`);
    return { caseNo: c.n, name: `caso-${c.n}${suffix}.xml`, doc, expect: expectation(run, source, doc.signed) };
  };
  if (c.zip) return [make('a', true), make('b', true)];
  return [make('', isControl(c.n))];
}

// ------------------------------------------------------------------------------------------ judging

/** Checks a processed lote's documents against what was sent under each name. */
function judgeDocuments(run: Run, detail: LoteDetail, zip: ZipCase | undefined, sent: readonly Sent[], rawName?: string): void {
  const caseNos = [...new Set(sent.map((s) => s.caseNo))];
  const byName = new Map<string, Sent[]>();
  const byBytes = new Map<Buffer, Sent>(sent.map((s) => [s.doc.bytes, s]));
  const entries: readonly ZipEntry[] = zip ? zip.entries : sent.map((s) => ({ name: rawName ?? s.name, bytes: s.doc.bytes }));
  for (const e of entries) {
    const s = byBytes.get(e.bytes);
    const as: Sent = s ?? { caseNo: caseNos[0] as number, name: e.name, doc: { bytes: e.bytes, steps: ['not a fuzz document'], control: false, signed: sent[0]?.expect.signed as XmlElement }, expect: sent[0]?.expect as Expectation };
    byName.set(e.name, [...(byName.get(e.name) ?? []), { ...as, doc: { ...as.doc, bytes: e.bytes } }]);
  }
  for (const doc of detail.documents ?? []) {
    if (doc.estatus === 1) {
      run.accepted++;
      const candidates = byName.get(doc.archivo) ?? [];
      if (candidates.length === 0) fail(run, caseNos, `lote ${detail.numeroLote}: accepted ${JSON.stringify(doc.archivo)}, which no entry was named`);
      for (const s of candidates) {
        const verdict = judge(s.doc.bytes, s.expect);
        if (!verdict.ok) {
          fail(run, [s.caseNo], `lote ${detail.numeroLote}: ACCEPTED ${s.name} although ${verdict.reason}; steps: ${s.doc.steps.join(' / ')}${zip?.step ? ` / zip: ${zip.step}` : ''}`);
        }
      }
    } else {
      run.rejected++;
    }
  }
  // The harness can fail: unmutated documents in an honest package must be accepted (unless another
  // case's document made the whole package fail, e.g. a huge value past the compression ratio).
  const packageFailed = (detail.documents ?? []).some((d) => d.checks.some((k) => k.status === 'error' && k.code.startsWith('PKG-')));
  if (!zip?.step && !(packageFailed && sent.some((x) => !x.doc.control))) {
    for (const s of sent.filter((x) => x.doc.control)) {
      const doc = detail.documents?.find((d) => d.archivo === (rawName ?? s.name));
      if (doc?.estatus !== 1) {
        const rows = (detail.documents ?? []).map((d) => `${d.archivo}: ${d.estatus} ${d.descripcion.slice(0, 120)}`).join(' | ');
        fail(run, [s.caseNo], `lote ${detail.numeroLote}: the unmutated control ${s.name} was not accepted (${doc ? doc.descripcion : `no row; rows: ${rows}`})`);
      }
    }
  }
}

async function checkAlive(run: Run, caseNos: readonly number[]): Promise<void> {
  const health = await run.testApp.app.inject({ method: 'GET', url: '/health' });
  if (health.statusCode !== 200 || health.json().status !== 'ok') {
    run.crashes++;
    fail(run, caseNos, `/health answered ${health.statusCode} after the upload`);
  }
  const broken = await brokenInvariants(run.testApp.store.db);
  for (const problem of broken) fail(run, caseNos, `stored state: ${problem}`);
}

/** A 5xx, a thrown error or a PKG-INTERNAL is a crash; anything else undocumented is a shape failure. */
function crash(run: Run, caseNos: readonly number[], what: string): void {
  run.crashes++;
  fail(run, caseNos, `CRASH: ${what}`);
}

// ------------------------------------------------------------------------------------------ títulos

async function uploadTitulosRest(run: Run, cases: readonly FuzzCase[], sent: readonly Sent[], zip: ZipCase | undefined, raw: Sent | undefined): Promise<void> {
  const caseNos = cases.map((c) => c.n);
  const nombreArchivo = raw ? raw.name : `fuzz-${caseNos[0]}.zip`;
  const response = await run.testApp.app.inject({
    method: 'POST',
    url: `/api/v1/met/lotes?wait=true&waitSeconds=90&nombreArchivo=${encodeURIComponent(nombreArchivo)}`,
    headers: { ...run.auth, 'content-type': raw ? 'application/xml' : 'application/zip' },
    payload: raw ? raw.doc.bytes : (zip as ZipCase).zip,
  });
  run.uploads++;
  if (response.statusCode >= 500) return crash(run, caseNos, `POST /met/lotes answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
  if (response.statusCode !== 200) {
    const problems = response.statusCode === 202 ? ['not processed within 90 s'] : errorBodyProblems(safeJson(response.body));
    if (response.statusCode === 202) return crash(run, caseNos, problems.join('; '));
    run.refused++;
    for (const p of problems) fail(run, caseNos, `POST /met/lotes ${response.statusCode}: ${p}`);
    return;
  }
  const detail = safeJson(response.body) as LoteDetail;
  for (const p of loteDetailProblems(detail, 'titulo', nombreArchivo)) {
    if (p.includes('PKG-INTERNAL')) crash(run, caseNos, `lote ${detail.numeroLote}: ${p}`);
    else fail(run, caseNos, `lote ${detail.numeroLote}: ${p}`);
  }
  judgeDocuments(run, detail, zip, sent, raw?.name);
}

const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const SEP_NS = 'http://ws.web.mec.sep.mx/schemas';

function envelope(operation: string, inner: string, run: Run): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:sch="${SEP_NS}"><soapenv:Body>` +
    `<sch:${operation}Request>${inner}<sch:autenticacion><sch:usuario>${run.inst.usuario}</sch:usuario>` +
    `<sch:password>${run.inst.password}</sch:password></sch:autenticacion></sch:${operation}Request></soapenv:Body></soapenv:Envelope>`;
}

async function soapCall(run: Run, caseNos: readonly number[], operation: string, inner: string): Promise<Map<string, string> | undefined> {
  const response = await run.testApp.app.inject({
    method: 'POST',
    url: '/met-ws/services/',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    payload: envelope(operation, inner, run),
  });
  if (response.statusCode >= 500) {
    crash(run, caseNos, `SOAP ${operation} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
    return undefined;
  }
  const parsed = soapResponse(response.body, operation);
  if (response.statusCode !== 200 || !/^text\/xml/.test(String(response.headers['content-type'])) || !parsed.ok) {
    fail(run, caseNos, `SOAP ${operation}: ${response.statusCode} ${response.headers['content-type']}: ${parsed.ok ? 'unexpected status' : parsed.problem}`);
    return undefined;
  }
  return parsed.fields;
}

/** carga → consulta until processed → descarga (the .xls read back) → the REST detail, which is judged. */
async function uploadTitulosSoap(run: Run, cases: readonly FuzzCase[], sent: readonly Sent[], zip: ZipCase): Promise<void> {
  const caseNos = cases.map((c) => c.n);
  const nombreArchivo = `fuzz-soap-${caseNos[0]}.zip`;
  const carga = await soapCall(run, caseNos, 'cargaTituloElectronico',
    `<sch:nombreArchivo>${nombreArchivo}</sch:nombreArchivo><sch:archivoBase64>${zip.zip.toString('base64')}</sch:archivoBase64>`);
  run.uploads++;
  if (!carga) return;
  const numeroLote = Number(carga.get('numeroLote'));
  if (!Number.isSafeInteger(numeroLote) || numeroLote < 1 || !carga.get('mensaje')) {
    return fail(run, caseNos, `SOAP carga: no numeroLote or mensaje: ${JSON.stringify([...carga])}`);
  }
  let estatus = 0;
  const deadline = performance.now() + 90_000;
  while (estatus !== 1 && performance.now() < deadline) {
    await run.testApp.app.services.worker.whenIdle();
    const consulta = await soapCall(run, caseNos, 'consultaProcesoTituloElectronico', `<sch:numeroLote>${numeroLote}</sch:numeroLote>`);
    if (!consulta) return;
    estatus = Number(consulta.get('estatusLote'));
    if (![0, 1].includes(estatus) || consulta.get('numeroLote') !== String(numeroLote)) return fail(run, caseNos, `SOAP consulta: ${JSON.stringify([...consulta])}`);
  }
  if (estatus !== 1) return crash(run, caseNos, `SOAP lote ${numeroLote} not processed within 90 s`);
  const descarga = await soapCall(run, caseNos, 'descargaTituloElectronico', `<sch:numeroLote>${numeroLote}</sch:numeroLote>`);
  if (!descarga) return;
  const results = await readZipEntries(Buffer.from(descarga.get('titulosBase64') ?? '', 'base64')).catch(() => undefined);
  const xls = results?.length === 1 && results[0]?.name === `ResultadoCargaTitulos${numeroLote}.xls` ? results[0].data : undefined;
  if (!xls) return fail(run, caseNos, `SOAP descarga: titulosBase64 is not a zip holding ResultadoCargaTitulos${numeroLote}.xls`);
  const sheet = XLSX.read(xls, { type: 'buffer' }).Sheets['Resultado'];
  const rows = sheet ? (XLSX.utils.sheet_to_json(sheet, { header: 1, defval: '' }) as unknown[][]) : [];

  const rest = await run.testApp.app.inject({ method: 'GET', url: `/api/v1/met/lotes/${numeroLote}`, headers: run.auth });
  if (rest.statusCode !== 200) return fail(run, caseNos, `GET lote ${numeroLote}: ${rest.statusCode}`);
  const detail = rest.json() as LoteDetail;
  for (const p of loteDetailProblems(detail, 'titulo', nombreArchivo)) {
    if (p.includes('PKG-INTERNAL')) crash(run, caseNos, `lote ${numeroLote}: ${p}`);
    else fail(run, caseNos, `lote ${numeroLote}: ${p}`);
  }
  const expected = [
    ['ARCHIVO', 'ESTATUS', 'DESCRIPCION', 'FOLIO CONTROL'],
    ...(detail.documents ?? []).map((d) => [d.archivo, d.estatus, d.descripcion, d.folioControl]),
  ];
  if (JSON.stringify(rows) !== JSON.stringify(expected)) {
    fail(run, caseNos, `SOAP descarga sheet differs from the lote detail: ${JSON.stringify(rows).slice(0, 400)} vs ${JSON.stringify(expected).slice(0, 400)}`);
  }
  judgeDocuments(run, detail, zip, sent);
}

// ------------------------------------------------------------------------------------------ certificados

interface Folio {
  readonly folio: string;
  pending: number;
  used: number;
}

async function openFolio(run: Run): Promise<Folio> {
  const created = await run.testApp.app.inject({ method: 'POST', url: '/api/v1/mec/folios', headers: run.auth, payload: { certificados: DEC_FOLIO_SIZE } });
  if (created.statusCode !== 201) throw new Error(`cannot open a test folio: ${created.statusCode} ${created.body}`);
  return { folio: created.json().folio as string, pending: DEC_FOLIO_SIZE, used: 0 };
}

async function uploadDecs(run: Run, folio: Folio, cases: readonly FuzzCase[], sent: readonly Sent[], zip: ZipCase): Promise<void> {
  const caseNos = cases.map((c) => c.n);
  const nombreArchivo = `fuzz-dec-${caseNos[0]}.zip`;
  const response = await run.testApp.app.inject({
    method: 'POST',
    url: `/api/v1/mec/folios/${folio.folio}/cargas?wait=true&waitSeconds=90&nombreArchivo=${nombreArchivo}`,
    headers: { ...run.auth, 'content-type': 'application/zip' },
    payload: zip.zip,
  });
  run.uploads++;
  if (response.statusCode >= 500) return crash(run, caseNos, `POST cargas answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
  if (response.statusCode === 409) {
    // Refused without spending an attempt (a zip that cannot be read, or another count).
    run.refused++;
    for (const p of errorBodyProblems(safeJson(response.body))) fail(run, caseNos, `POST cargas 409: ${p}`);
    if (!zip.step && sent.every((x) => x.doc.control)) fail(run, caseNos, `an honest zip of ${sent.length} valid certificados was refused: ${response.body.slice(0, 300)}`);
  } else if (response.statusCode === 200) {
    folio.used++;
    const result = safeJson(response.body) as LoteDetail & { attempt?: number; attemptsLeft?: number };
    for (const p of loteDetailProblems(result, 'dec', nombreArchivo)) {
      if (p.includes('PKG-INTERNAL')) crash(run, caseNos, `carga ${result.numeroLote}: ${p}`);
      else fail(run, caseNos, `carga ${result.numeroLote}: ${p}`);
    }
    if (result.attempt !== folio.used || result.attemptsLeft !== 3 - folio.used) {
      fail(run, caseNos, `folio ${folio.folio}: attempt ${result.attempt}, ${result.attemptsLeft} left after ${folio.used} uploads`);
    }
    judgeDocuments(run, result, zip, sent);
    folio.pending -= result.counts?.registered ?? 0;
  } else if (response.statusCode === 202) {
    return crash(run, caseNos, 'certificados not processed within 90 s');
  } else {
    run.refused++;
    fail(run, caseNos, `POST cargas answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
  }
  const view = await run.testApp.app.inject({ method: 'GET', url: `/api/v1/mec/folios/${folio.folio}`, headers: run.auth });
  const attempts = view.json()?.attempts;
  if (view.statusCode !== 200 || attempts?.used !== folio.used || view.json().pending !== folio.pending) {
    fail(run, caseNos, `folio ${folio.folio} says ${view.body.slice(0, 300)}; expected ${folio.used} attempts used, ${folio.pending} pending`);
  }
}

// ------------------------------------------------------------------------------------------ driver

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

async function guarded(run: Run, caseNos: readonly number[], step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    crash(run, caseNos, `thrown: ${(error as Error).stack ?? String(error)}`);
  }
  await checkAlive(run, caseNos);
}

async function runTitulos(run: Run, cases: readonly FuzzCase[]): Promise<void> {
  const queue: Record<'rest-zip' | 'soap', FuzzCase[]> = { 'rest-zip': [], soap: [] };
  const flush = async (channel: 'rest-zip' | 'soap'): Promise<void> => {
    const batch = queue[channel].splice(0);
    if (batch.length === 0) return;
    const sent = batch.flatMap((c) => documentsOf(run, c));
    const zip = await zipBatch(new Rng(SEED, batch[0]?.n ?? 0), sent.map((s) => ({ name: s.name, bytes: s.doc.bytes })), false);
    await guarded(run, batch.map((c) => c.n), () => (channel === 'soap' ? uploadTitulosSoap(run, batch, sent, zip) : uploadTitulosRest(run, batch, sent, zip, undefined)));
  };
  for (const c of cases) {
    if (c.zip) {
      const sent = documentsOf(run, c);
      const zip = await zipBatch(c.rng, sent.map((s) => ({ name: s.name, bytes: s.doc.bytes })), true);
      if (ONLY !== undefined) console.error(`case ${c.n} zip: ${zip.step}`);
      await guarded(run, [c.n], () => (c.channel === 'soap' ? uploadTitulosSoap(run, [c], sent, zip) : uploadTitulosRest(run, [c], sent, zip, undefined)));
    } else if (c.channel === 'rest-xml') {
      const [sent] = documentsOf(run, c);
      await guarded(run, [c.n], () => uploadTitulosRest(run, [c], [sent as Sent], undefined, sent));
    } else {
      queue[c.channel].push(c);
      if (queue[c.channel].length >= TITULO_BATCH) await flush(c.channel);
    }
  }
  await flush('rest-zip');
  await flush('soap');
}

async function runDecs(run: Run, cases: readonly FuzzCase[]): Promise<void> {
  let folio = await openFolio(run);
  const queue = [...cases];
  while (queue.length > 0) {
    if (folio.pending === 0 || folio.used === 3) folio = await openFolio(run);
    // An upload must hold exactly the pending certificados: a zip case's passengers fill the rest.
    const head = queue[0] as FuzzCase;
    let batch: FuzzCase[];
    let sent: Sent[];
    let zip: ZipCase;
    if (head.zip) {
      batch = [queue.shift() as FuzzCase];
      sent = documentsOf(run, head);
      for (let k = sent.length; k < folio.pending; k++) {
        const source = decSource(run, `FZD-${head.n}p${k}`);
        const doc = mutateDocument(head.rng, source, { control: true });
        sent.push({ caseNo: head.n, name: `caso-${head.n}p${k}.xml`, doc, expect: expectation(run, source, doc.signed) });
      }
      sent = sent.slice(0, folio.pending);
      zip = await zipBatch(head.rng, sent.map((s) => ({ name: s.name, bytes: s.doc.bytes })), true);
    } else {
      batch = [];
      while (batch.length < folio.pending && queue.length > 0 && !(queue[0] as FuzzCase).zip) batch.push(queue.shift() as FuzzCase);
      sent = batch.flatMap((c) => documentsOf(run, c));
      // Too few cases left for the folio: fill with controls of the last case.
      const last = batch.at(-1) as FuzzCase;
      for (let k = 0; sent.length < folio.pending; k++) {
        const source = decSource(run, `FZD-${last.n}f${k}`);
        const doc = mutateDocument(last.rng, source, { control: true });
        sent.push({ caseNo: last.n, name: `caso-${last.n}f${k}.xml`, doc, expect: expectation(run, source, doc.signed) });
      }
      zip = await zipBatch(head.rng, sent.map((s) => ({ name: s.name, bytes: s.doc.bytes })), false);
    }
    const current = folio;
    await guarded(run, batch.map((c) => c.n), () => uploadDecs(run, current, batch, sent, zip));
  }
}

// The long variant runs for minutes: lift the per-file timeout (.taprc's 120 s) for it alone.
if (LONG) t.setTimeout(60 * 60_000);

t.test(`fuzzing títulos and certificados (${SEED_TEXT}, ${ONLY === undefined ? `${CASES} cases` : `case ${ONLY}`})`, async (t) => {
  const started = performance.now();
  const testApp = await buildTestApp();
  t.teardown(() => testApp.close());
  const inst = await seedMecInstitution(testApp);
  const run: Run = {
    testApp,
    inst,
    auth: basicAuth(inst.usuario, inst.password),
    today: mexicoCityDate(testApp.clock.now()),
    crashes: 0,
    accepted: 0,
    rejected: 0,
    refused: 0,
    uploads: 0,
    failures: [],
  };
  // The judge itself can fail: a valid document passes, an edited signed value or a repeated attribute does not.
  for (const source of [tituloSource(run, 'FZ-JUDGE-T'), decSource(run, 'FZ-JUDGE-D')]) {
    const expect = expectation(run, source, source.root);
    const xml = mutateDocument(new Rng(SEED, -1), source, { control: true }).bytes.toString('utf8');
    t.ok(judge(Buffer.from(xml), expect).ok, `${source.kind}: the judge accepts the valid document`);
    t.ok(judge(Buffer.from(`\ufeff${xml}`), expect).ok, `${source.kind}: …and it with a UTF-8 BOM`);
    const edited = xml.replace('"PEGJ950314HDFRRN07"', '"PEGJ950314HDFRRN08"');
    t.not(edited, xml);
    t.notOk(judge(Buffer.from(edited), expect).ok, `${source.kind}: the judge refuses an edited signed value`);
    t.notOk(judge(Buffer.from(xml.replace(' folioControl=', ' folioControl="X" folioControl=')), expect).ok, `${source.kind}: …and a repeated attribute`);
  }

  const cases = planCases();
  await runTitulos(run, cases.filter((c) => c.kind === 'titulo'));
  await runDecs(run, cases.filter((c) => c.kind === 'dec'));

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  t.comment(`${SEED_TEXT}: ${cases.length} cases in ${run.uploads} uploads, ${seconds} s; documents accepted ${run.accepted}, rejected ${run.rejected}, uploads refused ${run.refused}; crashes ${run.crashes}`);
  recordFigures('fuzz', { fuzzCases: cases.length, fuzzCrashes: run.crashes });
  for (const failure of run.failures.slice(0, REPORT_LIMIT)) t.fail(failure);
  if (run.failures.length > REPORT_LIMIT) t.fail(`…and ${run.failures.length - REPORT_LIMIT} more failures (${SEED_TEXT})`);
  t.equal(run.crashes, 0, `no crash, 5xx or PKG-INTERNAL (${SEED_TEXT})`);
  if (ONLY === undefined) t.ok(run.accepted > 0 && run.rejected > 0, `both outcomes were reached (accepted ${run.accepted}, rejected ${run.rejected})`);
  t.equal(run.failures.length, 0, `no failure (${SEED_TEXT}; replay one with FUZZ_CASE=<n>)`);
});
