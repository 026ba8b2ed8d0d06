import { sql, type Kysely, type Transaction } from 'kysely';
import type { Authority } from '../authority/authority.js';
import type { Clock } from '../clock.js';
import type { CheckResult } from '../domain/checks.js';
import { mexicoCityDate } from '../domain/dates.js';
import type { CertificateCache } from '../domain/efirma/certificate-cache.js';
import type { RenapoRecord } from '../domain/titulos/check-titulo.js';
import type { IntakeLimits } from '../intake/limits.js';
import type { EvaluationPool } from '../jobs/evaluation-pool.js';
import { loteExecutor, loteUpload, packageFailureOf, storeInOrder, withPreparedChunks, type PreparedChunk } from '../jobs/lote-pipeline.js';
import type { UploadHandoff } from '../jobs/upload-handoff.js';
import { signersBySha256 } from '../registry/signer-lookup.js';
import { insertDocumentos, lockLeasedLote, markLoteProcessed } from '../store/repositories/lotes.js';
import { findRenapoPeople, listAuthorityCertificates } from '../store/repositories/registry.js';
import { insertTitulos, registeredFolios } from '../store/repositories/titulos.js';
import type { Database, LoteRow, NewDocumento } from '../store/schema.js';
import { TituloCompleter, type CompletedTitulo, type PreparedTitulo, type TituloFacts } from './prepare-titulo.js';

export interface ProcessLoteDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly limits: IntakeLimits;
  readonly cadenaEscapeXml: boolean;
  readonly renapo: boolean;
  /** Parsed signer certificates, for files checked on this thread. */
  readonly certificates: CertificateCache;
  /** Threads that prepare the files; absent (or size 0): they are prepared on this thread. */
  readonly pool?: EvaluationPool | null | undefined;
  /**
   * Authorities trusted for the Autenticacion node besides the registered ones: this service's own,
   * so a título it authenticated (src/dgair) verifies when uploaded. It wins over a registered
   * certificate with the same número, since its key is the one that seals here.
   */
  readonly trustedAuthorities?: ReadonlyArray<Pick<Authority, 'numeroCertificado' | 'certificate'>> | undefined;
  /** Uploads this process received, so their lotes are not read back from the database. */
  readonly handoff?: UploadHandoff | undefined;
}

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/**
 * Evaluates a claimed lote and stores its results in one transaction, if the lease is still ours.
 * Its files are prepared a chunk at a time by the evaluation threads (inflate, parse, the document's
 * own checks) while this thread completes the chunks before them in upload order (RENAPO and the
 * folio, from the registry and the files before) and stores them: only a few chunks are in memory.
 */
export async function processLote(lote: LoteRow, owner: string, deps: ProcessLoteDeps): Promise<{ registered: number; rejected: number }> {
  const { db } = deps;
  const startedAt = deps.clock.now();
  const [signers, authorityCertificates, { archive, files, failure }] = await Promise.all([
    signersBySha256(db, lote.cve_institucion),
    loadAuthorityDer(db, deps.trustedAuthorities ?? []),
    loteUpload(lote, deps),
  ]);
  const context: LoteContext = { lote, owner, deps, startedAt };
  if (files === null || failure !== null) return storeUnreadable(context, archive, failure);

  const facts: TituloFacts = {
    today: mexicoCityDate(startedAt),
    cveInstitucion: lote.cve_institucion,
    xmlLimits: deps.limits.xml,
    cadenaEscapeXml: deps.cadenaEscapeXml,
    signersBySha256: signers,
    authorityCertificates,
  };
  return withPreparedChunks(
    { files, archive },
    loteExecutor(deps.pool, { kind: 'titulos', facts }, deps.limits, deps.certificates),
    (chunks) =>
      storeLote(context, async (trx, store) => {
        const completer = new TituloCompleter(deps.renapo);
        const complete = async (chunk: PreparedChunk<PreparedTitulo>) => {
          const questions = completer.questions(chunk.prepared);
          const [registered, renapo] = await Promise.all([
            registeredFolios(trx, lote.environment, lote.cve_institucion, questions.folios),
            loadRenapo(trx, questions.curps),
          ]);
          completer.learn(questions, { registeredFolios: registered, renapo });
          return chunk.prepared.map((prepared, i) => completer.complete(prepared, chunk.files[i]!, chunk.start + i));
        };
        await storeInOrder(chunks, complete, store);
      }),
    () => storeUnreadable(context, archive),
  );
}

/** A lote whose upload fails as a whole: the one row SEP writes for it, naming the upload. */
async function storeUnreadable(context: LoteContext, archive: Buffer, failure: CheckResult | null = null): Promise<{ registered: number; rejected: number }> {
  const row = await packageFailureOf(context.lote, archive, context.deps.limits, failure);
  return storeLote(context, (_trx, store) => store([{ ...row, profesionista: null }]));
}

interface LoteContext {
  readonly lote: LoteRow;
  readonly owner: string;
  readonly deps: ProcessLoteDeps;
  readonly startedAt: Date;
}

type Store = (documents: readonly CompletedTitulo[]) => Promise<void>;

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
      await insertDocumentos(trx, documents.map((d) => documentoRow(lote.id, d)));
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

export function documentoRow(loteId: number, d: Omit<CompletedTitulo, 'profesionista'>): NewDocumento {
  return {
    lote_id: loteId,
    position: d.position,
    archivo: d.archivo,
    folio_control: d.folioControl,
    estatus: d.estatus,
    descripcion: d.descripcion,
    checks: d.checks,
    xml: null,
    upload_offset: d.location?.offset ?? null,
    upload_size: d.location?.size ?? null,
    upload_method: d.location?.method ?? null,
  };
}

function toTitulo(lote: LoteRow, d: CompletedTitulo, registeredAt: Date) {
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

/** The trusted authority certificates as DER by número (the threads parse them). */
async function loadAuthorityDer(
  db: Kysely<Database>,
  trusted: NonNullable<ProcessLoteDeps['trustedAuthorities']>,
): Promise<Map<string, Uint8Array>> {
  const rows = await listAuthorityCertificates(db);
  const certificates = new Map<string, Uint8Array>(rows.map((r) => [r.numero_certificado, r.der]));
  for (const authority of trusted) certificates.set(authority.numeroCertificado, authority.certificate.der);
  return certificates;
}

async function loadRenapo(db: Kysely<Database>, curps: readonly string[]): Promise<Map<string, RenapoRecord>> {
  if (curps.length === 0) return new Map();
  const rows = await findRenapoPeople(db, curps);
  return new Map(
    rows.map((r) => [r.curp, { nombre: r.nombre, primerApellido: r.primer_apellido, segundoApellido: r.segundo_apellido }]),
  );
}
