import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Kysely's view of the tables in migrations/. int8 columns are parsed to number by both drivers. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;
type Json<T> = ColumnType<T, string, string>;

export type EnvironmentColumn = 'qa' | 'prod';

export interface InstitutionTable {
  cve_institucion: string;
  nombre: string;
  created_at: Generated<Date>;
  /** The MEC institution id (idNombreInstitucion, also ServicioFirmante/@idEntidad). */
  id_mec: string | null;
  mec_production_granted_at: Timestamp | null;
}

export interface WsUserTable {
  usuario: string;
  cve_institucion: string;
  environment: EnvironmentColumn;
  password_hash: string;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface SignerTable {
  id: Generated<number>;
  cve_institucion: string;
  sha256: string;
  numero_certificado: string;
  curp: string;
  rfc: string | null;
  nombre: string;
  id_cargo: number | null;
  cargo: string | null;
  valid_from: Timestamp;
  valid_to: Timestamp;
  der: Bytes;
  status: Generated<'active' | 'revoked'>;
  created_at: Generated<Date>;
  revoked_at: Timestamp | null;
}

export interface AuthorityCertificateTable {
  numero_certificado: string;
  sha256: string;
  nombre: string;
  der: Bytes;
  created_at: Generated<Date>;
}

export interface RenapoPersonTable {
  curp: string;
  nombre: string;
  primer_apellido: string;
  segundo_apellido: string;
}

export type LoteStatus = 'pending' | 'processing' | 'processed';

export type LoteKind = 'titulos' | 'certificados';

export interface LoteTable {
  id: Generated<number>;
  kind: Generated<LoteKind>;
  mec_folio_id: number | null;
  attempt_no: number | null;
  environment: EnvironmentColumn;
  numero_lote: number;
  cve_institucion: string;
  usuario: string;
  channel: 'soap' | 'rest';
  nombre_archivo: string;
  archivo_bytes: number;
  status: Generated<LoteStatus>;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  received_at: Timestamp;
  started_at: Timestamp | null;
  processed_at: Timestamp | null;
  total: number | null;
  registered: number | null;
  rejected: number | null;
}

export interface LoteArchivoTable {
  lote_id: number;
  seq: number;
  bytes: Bytes;
}

/** documento.checks: a check stored whole, compactly (`CODE|node|attribute`), or as its CHECK_DICTIONARY position. */
export type StoredChecks = Array<number | string | StoredCheck>;

export interface StoredCheck {
  code: string;
  status: 'ok' | 'error' | 'warning' | 'skipped';
  node?: string;
  attribute?: string;
  expected?: string;
  found?: string;
  explanation?: string;
  sepMessage?: string;
  detail?: Record<string, unknown>;
}

export interface DocumentoTable {
  lote_id: number;
  position: number;
  archivo: string;
  folio_control: string;
  estatus: 1 | 2;
  descripcion: string;
  checks: Json<StoredChecks>;
  /** The document itself, for rows stored before 0005; newer rows point into the upload instead. */
  xml: Bytes | null;
  /** Where the file lies in the upload (lote_archivo): `upload_size` bytes from `upload_offset`, stored (0) or deflated (8). */
  upload_offset: ColumnType<number | null, number | null | undefined, number | null>;
  upload_size: ColumnType<number | null, number | null | undefined, number | null>;
  upload_method: ColumnType<0 | 8 | null, 0 | 8 | null | undefined, 0 | 8 | null>;
}

export interface TituloTable {
  id: Generated<number>;
  environment: EnvironmentColumn;
  cve_institucion: string;
  folio_control: string;
  lote_id: number;
  position: number;
  curp: string;
  nombre: string;
  primer_apellido: string;
  segundo_apellido: string;
  registered_at: Timestamp;
  cancelled_at: Timestamp | null;
  mot_cancelacion: string | null;
}

export interface MecCampusTable {
  cve_institucion: string;
  id_campus: string;
  nombre: string;
  id_entidad_federativa: string;
}

export interface MecCampusSignerTable {
  id: Generated<number>;
  cve_institucion: string;
  id_campus: string;
  signer_id: number;
  active: Generated<boolean>;
  assigned_at: Timestamp;
  replaced_at: Timestamp | null;
}

export interface MecPlanTable {
  id: Generated<number>;
  cve_institucion: string;
  id_carrera: string;
  clave_plan: string;
  version: number;
  is_current: boolean;
  content: Json<StoredPlan>;
  imported_at: Timestamp;
}

/** A RegisteredPlan as stored in JSONB (its subject map as an ordered list of entries). */
export interface StoredPlan {
  idCarrera: string;
  claveCarrera?: string;
  nombreCarrera?: string;
  clavePlan: string;
  idTipoPeriodo: string;
  idNivelEstudios: string;
  numeroCiclos: number;
  rvoe: { numero: string; fecha: string };
  calificacionMinima: number;
  calificacionMaxima: number;
  calificacionMinimaAprobatoria: number;
  asignaturas: Array<[string, { claveAsignatura: string; nombre: string; idTipoAsignatura: string; creditos: string }]>;
  totalCreditos: string;
}

export interface MecAsignaturaTable {
  cve_institucion: string;
  id_asignatura: string;
  id_carrera: string;
  clave_asignatura: string;
}

export type PaymentMethod = 'prueba' | 'linea-de-captura' | 'tarjeta';

export interface MecFolioTable {
  id: Generated<number>;
  folio: string;
  environment: EnvironmentColumn;
  cve_institucion: string;
  certificados: number;
  payment_method: PaymentMethod | null;
  linea_captura: string | null;
  paid_at: Timestamp | null;
  active_from: Timestamp | null;
  attempts_used: Generated<number>;
  authenticated: Generated<number>;
  created_at: Timestamp;
}

export interface MecCertificadoTable {
  id: Generated<number>;
  environment: EnvironmentColumn;
  cve_institucion: string;
  mec_folio_id: number;
  lote_id: number;
  position: number;
  plan_id: number | null;
  folio_control: string;
  folio_digital: string;
  id_campus: string;
  id_carrera: string;
  curp: string;
  nombre: string;
  primer_apellido: string;
  segundo_apellido: string;
  numero_control: string;
  /** The sealed document, for rows stored before 0005; newer rows keep only the seal (see `seal`). */
  xml: Bytes | null;
  /**
   * Dreoe and SepIpes as written into the document: the sealed certificate is the uploaded file
   * (documento's range of the upload) with this text inserted at byte `seal_at`, its root's end tag.
   */
  seal: string | null;
  seal_at: number | null;
  authenticated_at: Timestamp;
  cancellation_requested_at: Timestamp | null;
  cancellation_effective_at: Timestamp | null;
  cancellation_reason: string | null;
}

export interface DgairSolicitudTable {
  id: Generated<number>;
  numero: string;
  environment: EnvironmentColumn;
  cve_institucion: string;
  usuario: string;
  titulos: number;
  payment_method: PaymentMethod | null;
  linea_captura: string | null;
  paid_at: Timestamp | null;
  active_from: Timestamp | null;
  processed_at: Timestamp | null;
  created_at: Timestamp;
}

export interface TituloAutenticacionTable {
  id: Generated<number>;
  titulo_id: number;
  folio_digital: string;
  fecha_autenticacion: string;
  no_certificado_autoridad: string;
  xml: Bytes;
  authenticated_at: Timestamp;
}

export type DgairOutcome = 'autenticado' | 'rechazado';

export interface DgairSolicitudTituloTable {
  solicitud_id: number;
  position: number;
  folio_control: string;
  titulo_id: number;
  outcome: DgairOutcome | null;
  autenticacion_id: number | null;
  reason_code: string | null;
  reason: string | null;
}

export interface Database {
  dgair_solicitud: DgairSolicitudTable;
  dgair_solicitud_titulo: DgairSolicitudTituloTable;
  titulo_autenticacion: TituloAutenticacionTable;
  mec_campus: MecCampusTable;
  mec_campus_signer: MecCampusSignerTable;
  mec_plan: MecPlanTable;
  mec_asignatura: MecAsignaturaTable;
  mec_folio: MecFolioTable;
  mec_certificado: MecCertificadoTable;
  institution: InstitutionTable;
  ws_user: WsUserTable;
  signer: SignerTable;
  authority_certificate: AuthorityCertificateTable;
  renapo_person: RenapoPersonTable;
  lote: LoteTable;
  lote_archivo: LoteArchivoTable;
  documento: DocumentoTable;
  titulo: TituloTable;
}

export type LoteRow = Selectable<LoteTable>;
export type MecFolioRow = Selectable<MecFolioTable>;
export type MecCertificadoRow = Selectable<MecCertificadoTable>;
export type DgairSolicitudRow = Selectable<DgairSolicitudTable>;
export type SignerRow = Selectable<SignerTable>;
export type TituloRow = Selectable<TituloTable>;
export type DocumentoRow = Selectable<DocumentoTable>;
export type NewDocumento = Insertable<DocumentoTable>;
export type NewMecCertificado = Insertable<MecCertificadoTable>;
