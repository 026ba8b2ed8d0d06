import { sql, type Kysely, type Transaction } from 'kysely';
import type { Authority } from '../authority/authority.js';
import type { Clock } from '../clock.js';
import { mexicoCityDate } from '../domain/dates.js';
import type { CertificateCache } from '../domain/efirma/certificate-cache.js';
import { parseCertificate, type EfirmaCertificate } from '../domain/efirma/certificate.js';
import type { RenapoRecord } from '../domain/titulos/check-titulo.js';
import type { IntakeLimits } from '../intake/limits.js';
import type { PackageEntry } from '../intake/package.js';
import { insertDocumentos, lockLeasedLote, markLoteProcessed, readLoteArchivo } from '../store/repositories/lotes.js';
import { signersBySha256 } from '../registry/signer-lookup.js';
import { findRenapoPeople, listAuthorityCertificates } from '../store/repositories/registry.js';
import { insertTitulos, registeredFolios } from '../store/repositories/titulos.js';
import type { Database, LoteRow, NewDocumento } from '../store/schema.js';
import type { EvaluationPool, PooledLote } from '../jobs/evaluation-pool.js';
import { encodedDocument, FolioSequencer, LoteEvaluator, scanLote, unpackLote, type EncodedDocument, type PreparedDocument, type UnpackedLote } from './evaluate-lote.js';

export interface ProcessLoteDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly limits: IntakeLimits;
  readonly cadenaEscapeXml: boolean;
  readonly renapo: boolean;
  readonly certificates: CertificateCache;
  /** Threads that parse and check the files; absent (or size 0): the files are checked on this thread. */
  readonly pool?: EvaluationPool | null | undefined;
  /**
   * Authorities trusted for the Autenticacion node besides the registered ones: this service's own,
   * so a título it authenticated (src/dgair) verifies when uploaded. It wins over a registered
   * certificate with the same número, since its key is the one that seals here.
   */
  readonly trustedAuthorities?: ReadonlyArray<Pick<Authority, 'numeroCertificado' | 'certificate'>> | undefined;
}

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/**
 * Evaluates a claimed lote and stores its results in one transaction, if the lease is still ours.
 * Files are checked and stored a chunk at a time: each chunk's rows go to the database while the
 * next chunk is being checked, and only a few chunks of check results are in memory.
 *
 * With an evaluation pool, threads parse and check chunks ahead (the folio taken as free) while
 * this thread reads the registered folios and stores earlier chunks; the folio rule is then applied
 * here in upload order (FolioSequencer), with the same outcome as LoteEvaluator on this thread.
 */
export async function processLote(lote: LoteRow, owner: string, deps: ProcessLoteDeps): Promise<{ registered: number; rejected: number }> {
  const { db } = deps;
  const startedAt = deps.clock.now();
  const [signers, authorityCertificates, unpacked] = await Promise.all([
    signersBySha256(db, lote.cve_institucion),
    loadAuthorityCertificates(db, deps.trustedAuthorities ?? []),
    unpackStored(lote, deps),
  ]);
  const context: LoteContext = { lote, owner, deps, startedAt };
  if (!unpacked.ok) {
    const document = encodedDocument(unpacked.document);
    return storeLote(context, (_trx, store) => store([document]));
  }

  const { entries } = unpacked;
  const xmlLimits = deps.limits.xml;
  // With RENAPO on, the pre-scan parses every file for its CURP, and the checks need the records.
  const curpScan = deps.renapo ? scanLote(entries, xmlLimits, true) : null;
  const facts = {
    today: mexicoCityDate(startedAt),
    cveInstitucion: lote.cve_institucion,
    xmlLimits,
    cadenaEscapeXml: deps.cadenaEscapeXml,
    signersBySha256: signers,
    renapo: curpScan ? await loadRenapo(db, curpScan.curps) : null,
  };

  const pool = deps.pool;
  if (pool && pool.size > 0) {
    const derByNumero = new Map([...authorityCertificates].map(([numero, cert]) => [numero, cert.der]));
    const pooled = pool.openLote({ ...facts, authorityCertificates: derByNumero });
    // Returned, not awaited: this frame, and the entries array it holds, end here; checkInThreads
    // drops its copy's entries a chunk at a time.
    return checkInThreads(context, pooled, [...entries], curpScan?.folios).finally(() => pooled.close());
  }

  const folios = (curpScan ?? scanLote(entries, xmlLimits, false)).folios;
  return storeLote(context, async (trx, store) => {
    const evaluator = new LoteEvaluator({
      ...facts,
      certificates: deps.certificates,
      authorityCertificates,
      registeredFolios: await registeredFolios(trx, lote.environment, lote.cve_institucion, folios),
    });
    let storing: Promise<void> = Promise.resolve();
    for (const [start, end] of chunks(entries, CHUNK_FILES)) {
      const documents = evaluator.evaluate(entries.slice(start, end), start).map(encodedDocument);
      await storing;
      storing = store(documents);
    }
    await storing;
  });
}

