import { sql, type Kysely, type Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { CheckResult } from '../domain/checks.js';
import type { DecOptions, RegisteredCampus } from '../domain/certificados/check-dec.js';
import { mexicoCityDate, mexicoCityDateTimeText } from '../domain/dates.js';
import type { CertificateCache } from '../domain/efirma/certificate-cache.js';
import type { IntakeLimits } from '../intake/limits.js';
import type { EvaluationPool } from '../jobs/evaluation-pool.js';
import { loteExecutor, loteUpload, packageFailureOf, storeInOrder, withPreparedChunks, type PreparedChunk } from '../jobs/lote-pipeline.js';
import type { UploadHandoff } from '../jobs/upload-handoff.js';
import { signersBySha256, toRegisteredSigner } from '../registry/signer-lookup.js';
import { insertDocumentos, lockLeasedLote, markLoteProcessed } from '../store/repositories/lotes.js';
import { addAuthenticated, authenticatedFolioControls, currentPlans, listCampuses } from '../store/repositories/mec.js';
import { findInstitution } from '../store/repositories/registry.js';
import type { Database, LoteRow, NewMecCertificado } from '../store/schema.js';
import { documentoRow, LeaseLostError } from '../titulos/process-lote.js';
import { fromStoredPlan } from './plan-store.js';
import { DecCompleter, type CompletedDec, type DecFacts, type PreparedDec, type SealingAuthority } from './prepare-dec.js';

export { SATISFACTORIO, type SealingAuthority } from './prepare-dec.js';

export interface ProcessUploadDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly limits: IntakeLimits;
  /** Parsed signer certificates, for files checked on this thread. */
  readonly certificates: CertificateCache;
  readonly authority: SealingAuthority;
  readonly options: DecOptions;
  /** Threads that check and seal the certificates; absent (or size 0): this thread does. */
  readonly pool?: EvaluationPool | null | undefined;
  /** Uploads this process received (already indexed when they were counted against their folio). */
  readonly handoff?: UploadHandoff | undefined;
}

/**
 * Checks every DEC of an upload against the institution's registry, seals the SATISFACTORIO ones
 * with the authority's Dreoe and SepIpes nodes, and stores the results, the authenticated
 * certificates and the folio's new count in one transaction, if the lease is still ours. The
 * evaluation threads check and seal a chunk at a time while this thread completes the chunks before
 * them with the folio check, in upload order, and stores them.
 */
export async function processMecUpload(lote: LoteRow, owner: string, deps: ProcessUploadDeps): Promise<{ authenticated: number; rejected: number }> {
  const { db } = deps;
  const startedAt = deps.clock.now();
  const [{ archive, files, failure }, facts] = await Promise.all([loteUpload(lote, deps), loadFacts(db, lote.cve_institucion, startedAt, deps)]);
  const context = { lote, owner, deps, startedAt };
  if (files === null || failure !== null) return storeUnreadable(context, archive, failure);

  return withPreparedChunks(
    { files, archive },
    loteExecutor(deps.pool, { kind: 'certificados', facts }, deps.limits, deps.certificates),
    (chunks) =>
      storeUpload(context, async (trx, store) => {
        const completer = new DecCompleter();
        const complete = async (chunk: PreparedChunk<PreparedDec>) => {
          const unknown = completer.unknownFolios(chunk.prepared);
          completer.learn(unknown, await authenticatedFolioControls(trx, lote.environment, lote.cve_institucion, unknown, startedAt));
          return chunk.prepared.map((prepared, i) => completer.complete(prepared, chunk.files[i]!, chunk.start + i));
        };
        await storeInOrder(chunks, complete, store);
      }),
    () => storeUnreadable(context, archive),
  );
}

interface UploadContext {
  readonly lote: LoteRow;
  readonly owner: string;
  readonly deps: ProcessUploadDeps;
  readonly startedAt: Date;
}

/** An upload that fails as a whole: the one row naming it. */
async function storeUnreadable(context: UploadContext, archive: Buffer, failure: CheckResult | null = null): Promise<{ authenticated: number; rejected: number }> {
  const row = await packageFailureOf(context.lote, archive, context.deps.limits, failure);
  return storeUpload(context, (_trx, store) => store([{ ...row, prepared: null, sealed: null }]));
}

type Store = (certificates: readonly CompletedDec[]) => Promise<void>;

/**
 * The one transaction that stores an upload's results: lease and institution locks, then `body`
 * (which stores certificates through `store`), the folio's count, and the upload marked processed.
 */
