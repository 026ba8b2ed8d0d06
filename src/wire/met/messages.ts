import type { ConsultaOutcome } from '../../titulos/met-service.js';

/**
 * SEP's MET `mensaje` texts, in one place.
 *
 * Every entry names its source in shared/spec/met-titulos.md and a confidence:
 *   - SEEN:   verbatim text SEP returned on the wire (a real response kept in a public repository);
 *   - CHOSEN: SEP's real text is not public; this is our own wording, kept SEP-like (plain Spanish,
 *             same sentence shapes as the SEEN texts). Change it here and nowhere else.
 *
 * Clients match on some of these: U3 skips a not-ready descarga when `mensaje` contains "ESPERA";
 * U4 treats a row as registered when DESCRIPCION contains "exitosamente". Keep those words.
 */

/** Codes of `cancelaTituloElectronicoResponse/codigo` (xs:int). Spec §1.8 / §4.8. */
export const CANCELA_CODIGO = {
  /** SEEN convention [C2] (W1, U1, U2): 0 = cancelled. W4's `codigo == 1` is the outlier. */
  cancelled: 0,
  /** CHOSEN: SEP's non-zero codes are not public. */
  notFound: 1,
  /** CHOSEN. */
  alreadyCancelled: 2,
  /** CHOSEN. */
  invalidMotivo: 3,
  /** CHOSEN: unknown user or wrong password. */
  unauthenticated: 4,
  /** CHOSEN: valid credentials, but the folio belongs to another institution. */
  forbidden: 5,
} as const;

/** `estatusLote` of `consultaProcesoTituloElectronicoResponse` (xs:short). Spec §1.7 / §4.8. */
export const ESTATUS_LOTE = {
  /** [C1] (U2): 0 = not finished, also used for "not found" and other refusals. */
  notFinished: 0,
  /** [C2]: 1 = processed, descarga available. */
  processed: 1,
} as const;

export const MET_MESSAGES = {
  // ---------------------------------------------------------------- cargaTituloElectronico
  /**
   * Carga accepted (a numeroLote was assigned). CHOSEN: SEP's success text is not public
   * (spec §8 open question 3; clients only read numeroLote).
   */
  cargaAccepted: (nombreArchivo: string, numeroLote: number): string =>
    `Se recibió el archivo ${nombreArchivo} con número de lote ${numeroLote}.`,

  /**
   * Failed login (unknown user OR wrong password: the SAME text, so the service does not reveal
   * which users exist). Used by every operation. CHOSEN: SEP answers a failed carga login without
   * numeroLote and with the reason in mensaje (spec §1.4, [C2]); the wording itself is not public.
   */
  authFailed: (): string => 'Usuario o contraseña incorrectos.',

  /**
   * Too many failed logins of this usuario or from this address (src/registry/login-throttle.ts):
   * answered where the failed-login text would be, never as a fault. CHOSEN (SEP's is not public);
   * the same for existing and unknown users.
   */
  loginThrottled: (retryAfterSeconds: number): string =>
    `Acceso bloqueado temporalmente por intentos fallidos de inicio de sesión; intente de nuevo en ${retryAfterSeconds} segundos.`,

  // ---------------------------------------------------------------- consultaProcesoTituloElectronico
  /** Lote processed. SEEN [C1] (spec §1.7 / §5.1, W2 dumps). */
  consultaProcessed: (numeroLote: number): string =>
    `El número de lote ${numeroLote} se encuentra PROCESADO.`,

  /**
   * Lote not finished yet. CHOSEN: SEP's text is not public (spec §8.3). Same shape as the
   * PROCESADO text; contains "ESPERA" like the descarga not-ready text.
   */
  consultaProcessing: (numeroLote: number): string =>
    `El número de lote ${numeroLote} se encuentra EN PROCESO, en ESPERA de ser procesado.`,

  // ---------------------------------------------------------------- descargaTituloElectronico
  /** Package ready. SEEN [C1] (spec §1.6 / §5.1, W2 `historicoenvio`, 17 lotes). No final period. */
  descargaReady: (numeroLote: number): string =>
    `El número de lote ${numeroLote} finalizó el proceso, se descarga archivo con la relación correspondiente`,

  /**
   * Package not ready. Partly SEEN [C1 weak]: U3 skips when mensaje contains "ESPERA" (spec §1.6).
   * The rest of the sentence is CHOSEN. titulosBase64 is sent present and empty.
   */
  descargaNotReady: (numeroLote: number): string =>
    `El número de lote ${numeroLote} se encuentra EN ESPERA de ser procesado.`,

  // ---------------------------------------------------------------- consulta / descarga shared
  /** Unknown lote. CHOSEN (not public). */
  loteNotFound: (numeroLote: number): string =>
    `El número de lote ${numeroLote} no existe.`,

  /**
   * Credentials of another institution. SEEN [C1] (spec §1.6 / §5.1, W2): SEP names the caller's
   * own institution key (cveInstitucion) after "El usuario".
   */
  forbidden: (cveInstitucion: string): string =>
    `El usuario ${cveInstitucion} no pertenece a la Institución Educativa.`,

  // ---------------------------------------------------------------- cancelaTituloElectronico
  /** Cancelled (codigo 0). SEEN [C1] (spec §1.8, W1 test stub). */
  cancelOk: (folioControl: string): string =>
    `El folio ${folioControl} fue cancelado exitosamente.`,

  /** codigo 1. CHOSEN. */
  cancelNotFound: (folioControl: string): string =>
    `El folio ${folioControl} no se encuentra registrado.`,

  /** codigo 2. CHOSEN. */
  cancelAlreadyCancelled: (folioControl: string): string =>
    `El folio ${folioControl} ya se encuentra cancelado.`,

  /** codigo 3. CHOSEN; the valid codes are R1–R5 and C1 (spec §4.7). */
  cancelInvalidMotivo: (motCancelacion: string): string =>
    `El motivo de cancelación ${motCancelacion} no es válido.`,
} as const;

/** A consulta's estatusLote and mensaje: 1 only once the lote is processed (both SOAP services answer alike). */
export function consultaAnswer(outcome: ConsultaOutcome): { estatusLote: number; mensaje: string } {
  const n = outcome.numeroLote;
  switch (outcome.kind) {
    case 'processed': return { estatusLote: ESTATUS_LOTE.processed, mensaje: MET_MESSAGES.consultaProcessed(n) };
    case 'processing': return { estatusLote: ESTATUS_LOTE.notFinished, mensaje: MET_MESSAGES.consultaProcessing(n) };
    case 'not-found': return { estatusLote: ESTATUS_LOTE.notFinished, mensaje: MET_MESSAGES.loteNotFound(n) };
    case 'unauthenticated': return { estatusLote: ESTATUS_LOTE.notFinished, mensaje: MET_MESSAGES.authFailed() };
    case 'forbidden': return { estatusLote: ESTATUS_LOTE.notFinished, mensaje: MET_MESSAGES.forbidden(outcome.cveInstitucion) };
  }
}
