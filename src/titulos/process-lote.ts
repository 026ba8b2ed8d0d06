import { sql, type Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { mexicoCityDate } from '../domain/dates.js';
import type { CertificateCache } from '../domain/efirma/certificate-cache.js';
import { parseCertificate, type EfirmaCertificate } from '../domain/efirma/certificate.js';
import type { RegisteredSigner, RenapoRecord } from '../domain/titulos/check-titulo.js';
import type { IntakeLimits } from '../intake/limits.js';
import { insertDocumentos, lockLeasedLote, markLoteProcessed } from '../store/repositories/lotes.js';
import { findRenapoPeople, listAuthorityCertificates, listSigners } from '../store/repositories/registry.js';
import { insertTitulos, registeredFolios } from '../store/repositories/titulos.js';
import type { Database, LoteRow, NewDocumento, StoredCheck } from '../store/schema.js';
import { evaluateLote, rejectAsAlreadyRegistered, type EvaluatedDocument } from './evaluate-lote.js';

export interface ProcessLoteDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly limits: IntakeLimits;
  readonly cadenaEscapeXml: boolean;
  readonly renapo: boolean;
  readonly certificates: CertificateCache;
}

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/** Evaluates a claimed lote and stores its results in one transaction, if the lease is still ours. */
export async function processLote(lote: LoteRow, owner: string, deps: ProcessLoteDeps): Promise<{ registered: number; rejected: number }> {
  const { db } = deps;
  const startedAt = deps.clock.now();
  const [signersBySha256, authorityCertificates] = await Promise.all([
    loadSigners(db, lote.cve_institucion),
    loadAuthorityCertificates(db),
  ]);
  const evaluated = await evaluateLote(
    {
      cveInstitucion: lote.cve_institucion,
      nombreArchivo: lote.nombre_archivo,
      archivo: Buffer.from(lote.archivo.buffer, lote.archivo.byteOffset, lote.archivo.byteLength),
      today: mexicoCityDate(startedAt),
    },
    {
      limits: deps.limits,
      cadenaEscapeXml: deps.cadenaEscapeXml,
      certificates: deps.certificates,
      signersBySha256,
      authorityCertificates,
      registeredFolios: (folios) => registeredFolios(db, lote.environment, lote.cve_institucion, folios),
      renapo: deps.renapo ? (curps) => loadRenapo(db, curps) : null,
    },
  );

  return db.transaction().execute(async (trx) => {
    // The lote row first: a worker whose lease was lost (re-claimed, or finished by another worker)
    // stops here instead of colliding with the other worker's rows; nobody can re-claim it meanwhile.
    if (!(await lockLeasedLote(trx, lote.id, owner))) {
      throw new LeaseLostError(`lote ${lote.numero_lote}: lease lost before its results were stored`);
    }
    // Serializes registrations per institution, so two lotes racing for one folio cannot both win.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`titulo:${lote.environment}:${lote.cve_institucion}`}))`.execute(trx);
    const passed = evaluated.filter((d) => d.estatus === 1);
    const takenMeanwhile = await registeredFolios(trx, lote.environment, lote.cve_institucion, passed.map((d) => d.folioControl));
    const documents = evaluated.map((d) => (d.estatus === 1 && takenMeanwhile.has(d.folioControl) ? rejectAsAlreadyRegistered(d) : d));
    const registered = documents.filter((d) => d.estatus === 1);
    const processedAt = deps.clock.now();

    // Rows (each with its checks as JSON text) are built a batch at a time, not all at once: for a
    // 20,000-file lote the JSON alone is over 100 MB.
    for (let i = 0; i < documents.length; i += ROWS_PER_INSERT) {
      await insertDocumentos(trx, documents.slice(i, i + ROWS_PER_INSERT).map((d) => toRow(lote.id, d)));
    }
    await insertTitulos(
      trx,
      registered.map((d) => ({
        environment: lote.environment,
        cveInstitucion: lote.cve_institucion,
        folioControl: d.folioControl,
        loteId: lote.id,
        position: d.position,
        curp: d.profesionista?.curp ?? '',
        nombre: d.profesionista?.nombre ?? '',
        primerApellido: d.profesionista?.primerApellido ?? '',
        segundoApellido: d.profesionista?.segundoApellido ?? '',
        registeredAt: processedAt,
      })),
    );
    const finished = await markLoteProcessed(trx, {
      loteId: lote.id,
      owner,
      startedAt,
      processedAt,
      total: documents.length,
      registered: registered.length,
      rejected: documents.length - registered.length,
    });
    if (!finished) throw new LeaseLostError(`lote ${lote.numero_lote}: lease lost before its results were stored`);
    return { registered: registered.length, rejected: documents.length - registered.length };
  });
}

const ROWS_PER_INSERT = 500;

function toRow(loteId: number, d: EvaluatedDocument): NewDocumento {
  return {
    lote_id: loteId,
    position: d.position,
    archivo: d.archivo,
    folio_control: d.folioControl,
    estatus: d.estatus,
    descripcion: d.descripcion,
    checks: JSON.stringify(d.checks satisfies readonly StoredCheck[]),
    xml: d.xml,
  };
}

async function loadSigners(db: Kysely<Database>, cveInstitucion: string): Promise<Map<string, RegisteredSigner>> {
  const rows = await listSigners(db, cveInstitucion);
  return new Map(
    rows.map((r) => [
      r.sha256,
      { id: String(r.id), sha256: r.sha256, numeroCertificado: r.numero_certificado, curp: r.curp, nombre: r.nombre, active: r.status === 'active' },
    ]),
  );
}

async function loadAuthorityCertificates(db: Kysely<Database>): Promise<Map<string, EfirmaCertificate>> {
  const rows = await listAuthorityCertificates(db);
  return new Map(rows.map((r) => [r.numero_certificado, parseCertificate(r.der)]));
}

async function loadRenapo(db: Kysely<Database>, curps: readonly string[]): Promise<Map<string, RenapoRecord>> {
  const rows = await findRenapoPeople(db, [...new Set(curps)]);
  return new Map(
    rows.map((r) => [r.curp, { nombre: r.nombre, primerApellido: r.primer_apellido, segundoApellido: r.segundo_apellido }]),
  );
}
