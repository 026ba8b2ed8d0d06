/**
 * The MEC responses, on the shared SEP-shaped envelope (src/wire/soap/responses.ts): `env:` prefix,
 * default-namespace wrapper, unprefixed children in the WSDL's order, exact bytes. Optional
 * elements are omitted rather than sent empty, as the MET omits numeroLote on a refused carga.
 */
import {
  base64ResponseEnvelope, integerElement, responseEnvelope, shortElement, textElement,
} from '../soap/responses.js';

export interface CargaAccepted {
  readonly numeroLote: number;
  readonly intento: number;
  readonly intentosRestantes: number;
}

/** `cargaCertificadoElectronicoResponse`: `accepted` undefined → only `mensaje` (a refusal). */
export function cargaResponse(accepted: CargaAccepted | undefined, mensaje: string): Buffer {
  const msg = textElement('mensaje', mensaje);
  if (!accepted) return responseEnvelope('cargaCertificadoElectronicoResponse', msg);
  return responseEnvelope('cargaCertificadoElectronicoResponse',
    integerElement('numeroLote', accepted.numeroLote) + msg +
      integerElement('intento', accepted.intento) + integerElement('intentosRestantes', accepted.intentosRestantes));
}

/** `consultaProcesoCertificadoElectronicoResponse`; `estatusLote` is xs:short (the MET's 0 / 1). */
export function consultaResponse(numeroLote: number, estatusLote: number, mensaje: string): Buffer {
  return responseEnvelope('consultaProcesoCertificadoElectronicoResponse',
    integerElement('numeroLote', numeroLote) + shortElement('estatusLote', estatusLote) + textElement('mensaje', mensaje));
}

/** `descargaCertificadoElectronicoResponse`: `paquete` null → an empty `certificadosBase64`, as the MET when not ready. */
export function descargaResponse(numeroLote: number, mensaje: string, paquete: Buffer | null): Buffer {
  return base64ResponseEnvelope('descargaCertificadoElectronicoResponse',
    integerElement('numeroLote', numeroLote) + textElement('mensaje', mensaje), 'certificadosBase64', paquete);
}

export interface FolioSummary {
  readonly estatusFolio: string;
  readonly certificados: number;
  readonly certificadosAutenticados: number;
  readonly certificadosPendientes: number;
  readonly intentosUsados: number;
  readonly intentosRestantes: number;
}

/** `consultaFolioResponse`: the folio echoed, its figures when it could be read, and `mensaje`. */
export function consultaFolioResponse(folio: string, summary: FolioSummary | undefined, mensaje: string): Buffer {
  const figures = summary === undefined ? '' :
    textElement('estatusFolio', summary.estatusFolio) +
      integerElement('certificados', summary.certificados) +
      integerElement('certificadosAutenticados', summary.certificadosAutenticados) +
      integerElement('certificadosPendientes', summary.certificadosPendientes) +
      integerElement('intentosUsados', summary.intentosUsados) +
      integerElement('intentosRestantes', summary.intentosRestantes);
  return responseEnvelope('consultaFolioResponse', textElement('folio', folio) + figures + textElement('mensaje', mensaje));
}

/** `cancelaCertificadoElectronicoResponse`: `codigo` is xs:int; `fechaEfectiva` when a cancellation is (or was already) requested. */
export function cancelaResponse(codigo: number, mensaje: string, fechaEfectiva?: Date): Buffer {
  const fecha = fechaEfectiva === undefined ? '' : textElement('fechaEfectiva', fechaEfectiva.toISOString());
  return responseEnvelope('cancelaCertificadoElectronicoResponse', integerElement('codigo', codigo) + textElement('mensaje', mensaje) + fecha);
}
