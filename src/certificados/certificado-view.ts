import type { CertificadoEstatus } from '../store/repositories/mec.js';

interface CertificadoFields {
  readonly folio_digital: string;
  readonly folio_control: string;
  readonly environment: string;
  readonly cve_institucion: string;
  readonly folio?: string;
  readonly id_campus: string;
  readonly id_carrera: string;
  readonly curp: string;
  readonly nombre: string;
  readonly primer_apellido: string;
  readonly segundo_apellido: string;
  readonly numero_control: string;
  readonly authenticated_at: Date;
  readonly cancellation_requested_at: Date | null;
  readonly cancellation_effective_at: Date | null;
  readonly cancellation_reason?: string | null;
}

/** A certificate's status by the service clock: a requested cancellation is pending until it takes effect. */
export function certificadoEstatus(row: Pick<CertificadoFields, 'cancellation_requested_at' | 'cancellation_effective_at'>, now: Date): CertificadoEstatus {
  if (!row.cancellation_requested_at) return 'autenticado';
  return row.cancellation_effective_at && row.cancellation_effective_at.getTime() <= now.getTime() ? 'cancelado' : 'cancelacion-pendiente';
}

/** An authenticated certificate as the REST API, the operators' API and the verification page show it. */
export function certificadoView(row: CertificadoFields, now: Date) {
  return {
    folioDigital: row.folio_digital,
    folioControl: row.folio_control,
    environment: row.environment,
    cveInstitucion: row.cve_institucion,
    ...(row.folio !== undefined ? { folio: row.folio } : {}),
    idCampus: row.id_campus,
    idCarrera: row.id_carrera,
    alumno: { curp: row.curp, nombre: row.nombre, primerApellido: row.primer_apellido, segundoApellido: row.segundo_apellido, numeroControl: row.numero_control },
    estatus: certificadoEstatus(row, now),
    authenticatedAt: row.authenticated_at,
    cancellation: row.cancellation_requested_at
      ? { requestedAt: row.cancellation_requested_at, effectiveAt: row.cancellation_effective_at, motivo: row.cancellation_reason ?? null }
      : null,
  };
}

export type CertificadoView = ReturnType<typeof certificadoView>;

/** A keyset page of certificates: `next.before` continues the listing. */
export function certificadoPage(rows: ReadonlyArray<CertificadoFields & { readonly id: number }>, limit: number, now: Date) {
  const last = rows.at(-1);
  return { items: rows.map((row) => certificadoView(row, now)), next: rows.length === limit && last ? { before: last.id } : null };
}