/** The stored upload as files; the upload itself is not kept past unpacking (entries are copies). */
async function unpackStored(lote: LoteRow, deps: ProcessLoteDeps): Promise<UnpackedLote> {
  return unpackLote(lote.nombre_archivo, await readLoteArchivo(deps.db, lote.id, lote.archivo_bytes), deps.limits);
}

interface LoteContext {
  readonly lote: LoteRow;
  readonly owner: string;
  readonly deps: ProcessLoteDeps;
  readonly startedAt: Date;
}

/**
 * Up to CHUNKS_AHEAD chunks are with the threads while this thread reads the registered folios
 * (the pre-scan runs as they start) and stores the chunks before them. `files` belongs to this
 * function: a chunk's entries leave it once its documents are built.
 */
async function checkInThreads(
  context: LoteContext,
  pooled: PooledLote,
  files: Array<PackageEntry | undefined>,
  scannedFolios: readonly string[] | undefined,
): Promise<{ registered: number; rejected: number }> {
  const { lote, deps } = context;
  const take = (start: number, end: number): PackageEntry[] => files.slice(start, end).map((file) => file ?? stored());
  const ranges = [...chunks(take(0, files.length), THREAD_CHUNK_FILES)];
  const jobs: Array<Promise<PreparedDocument[]> | undefined> = [];
  const submit = (i: number): void => {
    const range = ranges[i];
    if (range === undefined) return;
    const job = pooled.prepare(take(range[0], range[1]));
    job.catch(() => {}); // awaited in order below; a lote that fails early leaves later jobs unheard
    jobs[i] = job;
  };
  for (let i = 0; i < CHUNKS_AHEAD; i++) submit(i);
  const folios = scannedFolios ?? scanLote(take(0, files.length), deps.limits.xml, false).folios;

  return storeLote(context, async (trx, store) => {
    const sequencer = new FolioSequencer();
    sequencer.learn(folios, await registeredFolios(trx, lote.environment, lote.cve_institucion, folios));
    let storing: Promise<void> = Promise.resolve();
    for (const [i, [start, end]] of ranges.entries()) {
      const prepared = await jobs[i]!;
      jobs[i] = undefined;
      submit(i + CHUNKS_AHEAD);
      const unknown = sequencer.unknownFolios(prepared);
      if (unknown.length > 0) sequencer.learn(unknown, await registeredFolios(trx, lote.environment, lote.cve_institucion, unknown));
      const documents = sequencer.complete(prepared, take(start, end), start);
      files.fill(undefined, start, end); // the documents hold what is still to be stored
      await storing;
      storing = store(documents);
    }
    await storing;
  });
}

function stored(): never {
  throw new Error('a file of the lote was used after its chunk was stored');
}

type Store = (documents: readonly EncodedDocument[]) => Promise<void>;

/**
 * The one transaction that stores a lote's results: lease and institution locks, then `body`
 * (which stores documents through `store`), then the lote marked processed.
 */
