import { sql, type Kysely } from 'kysely';
import type { Database, DgairOutcome, DgairSolicitudRow, EnvironmentColumn, PaymentMethod } from '../schema.js';
import { DOCUMENT_COLUMNS, withDocuments } from './lotes.js';

/** DGAIR authentication of títulos: solicitudes, the títulos they ask for, the authentications. */

/** Every registration (current and cancelled) of these folios, with its XML and its authentication. */
export async function registrationsOf(db: Kysely<Database>, environment: EnvironmentColumn, cveInstitucion: string, folios: readonly string[]) {
  if (folios.length === 0) return [];
  const rows = await db
    .selectFrom('titulo')
    .innerJoin('documento', (join) => join.onRef('documento.lote_id', '=', 'titulo.lote_id').onRef('documento.position', '=', 'titulo.position'))
    .leftJoin('titulo_autenticacion as ta', 'ta.titulo_id', 'titulo.id')
    .select(['titulo.id', 'titulo.folio_control', 'titulo.cancelled_at', 'ta.folio_digital', ...DOCUMENT_COLUMNS])
    .where('titulo.environment', '=', environment)
    .where('titulo.cve_institucion', '=', cveInstitucion)
    .where('titulo.folio_control', 'in', [...folios])
    .execute();
  return withDocuments(db, rows);
}

export interface NewSolicitud {
  environment: EnvironmentColumn;
  cveInstitucion: string;
  usuario: string;
  paymentMethod: PaymentMethod | null;
  lineaCaptura: string | null;
  paidAt: Date | null;
  activeFrom: Date | null;
  createdAt: Date;
  titulos: ReadonlyArray<{ folioControl: string; tituloId: number }>;
}

