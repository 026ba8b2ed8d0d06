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

export interface LoteTable {
  id: Generated<number>;
  environment: EnvironmentColumn;
  numero_lote: number;
  cve_institucion: string;
  usuario: string;
  channel: 'soap' | 'rest';
  nombre_archivo: string;
  archivo: Bytes;
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
  checks: Json<StoredCheck[]>;
  xml: Bytes | null;
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

export interface Database {
  institution: InstitutionTable;
  ws_user: WsUserTable;
  signer: SignerTable;
  authority_certificate: AuthorityCertificateTable;
  renapo_person: RenapoPersonTable;
  lote: LoteTable;
  documento: DocumentoTable;
  titulo: TituloTable;
}

export type LoteRow = Selectable<LoteTable>;
export type SignerRow = Selectable<SignerTable>;
export type TituloRow = Selectable<TituloTable>;
export type DocumentoRow = Selectable<DocumentoTable>;
export type NewDocumento = Insertable<DocumentoTable>;