async function storeLote(
  { lote, owner, deps, startedAt }: LoteContext,
  body: (trx: Transaction<Database>, store: Store) => Promise<void>,
): Promise<{ registered: number; rejected: number }> {
  return deps.db.transaction().execute(async (trx) => {
    // The lote row first: a worker whose lease was lost (re-claimed, or finished by another worker)
    // stops here instead of colliding with the other worker's rows; nobody can re-claim it meanwhile.
    if (!(await lockLeasedLote(trx, lote.id, owner))) {
      throw new LeaseLostError(`lote ${lote.numero_lote}: lease lost before its results were stored`);
    }
    // Serializes registrations per institution, so two lotes racing for one folio cannot both win;
    // under this lock the registered folios read in `body` stay true until the commit.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`titulo:${lote.environment}:${lote.cve_institucion}`}))`.execute(trx);

    const counts = { total: 0, registered: 0 };
    const store: Store = async (documents) => {
      const registered = documents.filter((d) => d.estatus === 1);
      counts.total += documents.length;
      counts.registered += registered.length;
      await insertDocumentos(trx, documents.map((d) => toRow(lote.id, d)));
      await insertTitulos(trx, registered.map((d) => toTitulo(lote, d, startedAt)));
    };
    await body(trx, store);

    const finished = await markLoteProcessed(trx, {
      loteId: lote.id,
      owner,
      startedAt,
      processedAt: deps.clock.now(),
      total: counts.total,
      registered: counts.registered,
      rejected: counts.total - counts.registered,
    });
    if (!finished) throw new LeaseLostError(`lote ${lote.numero_lote}: lease lost before its results were stored`);
    return { registered: counts.registered, rejected: counts.total - counts.registered };
  });
}

/**
 * Files per chunk, as measured with the benchmark (bench/README.md): on this thread 250 or 125 did
 * no better than 500; with threads 250 did best (the first results, and the first store, come
 * sooner, and the last store, which nothing overlaps, is shorter).
 */
const CHUNK_FILES = 500;
const THREAD_CHUNK_FILES = 250;
/** Chunks with the threads ahead of the one being stored (a few MB of copies at most). */
const CHUNKS_AHEAD = 3;
const CHUNK_BYTES = 4 * 1024 * 1024;

/** [start, end) ranges of at most `files` files and, past the first file, CHUNK_BYTES of XML. */
function* chunks(entries: readonly PackageEntry[], files: number): Generator<[number, number]> {
  let start = 0;
  while (start < entries.length) {
    let end = start;
    let bytes = 0;
    while (end < entries.length && end - start < files && (end === start || bytes + entries[end]!.bytes.length <= CHUNK_BYTES)) {
      bytes += entries[end]!.bytes.length;
      end++;
    }
    yield [start, end];
    start = end;
  }
}

function toRow(loteId: number, d: EncodedDocument): NewDocumento {
  return {
    lote_id: loteId,
    position: d.position,
    archivo: d.archivo,
    folio_control: d.folioControl,
    estatus: d.estatus,
    descripcion: d.descripcion,
    checks: d.checks,
    xml: d.xml,
  };
}

function toTitulo(lote: LoteRow, d: EncodedDocument, registeredAt: Date) {
  return {
    environment: lote.environment,
    cveInstitucion: lote.cve_institucion,
    folioControl: d.folioControl,
    loteId: lote.id,
    position: d.position,
    curp: d.profesionista?.curp ?? '',
    nombre: d.profesionista?.nombre ?? '',
    primerApellido: d.profesionista?.primerApellido ?? '',
    segundoApellido: d.profesionista?.segundoApellido ?? '',
    registeredAt,
  };
}

async function loadAuthorityCertificates(
  db: Kysely<Database>,
  trusted: NonNullable<ProcessLoteDeps['trustedAuthorities']>,
): Promise<Map<string, EfirmaCertificate>> {
  const rows = await listAuthorityCertificates(db);
  const certificates = new Map(rows.map((r) => [r.numero_certificado, parseCertificate(r.der)]));
  for (const authority of trusted) certificates.set(authority.numeroCertificado, authority.certificate);
  return certificates;
}

async function loadRenapo(db: Kysely<Database>, curps: readonly string[]): Promise<Map<string, RenapoRecord>> {
  const rows = await findRenapoPeople(db, [...new Set(curps)]);
  return new Map(
    rows.map((r) => [r.curp, { nombre: r.nombre, primerApellido: r.primer_apellido, segundoApellido: r.segundo_apellido }]),
  );
}