/** The solicitud and its títulos; run it in a transaction. */
export async function insertSolicitud(db: Kysely<Database>, solicitud: NewSolicitud): Promise<DgairSolicitudRow> {
  const row = await db
    .insertInto('dgair_solicitud')
    .values({
      numero: sql<string>`'A' || nextval('dgair_solicitud_numero')::text`,
      environment: solicitud.environment,
      cve_institucion: solicitud.cveInstitucion,
      usuario: solicitud.usuario,
      titulos: solicitud.titulos.length,
      payment_method: solicitud.paymentMethod,
      linea_captura: solicitud.lineaCaptura,
      paid_at: solicitud.paidAt,
      active_from: solicitud.activeFrom,
      created_at: solicitud.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .insertInto('dgair_solicitud_titulo')
    .values(solicitud.titulos.map((t, position) => ({ solicitud_id: row.id, position, folio_control: t.folioControl, titulo_id: t.tituloId })))
    .execute();
  return row;
}

export interface SolicitudScope {
  cveInstitucion?: string | undefined;
  environment?: EnvironmentColumn | undefined;
}

export function findSolicitud(db: Kysely<Database>, scope: SolicitudScope, numero: string) {
  let query = db.selectFrom('dgair_solicitud').selectAll().where('numero', '=', numero);
  if (scope.cveInstitucion !== undefined) query = query.where('cve_institucion', '=', scope.cveInstitucion);
  if (scope.environment !== undefined) query = query.where('environment', '=', scope.environment);
  return query.executeTakeFirst();
}

/** Newest first; page with `beforeId` = the last row's id. */
export function listSolicitudes(db: Kysely<Database>, scope: SolicitudScope & { beforeId?: number | undefined; limit: number }) {
  let query = db.selectFrom('dgair_solicitud').selectAll().orderBy('id', 'desc').limit(scope.limit);
  if (scope.cveInstitucion !== undefined) query = query.where('cve_institucion', '=', scope.cveInstitucion);
  if (scope.environment !== undefined) query = query.where('environment', '=', scope.environment);
  if (scope.beforeId !== undefined) query = query.where('id', '<', scope.beforeId);
  return query.execute();
}

/** Records the payment once: undefined when the solicitud was paid meanwhile. */
export function paySolicitud(db: Kysely<Database>, id: number, method: PaymentMethod, paidAt: Date, activeFrom: Date) {
  return db
    .updateTable('dgair_solicitud')
    .set({ payment_method: method, paid_at: paidAt, active_from: activeFrom })
    .where('id', '=', id)
    .where('paid_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** The solicitud, locked, when it is active and not processed yet; undefined otherwise. */
export function lockDueSolicitud(db: Kysely<Database>, id: number, now: Date) {
  return db
    .selectFrom('dgair_solicitud')
    .selectAll()
    .where('id', '=', id)
    .where('processed_at', 'is', null)
    .where('active_from', '<=', now)
    .forUpdate()
    .executeTakeFirst();
}

/** The títulos still to process, with the registration's state, its XML and any authentication. */
export async function pendingItems(db: Kysely<Database>, solicitudId: number) {
  const rows = await db
    .selectFrom('dgair_solicitud_titulo as st')
    .innerJoin('titulo', 'titulo.id', 'st.titulo_id')
    .innerJoin('documento', (join) => join.onRef('documento.lote_id', '=', 'titulo.lote_id').onRef('documento.position', '=', 'titulo.position'))
    .leftJoin('titulo_autenticacion as ta', 'ta.titulo_id', 'st.titulo_id')
    .select(['st.position', 'st.titulo_id', 'titulo.cancelled_at', 'ta.id as autenticacion_id', ...DOCUMENT_COLUMNS])
    .where('st.solicitud_id', '=', solicitudId)
    .where('st.outcome', 'is', null)
    .orderBy('st.position')
    .execute();
  return withDocuments(db, rows);
}

/** Stores an authentication unless the título already has one; the id of the one that stands. */
export async function insertAutenticacion(
  db: Kysely<Database>,
  a: { tituloId: number; folioDigital: string; fechaAutenticacion: string; noCertificadoAutoridad: string; xml: Buffer; authenticatedAt: Date },
): Promise<number> {
  const inserted = await db
    .insertInto('titulo_autenticacion')
    .values({
      titulo_id: a.tituloId,
      folio_digital: a.folioDigital,
      fecha_autenticacion: a.fechaAutenticacion,
      no_certificado_autoridad: a.noCertificadoAutoridad,
      xml: a.xml,
      authenticated_at: a.authenticatedAt,
    })
    .onConflict((oc) => oc.column('titulo_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? (await autenticacionIdOf(db, a.tituloId));
}

async function autenticacionIdOf(db: Kysely<Database>, tituloId: number): Promise<number> {
  const row = await db.selectFrom('titulo_autenticacion').select('id').where('titulo_id', '=', tituloId).executeTakeFirstOrThrow();
  return row.id;
}

export async function setOutcome(
  db: Kysely<Database>,
  solicitudId: number,
  position: number,
  outcome: { kind: Extract<DgairOutcome, 'autenticado'>; autenticacionId: number } | { kind: Extract<DgairOutcome, 'rechazado'>; code: string; reason: string },
): Promise<void> {
  await db
    .updateTable('dgair_solicitud_titulo')
    .set(
      outcome.kind === 'autenticado'
        ? { outcome: 'autenticado', autenticacion_id: outcome.autenticacionId }
        : { outcome: 'rechazado', reason_code: outcome.code, reason: outcome.reason },
    )
    .where('solicitud_id', '=', solicitudId)
    .where('position', '=', position)
    .execute();
}

export async function markSolicitudProcessed(db: Kysely<Database>, id: number, at: Date): Promise<void> {
  await db.updateTable('dgair_solicitud').set({ processed_at: at }).where('id', '=', id).execute();
}

/** A solicitud's títulos in request order, with their outcome and authentication. */
export function solicitudItems(db: Kysely<Database>, solicitudId: number) {
  return db
    .selectFrom('dgair_solicitud_titulo as st')
    .leftJoin('titulo_autenticacion as ta', 'ta.id', 'st.autenticacion_id')
    .select(['st.position', 'st.folio_control', 'st.outcome', 'st.reason_code', 'st.reason', 'ta.folio_digital', 'ta.fecha_autenticacion'])
    .where('st.solicitud_id', '=', solicitudId)
    .orderBy('st.position')
    .execute();
}

/** The authenticated XMLs of a solicitud, in request order. */
export function authenticatedXmls(db: Kysely<Database>, solicitudId: number) {
  return db
    .selectFrom('dgair_solicitud_titulo as st')
    .innerJoin('titulo_autenticacion as ta', 'ta.id', 'st.autenticacion_id')
    .select(['st.folio_control', 'ta.folio_digital', 'ta.xml'])
    .where('st.solicitud_id', '=', solicitudId)
    .orderBy('st.position')
    .execute();
}

/** An authentication by folioDigital, with the título registration and institution it belongs to. */
export function findAutenticacion(db: Kysely<Database>, folioDigital: string) {
  return db
    .selectFrom('titulo_autenticacion as ta')
    .innerJoin('titulo', 'titulo.id', 'ta.titulo_id')
    .innerJoin('institution', 'institution.cve_institucion', 'titulo.cve_institucion')
    .select([
      'ta.id',
      'ta.folio_digital',
      'ta.fecha_autenticacion',
      'ta.no_certificado_autoridad',
      'ta.xml',
      'ta.authenticated_at',
      'titulo.environment',
      'titulo.cve_institucion',
      'institution.nombre as nombre_institucion',
      'titulo.folio_control',
      'titulo.curp',
      'titulo.nombre',
      'titulo.primer_apellido',
      'titulo.segundo_apellido',
      'titulo.registered_at',
      'titulo.cancelled_at',
    ])
    .where('ta.folio_digital', '=', folioDigital)
    .executeTakeFirst();
}

/** The solicitudes that asked for an authentication (usually one). */
export async function solicitudesOf(db: Kysely<Database>, autenticacionId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('dgair_solicitud_titulo as st')
    .innerJoin('dgair_solicitud as s', 's.id', 'st.solicitud_id')
    .select('s.numero')
    .where('st.autenticacion_id', '=', autenticacionId)
    .orderBy('s.id')
    .execute();
  return rows.map((r) => r.numero);
}
