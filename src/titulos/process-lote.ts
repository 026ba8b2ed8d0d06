import { sql, type Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { mexicoCityDate } from '../domain/dates.js';
import type { CertificateCache } from '../domain/efirma/certificate-cache.js';
import { parseCertificate, type EfirmaCertificate } from '../domain/efirma/certificate.js';
import type { RegisteredSigner, RenapoRecord } from '../domain/titulos/check-titulo.js';
import type { IntakeLimits } from '../intake/limits.js';
import type { PackageEntry } from '../intake/package.js';
import { encodeChecks } from '../store/check-codec.js';
import { insertDocumentos, lockLeasedLote, markLoteProcessed, readLoteArchivo } from '../store/repositories/lotes.js';
import { signersBySha256 } from '../registry/signer-lookup.js';
import { findRenapoPeople, listAuthorityCertificates } from '../store/repositories/registry.js';
import { insertTitulos, registeredFolios } from '../store/repositories/titulos.js';
import type { Database, LoteRow, NewDocumento } from '../store/schema.js';
import { LoteEvaluator, scanLote, unpackLote, type EvaluatedDocument } from './evaluate-lote.js';

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

/**
 * Evaluates a claimed lote and stores its results in one transaction, if the lease is still ours.
 * Files are checked and stored a chunk at a time: each chunk's rows go to the database while the
 * next chunk is being checked, and only one chunk of parsed trees and check results is in memory.
 */
export async function processLote(lote: LoteRow, owner: string, deps: ProcessLoteDeps): Promise<{ registered: number; rejected: number }> {
  const { db } = deps;
  const startedAt = deps.clock.now();
  const [signers, authorityCertificates] = await Promise.all([signersBySha256(db, lote.cve_institucion), loadAuthorityCertificates(db)]);
  // The stored file is not kept past unpacking: its entries are copies.
  const unpacked = await unpackLote(lote.nombre_archivo, await readLoteArchivo(db, lote.id, lote.archivo_bytes), deps.limits);
  const scan = unpacked.ok ? scanLote(unpacked.entries, deps.limits.xml, deps.renapo) : { folios: [], curps: [] };
  const renapo = deps.renapo ? await loadRenapo(db, scan.curps) : null;

  return db.transaction().execute(async (trx) => {
    // The lote row first: a worker whose lease was lost (re-claimed, or finished by another worker)
    // stops here instead of colliding with the other worker's rows; nobody can re-claim it meanwhile.
    if (!(await lockLeasedLote(trx, lote.id, owner))) {
      throw new LeaseLostError(`lote ${lote.numero_lote}: lease lost before its results were stored`);
    }
    // Serializes registrations per institution, so two lotes racing for one folio cannot both win;
    // under this lock the registered folios read below stay true until the commit.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`titulo:${lote.environment}:${lote.cve_institucion}`}))`.execute(trx);

    const counts = { total: 0, registered: 0 };
    const store = async (documents: readonly EvaluatedDocument[]): Promise<void> => {
      const registered = documents.filter((d) => d.estatus === 1);
      counts.total += documents.length;
      counts.registered += registered.length;
      await insertDocumentos(trx, documents.map((d) => toRow(lote.id, d)));
      await insertTitulos(trx, registered.map((d) => toTitulo(lote, d, startedAt)));
    };

    if (!unpacked.ok) {
      await store([unpacked.document]);
    } else {
      const evaluator = new LoteEvaluator({
        today: mexicoCityDate(startedAt),
        cveInstitucion: lote.cve_institucion,
        xmlLimits: deps.limits.xml,
        cadenaEscapeXml: deps.cadenaEscapeXml,
        certificates: deps.certificates,
        signersBySha256: signers,
        authorityCertificates,
        registeredFolios: await registeredFolios(trx, lote.environment, lote.cve_institucion, scan.folios),
        renapo,
      });
      const { entries } = unpacked;
      let storing: Promise<void> = Promise.resolve();
      for (const [start, end] of chunks(entries)) {
        const documents = evaluator.evaluate(entries.slice(start, end), start);
        await storing;
        storing = store(documents);
      }
      await storing;
    }

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

const CHUNK_FILES = 500;
const CHUNK_BYTES = 4 * 1024 * 1024;

/** [start, end) ranges of at most CHUNK_FILES files and, past the first file, CHUNK_BYTES of XML. */
function* chunks(entries: readonly PackageEntry[]): Generator<[number, number]> {
  let start = 0;
  while (start < entries.length) {
    let end = start;
    let bytes = 0;
    while (end < entries.length && end - start < CHUNK_FILES && (end === start || bytes + entries[end]!.bytes.length <= CHUNK_BYTES)) {
      bytes += entries[end]!.bytes.length;
      end++;
    }
    yield [start, end];
    start = end;
  }
}

function toRow(loteId: number, d: EvaluatedDocument): NewDocumento {
  return {
    lote_id: loteId,
    position: d.position,
    archivo: d.archivo,
    folio_control: d.folioControl,
    estatus: d.estatus,
    descripcion: d.descripcion,
    checks: encodeChecks(d.checks),
    xml: d.xml,
  };
}

function toTitulo(lote: LoteRow, d: EvaluatedDocument, registeredAt: Date) {
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
