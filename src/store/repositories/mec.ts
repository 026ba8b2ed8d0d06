import { sql, type Kysely } from 'kysely';
import { sealedDocument } from '../../domain/certificados/sep-nodes.js';
import type { Database, EnvironmentColumn, MecCertificadoRow, MecFolioRow, PaymentMethod, StoredPlan } from '../schema.js';
import { DOCUMENT_COLUMNS, withDocuments } from './lotes.js';

/** MEC registry: the institution's MEC id, campuses and the one active signer per campus. */

export async function setMecId(db: Kysely<Database>, cveInstitucion: string, idMec: string): Promise<void> {
  await db.updateTable('institution').set({ id_mec: idMec }).where('cve_institucion', '=', cveInstitucion).execute();
}

export async function upsertCampus(
  db: Kysely<Database>,
  campus: { cveInstitucion: string; idCampus: string; nombre: string; idEntidadFederativa: string },
): Promise<void> {
  const values = { cve_institucion: campus.cveInstitucion, id_campus: campus.idCampus, nombre: campus.nombre, id_entidad_federativa: campus.idEntidadFederativa };
  await db
    .insertInto('mec_campus')
    .values(values)
    .onConflict((oc) => oc.columns(['cve_institucion', 'id_campus']).doUpdateSet({ nombre: campus.nombre, id_entidad_federativa: campus.idEntidadFederativa }))
    .execute();
}

/** Makes `signerId` the campus's active signer; the previous one is deactivated for new uploads. */
export async function assignCampusSigner(db: Kysely<Database>, cveInstitucion: string, idCampus: string, signerId: number, at: Date): Promise<void> {
  await db
    .updateTable('mec_campus_signer')
    .set({ active: false, replaced_at: at })
    .where('cve_institucion', '=', cveInstitucion)
    .where('id_campus', '=', idCampus)
    .where('active', '=', true)
    .execute();
  await db.insertInto('mec_campus_signer').values({ cve_institucion: cveInstitucion, id_campus: idCampus, signer_id: signerId, assigned_at: at }).execute();
}

/** Campuses with their active signer's certificate (null when none). */
export function listCampuses(db: Kysely<Database>, cveInstitucion: string) {
  return db
    .selectFrom('mec_campus as c')
    .leftJoin('mec_campus_signer as cs', (join) =>
      join.onRef('cs.cve_institucion', '=', 'c.cve_institucion').onRef('cs.id_campus', '=', 'c.id_campus').on('cs.active', '=', true),
    )
    .leftJoin('signer as s', 's.id', 'cs.signer_id')
    .select([
      'c.id_campus',
      'c.nombre',
      'c.id_entidad_federativa',
      's.id as signer_id',
      's.sha256',
      's.numero_certificado',
      's.curp',
      's.nombre as signer_nombre',
      's.status as signer_status',
      's.valid_from',
      's.valid_to',
    ])
    .where('c.cve_institucion', '=', cveInstitucion)
    .orderBy('c.id_campus')
    .execute();
}

/** Study plans: versions, the current one per carrera and clavePlan, and the subject registry. */

export function currentPlans(db: Kysely<Database>, cveInstitucion: string) {
  return db.selectFrom('mec_plan').selectAll().where('cve_institucion', '=', cveInstitucion).where('is_current', '=', true).orderBy('id_carrera').orderBy('clave_plan').execute();
}

