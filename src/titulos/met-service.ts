/**
 * The MET use cases as the wire adapters see them. Adapters (SOAP, REST, CLI) only translate to and
 * from these shapes; SEP's wording for each outcome lives in src/wire/met/messages.ts.
 */
export type Environment = 'qa' | 'prod';

export interface Credentials {
  readonly usuario: string;
  readonly password: string;
  /** The HTTP peer the credentials came from (for the per-address failed-login limit). */
  readonly clientAddress?: string;
}

/** One row of SEP's results sheet (ResultadoCargaTitulos<N>.xls). */
export interface ResultRow {
  /** File name as uploaded (inner name when zipped; the zip's own name for package-level failures). */
  readonly archivo: string;
  /** 1 = registered, 2 = rejected. */
  readonly estatus: 1 | 2;
  readonly descripcion: string;
  /** folioControl read from the XML ('' when unreadable). */
  readonly folioControl: string;
}

export type CargaOutcome =
  | { readonly kind: 'accepted'; readonly numeroLote: number }
  | { readonly kind: 'unauthenticated' }
  | { readonly kind: 'invalid-request'; readonly reason: string };

export type ConsultaOutcome =
  | { readonly kind: 'processing'; readonly numeroLote: number }
  | { readonly kind: 'processed'; readonly numeroLote: number }
  | { readonly kind: 'not-found'; readonly numeroLote: number }
  | { readonly kind: 'unauthenticated'; readonly numeroLote: number }
  | { readonly kind: 'forbidden'; readonly numeroLote: number; readonly cveInstitucion: string };

export type DescargaOutcome =
  | { readonly kind: 'ready'; readonly numeroLote: number; readonly rows: readonly ResultRow[] }
  | { readonly kind: 'processing'; readonly numeroLote: number }
  | { readonly kind: 'not-found'; readonly numeroLote: number }
  | { readonly kind: 'unauthenticated'; readonly numeroLote: number }
  | { readonly kind: 'forbidden'; readonly numeroLote: number; readonly cveInstitucion: string };

export type CancelaOutcome =
  | { readonly kind: 'cancelled'; readonly folioControl: string }
  | { readonly kind: 'not-found'; readonly folioControl: string }
  | { readonly kind: 'already-cancelled'; readonly folioControl: string }
  | { readonly kind: 'invalid-motivo'; readonly motCancelacion: string }
  | { readonly kind: 'unauthenticated' }
  | { readonly kind: 'forbidden'; readonly cveInstitucion: string };

/** `forbidden` carries the caller's own cveInstitucion: SEP names it in "El usuario <cve> no pertenece…" (spec §1.6). */
export interface MetService {
  carga(auth: Credentials, nombreArchivo: string, archivo: Buffer): Promise<CargaOutcome>;
  consulta(auth: Credentials, numeroLote: number): Promise<ConsultaOutcome>;
  descarga(auth: Credentials, numeroLote: number): Promise<DescargaOutcome>;
  cancela(auth: Credentials, folioControl: string, motCancelacion: string, cveInstitucion?: string): Promise<CancelaOutcome>;
}