async function storeUpload(
  { lote, owner, deps, startedAt }: UploadContext,
  body: (trx: Transaction<Database>, store: Store) => Promise<void>,
): Promise<{ authenticated: number; rejected: number }> {
  return deps.db.transaction().execute(async (trx) => {
    if (!(await lockLeasedLote(trx, lote.id, owner))) throw new LeaseLostError(`upload ${lote.numero_lote}: lease lost before its results were stored`);
    // Serializes authentications per institution: one folioControl cannot be authenticated twice.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`dec:${lote.environment}:${lote.cve_institucion}`}))`.execute(trx);

    const counts = { total: 0, sealed: 0 };
    const store: Store = async (certificates) => {
      // An authenticated certificate's document lives on, sealed, in mec_certificado (and the upload in lote_archivo).
      await insertDocumentos(trx, certificates.map((c) => documentoRow(lote.id, c)));
      const sealed = certificates.flatMap((c) => certificadoRow(lote, c, startedAt) ?? []);
      if (sealed.length > 0) await trx.insertInto('mec_certificado').values(sealed).execute();
      counts.total += certificates.length;
      counts.sealed += sealed.length;
    };
    await body(trx, store);
    const { total, sealed } = counts;

    if (lote.mec_folio_id !== null && sealed > 0) await addAuthenticated(trx, lote.mec_folio_id, sealed);
    const finished = await markLoteProcessed(trx, {
      loteId: lote.id,
      owner,
      startedAt,
      processedAt: deps.clock.now(),
      total,
      registered: sealed,
      rejected: total - sealed,
    });
    if (!finished) throw new LeaseLostError(`upload ${lote.numero_lote}: lease lost before its results were stored`);
    return { authenticated: sealed, rejected: total - sealed };
  });
}

/** The authenticated certificate's row; undefined when it was not authenticated. */
function certificadoRow(lote: LoteRow, c: CompletedDec, authenticatedAt: Date): NewMecCertificado | undefined {
  if (c.sealed === null || c.prepared === null) return undefined;
  const { alumno, idCampus, idCarrera, planId } = c.prepared;
  return {
    environment: lote.environment,
    cve_institucion: lote.cve_institucion,
    mec_folio_id: lote.mec_folio_id!,
    lote_id: lote.id,
    position: c.position,
    plan_id: planId,
    folio_control: c.folioControl,
    folio_digital: c.sealed.folioDigital,
    id_campus: idCampus ?? '',
    id_carrera: idCarrera ?? '',
    curp: alumno?.curp ?? '',
    nombre: alumno?.nombre ?? '',
    primer_apellido: alumno?.primerApellido ?? '',
    segundo_apellido: alumno?.segundoApellido ?? '',
    numero_control: alumno?.numeroControl ?? '',
    xml: null,
    seal: c.sealed.text,
    seal_at: c.sealed.at,
    authenticated_at: authenticatedAt,
  };
}

/** Everything the checks and the seal need about the institution, read once per upload. */
async function loadFacts(db: Kysely<Database>, cveInstitucion: string, startedAt: Date, deps: ProcessUploadDeps): Promise<DecFacts> {
  const [institution, campuses, plans, signers] = await Promise.all([
    findInstitution(db, cveInstitucion),
    listCampuses(db, cveInstitucion),
    currentPlans(db, cveInstitucion),
    signersBySha256(db, cveInstitucion),
  ]);
  const campusMap = new Map<string, RegisteredCampus>(
    campuses.map((c) => [
      c.id_campus,
      {
        idEntidadFederativa: c.id_entidad_federativa,
        signer:
          c.signer_id === null
            ? null
            : toRegisteredSigner({ id: c.signer_id, sha256: c.sha256 ?? '', numero_certificado: c.numero_certificado ?? '', curp: c.curp ?? '', nombre: c.signer_nombre ?? '', status: c.signer_status ?? 'revoked' }),
      },
    ]),
  );
  return {
    today: mexicoCityDate(startedAt),
    xmlLimits: deps.limits.xml,
    options: deps.options,
    idNombreInstitucion: institution?.id_mec ?? '',
    campuses: campusMap,
    plans: new Map(plans.map((row) => [`${row.id_carrera}|${row.clave_plan}`, { id: row.id, plan: fromStoredPlan(row.content) }])),
    signersBySha256: signers,
    authority: { numeroCertificado: deps.authority.numeroCertificado, privateKey: deps.authority.privateKey, official: deps.authority.official },
    sealStamp: mexicoCityDateTimeText(startedAt),
  };
}