export async function insertPlanVersion(db: Kysely<Database>, cveInstitucion: string, plan: StoredPlan, at: Date): Promise<{ id: number; version: number }> {
  const previous = await db
    .updateTable('mec_plan')
    .set({ is_current: false })
    .where('cve_institucion', '=', cveInstitucion)
    .where('id_carrera', '=', plan.idCarrera)
    .where('clave_plan', '=', plan.clavePlan)
    .where('is_current', '=', true)
    .returning('version')
    .executeTakeFirst();
  const version = (previous?.version ?? 0) + 1;
  const row = await db
    .insertInto('mec_plan')
    .values({
      cve_institucion: cveInstitucion,
      id_carrera: plan.idCarrera,
      clave_plan: plan.clavePlan,
      version,
      is_current: true,
      content: JSON.stringify(plan),
      imported_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, version };
}

export async function upsertAsignaturas(
  db: Kysely<Database>,
  cveInstitucion: string,
  asignaturas: ReadonlyArray<{ idAsignatura: string; idCarrera: string; claveAsignatura: string }>,
): Promise<void> {
  if (asignaturas.length === 0) return;
  await db
    .insertInto('mec_asignatura')
    .values(asignaturas.map((a) => ({ cve_institucion: cveInstitucion, id_asignatura: a.idAsignatura, id_carrera: a.idCarrera, clave_asignatura: a.claveAsignatura })))
    .onConflict((oc) => oc.columns(['cve_institucion', 'id_asignatura']).doUpdateSet((eb) => ({ clave_asignatura: eb.ref('excluded.clave_asignatura') })))
    .execute();
}

export function listAsignaturas(db: Kysely<Database>, cveInstitucion: string) {
  return db.selectFrom('mec_asignatura').selectAll().where('cve_institucion', '=', cveInstitucion).execute();
}

/** Folios: created, paid, activated; attempts consumed atomically. */

export async function insertFolio(
  db: Kysely<Database>,
  folio: {
    environment: EnvironmentColumn;
    cveInstitucion: string;
    certificados: number;
    paymentMethod: PaymentMethod | null;
    lineaCaptura: string | null;
    paidAt: Date | null;
    activeFrom: Date | null;
    createdAt: Date;
  },
): Promise<MecFolioRow> {
  const prefix = folio.environment === 'qa' ? 'P' : 'F';
  return db
    .insertInto('mec_folio')
    .values({
      folio: sql<string>`${prefix} || nextval('mec_folio_numero')::text`,
      environment: folio.environment,
      cve_institucion: folio.cveInstitucion,
      certificados: folio.certificados,
      payment_method: folio.paymentMethod,
      linea_captura: folio.lineaCaptura,
      paid_at: folio.paidAt,
      active_from: folio.activeFrom,
      created_at: folio.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findFolio(db: Kysely<Database>, cveInstitucion: string | undefined, folio: string) {
  let query = db.selectFrom('mec_folio').selectAll().where('folio', '=', folio);
  if (cveInstitucion !== undefined) query = query.where('cve_institucion', '=', cveInstitucion);
  return query.executeTakeFirst();
}

export function countFolios(db: Kysely<Database>, cveInstitucion: string, environment: EnvironmentColumn) {
  return db
    .selectFrom('mec_folio')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cve_institucion', '=', cveInstitucion)
    .where('environment', '=', environment)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

export function listFolios(db: Kysely<Database>, filter: { cveInstitucion?: string | undefined; environment?: EnvironmentColumn | undefined; beforeId?: number | undefined; limit: number }) {
  let query = db.selectFrom('mec_folio').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.cveInstitucion) query = query.where('cve_institucion', '=', filter.cveInstitucion);
  if (filter.environment) query = query.where('environment', '=', filter.environment);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.execute();
}

export function payFolio(db: Kysely<Database>, id: number, method: PaymentMethod, paidAt: Date, activeFrom: Date) {
  return db
    .updateTable('mec_folio')
    .set({ payment_method: method, paid_at: paidAt, active_from: activeFrom })
    .where('id', '=', id)
    .where('paid_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Consumes one attempt of an active folio with certificates still pending, in ONE conditional
 * UPDATE: under READ COMMITTED a concurrent UPDATE waits for the row and re-evaluates the WHERE on
 * the new row version, so however many uploads race, at most `maxAttempts` get a row back.
 */
export function consumeAttempt(db: Kysely<Database>, id: number, now: Date, maxAttempts: number) {
  return db
    .updateTable('mec_folio')
    .set({ attempts_used: sql<number>`attempts_used + 1` })
    .where('id', '=', id)
    .where('attempts_used', '<', maxAttempts)
    .where('active_from', '<=', now)
    .where(sql<boolean>`authenticated < certificados`)
    .returning(['attempts_used'])
    .executeTakeFirst();
}

export function addAuthenticated(db: Kysely<Database>, id: number, count: number) {
  return db.updateTable('mec_folio').set({ authenticated: sql<number>`authenticated + ${count}` }).where('id', '=', id).execute();
}

export function folioAttempts(db: Kysely<Database>, folioId: number) {
  return db
    .selectFrom('lote')
    .select(['id', 'numero_lote', 'attempt_no', 'status', 'nombre_archivo', 'received_at', 'processed_at', 'total', 'registered', 'rejected'])
    .where('mec_folio_id', '=', folioId)
    .orderBy('attempt_no')
    .execute();
}

/** Authenticated certificates. */

export function authenticatedFolioControls(db: Kysely<Database>, environment: EnvironmentColumn, cveInstitucion: string, folios: readonly string[], now: Date) {
  if (folios.length === 0) return Promise.resolve(new Set<string>());
  return db
    .selectFrom('mec_certificado')
    .select('folio_control')
    .where('environment', '=', environment)
    .where('cve_institucion', '=', cveInstitucion)
    .where('folio_control', 'in', [...new Set(folios)])
    .where((eb) => eb.or([eb('cancellation_effective_at', 'is', null), eb('cancellation_effective_at', '>', now)]))
    .execute()
    .then((rows) => new Set(rows.map((r) => r.folio_control)));
}

export function countAuthenticated(db: Kysely<Database>, cveInstitucion: string, environment: EnvironmentColumn) {
  return db
    .selectFrom('mec_certificado')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cve_institucion', '=', cveInstitucion)
    .where('environment', '=', environment)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

export function findCertificadoByFolioDigital(db: Kysely<Database>, folioDigital: string) {
  return db.selectFrom('mec_certificado').selectAll().where('folio_digital', '=', folioDigital).executeTakeFirst();
}

/** What a certificate listing shows: everything but the sealed XML. */
const CERTIFICADO_SUMMARY = [
  'c.id',
  'c.folio_digital',
  'c.folio_control',
  'c.environment',
  'c.cve_institucion',
  'f.folio',
  'c.id_campus',
  'c.id_carrera',
  'c.curp',
  'c.nombre',
  'c.primer_apellido',
  'c.segundo_apellido',
  'c.numero_control',
  'c.authenticated_at',
  'c.cancellation_requested_at',
  'c.cancellation_effective_at',
  'c.cancellation_reason',
] as const;

export type CertificadoEstatus = 'autenticado' | 'cancelacion-pendiente' | 'cancelado';

export interface CertificadoFilter {
  readonly cveInstitucion?: string | undefined;
  readonly environment?: EnvironmentColumn | undefined;
  readonly folioControl?: string | undefined;
  readonly folioDigital?: string | undefined;
  readonly folio?: string | undefined;
  readonly estatus?: CertificadoEstatus | undefined;
  /** The service clock's now: a pending cancellation becomes effective by it. */
  readonly now: Date;
  readonly beforeId?: number | undefined;
  readonly limit?: number | undefined;
}

/** Authenticated certificates, newest first, filtered by institution, folio, status… */
export function listCertificados(db: Kysely<Database>, filter: CertificadoFilter) {
  let query = db.selectFrom('mec_certificado as c').innerJoin('mec_folio as f', 'f.id', 'c.mec_folio_id').select(CERTIFICADO_SUMMARY).orderBy('c.id', 'desc');
  if (filter.cveInstitucion !== undefined) query = query.where('c.cve_institucion', '=', filter.cveInstitucion);
  if (filter.environment !== undefined) query = query.where('c.environment', '=', filter.environment);
  if (filter.folioControl !== undefined) query = query.where('c.folio_control', '=', filter.folioControl);
  if (filter.folioDigital !== undefined) query = query.where('c.folio_digital', '=', filter.folioDigital);
  if (filter.folio !== undefined) query = query.where('f.folio', '=', filter.folio);
  if (filter.beforeId !== undefined) query = query.where('c.id', '<', filter.beforeId);
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  switch (filter.estatus) {
    case 'autenticado':
      return query.where('c.cancellation_requested_at', 'is', null).execute();
    case 'cancelacion-pendiente':
      return query.where('c.cancellation_effective_at', '>', filter.now).execute();
    case 'cancelado':
      return query.where('c.cancellation_effective_at', '<=', filter.now).execute();
    default:
      return query.execute();
  }
}

/**
 * Starts the cancellation of the selected certificates that have none yet, in ONE conditional
 * UPDATE: of two concurrent requests for one certificate, one gets it back and the other nothing.
 */
export async function requestCancellation(
  db: Kysely<Database>,
  target: { readonly cveInstitucion: string; readonly environment: EnvironmentColumn; readonly folioControl?: string; readonly folioDigital?: string; readonly folio?: string },
  cancellation: { readonly requestedAt: Date; readonly effectiveAt: Date; readonly reason: string | null },
): Promise<number[]> {
  let query = db
    .updateTable('mec_certificado')
    .set({ cancellation_requested_at: cancellation.requestedAt, cancellation_effective_at: cancellation.effectiveAt, cancellation_reason: cancellation.reason })
    .where('cve_institucion', '=', target.cveInstitucion)
    .where('environment', '=', target.environment)
    .where('cancellation_requested_at', 'is', null);
  if (target.folioControl !== undefined) query = query.where('folio_control', '=', target.folioControl);
  if (target.folioDigital !== undefined) query = query.where('folio_digital', '=', target.folioDigital);
  if (target.folio !== undefined) query = query.where('mec_folio_id', '=', (eb) => eb.selectFrom('mec_folio').select('id').where('folio', '=', target.folio as string));
  const rows = await query.returning('id').execute();
  return rows.map((r) => r.id);
}

/** The certificates a MEC upload authenticated, by position in the upload, with their sealed XML. */
export async function listSealedCertificados(db: Kysely<Database>, loteId: number): Promise<Array<{ position: number; folio_digital: string; xml: Buffer }>> {
  const rows = await db
    .selectFrom('mec_certificado as c')
    .innerJoin('documento', (join) => join.onRef('documento.lote_id', '=', 'c.lote_id').onRef('documento.position', '=', 'c.position'))
    .select(['c.position', 'c.folio_digital', 'c.xml as sealed_xml', 'c.seal', 'c.seal_at', ...DOCUMENT_COLUMNS])
    .where('c.lote_id', '=', loteId)
    .orderBy('c.position')
    .execute();
  return sealedDocuments(db, rows);
}

/** One authenticated certificate's sealed XML. */
export async function sealedCertificado(db: Kysely<Database>, row: Pick<MecCertificadoRow, 'lote_id' | 'position' | 'xml' | 'seal' | 'seal_at'>): Promise<Buffer> {
  if (row.xml !== null) return Buffer.from(row.xml.buffer, row.xml.byteOffset, row.xml.byteLength);
  const documento = await db
    .selectFrom('documento')
    .select(DOCUMENT_COLUMNS)
    .where('documento.lote_id', '=', row.lote_id)
    .where('documento.position', '=', row.position)
    .executeTakeFirstOrThrow();
  const [sealed] = await sealedDocuments(db, [{ ...documento, sealed_xml: null, seal: row.seal, seal_at: row.seal_at }]);
  return sealed!.xml;
}

type SealedRow = Parameters<typeof withDocuments>[1][number] & { sealed_xml: Uint8Array | null; seal: string | null; seal_at: number | null };

/**
 * Sealed documents as stored before migration 0005, or made from the uploaded file (documento's
 * range of the upload) with the seal inserted where it was taken: at the root's end tag.
 */
async function sealedDocuments<T extends SealedRow>(db: Kysely<Database>, rows: readonly T[]) {
  const uploaded = await withDocuments(db, rows.map((r) => (r.sealed_xml === null ? r : { ...r, xml: null, upload_offset: null, upload_size: null })));
  return rows.map((r, i) => {
    const { sealed_xml: stored, seal, seal_at: at, lote_id: _lote, xml: _xml, upload_offset: _offset, upload_size: _size, upload_method: _method, ...rest } = r;
    if (stored !== null) return { ...rest, xml: Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength) };
    const original = uploaded[i]!.xml;
    if (original === null || seal === null || at === null) throw new Error(`a sealed certificate of lote ${r.lote_id} cannot be read back: its uploaded file is missing`);
    return { ...rest, xml: sealedDocument(original, { text: seal, at }) };
  });
}
