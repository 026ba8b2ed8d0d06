/**
 * The MEC SOAP service's `mensaje` and results texts, in one place.
 *
 * SEP publishes no web service for IPES certificados (its channel is a portal) and no MEC message
 * text is public (spec mec-certificados.md §4.7), so every text here is CHOSEN: this service's own,
 * in the plain Spanish and sentence shapes of SEP's MET texts. Where a MET situation recurs (failed
 * login, lote processed / in process / not found, another institution's lote, package not ready)
 * the MET text itself is used (src/wire/met/messages.ts), so a client written for the títulos
 * service reads both alike: "ESPERA" while not ready, "exitosamente" on an authenticated row.
 */
import { CANCELLATION_RULES } from '../../certificados/cancellations.js';
import { FOLIO_RULES, type FolioState } from '../../certificados/folios.js';
import { mexicoCityDateTimeText } from '../../domain/dates.js';
import { MET_MESSAGES } from '../met/messages.js';
import type { CargaRefusal, FolioFacts, FolioRefusal } from './use-cases.js';

/** consultaFolio's `estatusFolio` (the WSDL's estatusFolioType) per folio state. */
export const ESTATUS_FOLIO: Readonly<Record<FolioState, string>> = {
  'pending-payment': 'PENDIENTE_DE_PAGO',
  paid: 'PAGADO_POR_ACTIVAR',
  active: 'ACTIVO',
  complete: 'COMPLETO',
  exhausted: 'AGOTADO',
};

/** ESTATUS of a row in ResultadoCargaCertificados<N>.xls: the MEC's word for an authenticated certificate (spec §4.6), else ERROR. */
export const ESTATUS_CERTIFICADO = { authenticated: 'SATISFACTORIO', rejected: 'ERROR' } as const;


const noAttemptSpent = 'No se consumió ningún intento del folio.';

export const MEC_MESSAGES = {
  // ---------------------------------------------------------------- cargaCertificadoElectronico
  /** Accepted: the MET's carga text, plus the attempt it took. */
  cargaAccepted: (nombreArchivo: string, numeroLote: number, folio: string, attempt: number): string =>
    `${MET_MESSAGES.cargaAccepted(nombreArchivo, numeroLote)} Intento ${attempt} de ${FOLIO_RULES.maxAttempts} del folio ${folio}.`,

  /** Why an upload was refused: no numeroLote is sent, this is the whole answer. */
  cargaRefused: (refusal: CargaRefusal, nombreArchivo: string): string => {
    switch (refusal.reason) {
      case 'folio-not-found': return MEC_MESSAGES.folioRefused(refusal);
      case 'folio-state': return MEC_MESSAGES.folioUnavailable(refusal.facts);
      case 'wrong-count':
        return `El folio ${refusal.folio} requiere exactamente ${refusal.expected} certificado(s) en esta carga y el archivo ${nombreArchivo} contiene ${refusal.found}. ${noAttemptSpent}`;
      case 'unreadable':
        return `${refusal.check.sepMessage ?? refusal.check.explanation}. ${noAttemptSpent}`;
    }
  },

  // ---------------------------------------------------------------- folios (carga and consultaFolio)
  /**
   * A folio these credentials cannot use. An unknown folio, another institution's and one of the
   * other environment get the same text, so folios the caller may not use stay unseen.
   */
  folioRefused: (refusal: FolioRefusal): string => `El folio ${refusal.folio} no existe para la Institución Educativa.`,

  /** A folio that takes no upload now, by its state (spec §4.6: payment, 48 h / 24 h activation, 3 attempts). */
  folioUnavailable: (f: FolioFacts): string => {
    switch (f.state) {
      case 'pending-payment': return `El folio ${f.folio} no ha sido pagado.`;
      case 'paid':
        // A paid folio always has its activation time.
        return `El folio ${f.folio} está pagado y se activa el ${mexicoTime(f.activeFrom!)} (48 horas después del pago con línea de captura, 24 horas con tarjeta).`;
      case 'complete': return `El folio ${f.folio} ya tiene autenticados sus ${f.certificados} certificado(s); no admite más cargas.`;
      case 'exhausted':
        return `El folio ${f.folio} agotó sus ${FOLIO_RULES.maxAttempts} intentos de carga; adquiera un nuevo folio para los certificados pendientes.`;
      case 'active': return `El folio ${f.folio} no admite cargas en este momento.`;
    }
  },

  /** consultaFolio's summary line. */
  folioStatus: (f: FolioFacts): string =>
    f.state === 'active'
      ? `El folio ${f.folio} se encuentra ACTIVO: ${f.certificados - f.authenticated} certificado(s) pendiente(s) de ${f.certificados}, ${f.attemptsLeft} intento(s) restante(s).`
      : MEC_MESSAGES.folioUnavailable(f),

  // ---------------------------------------------------------------- cancelaCertificadoElectronico
  /** Spec §4.6: a cancellation takes 48 business hours; the certificate may then be uploaded again. */
  cancelRequested: (folioControl: string, effectiveAt: Date): string =>
    `Se registró la cancelación del certificado con folio de control ${folioControl}; surte efecto el ${mexicoTime(effectiveAt)}, ${CANCELLATION_RULES.businessHours} horas hábiles después de la solicitud.`,

  cancelPending: (folioControl: string, effectiveAt: Date): string =>
    `El certificado con folio de control ${folioControl} ya tiene una cancelación en trámite; surte efecto el ${mexicoTime(effectiveAt)}.`,

  /** After the MET's "El folio F no se encuentra registrado." */
  cancelNotFound: (folioControl: string): string => `El folio de control ${folioControl} no tiene un certificado autenticado.`,

  cancelMotivoTooLong: (maxLength: number): string => `El motivo de cancelación excede ${maxLength} caracteres.`,

  // ---------------------------------------------------------------- descargaCertificadoElectronico
  /** DESCRIPCION of an authenticated certificate; "exitosamente" as in the MET's registered row. */
  authenticated: (folioDigital: string): string => `Certificado electrónico autenticado exitosamente con folio digital ${folioDigital}`,
} as const;

/** Dates in texts: Mexico City wall time, said so. */
function mexicoTime(instant: Date): string {
  return `${mexicoCityDateTimeText(instant)} (hora del centro de México)`;
}
