/**
 * The MET responses (spec met-titulos.md §1.5), built on the shared SEP-shaped envelope
 * (src/wire/soap/responses.ts: `env:` prefix, default-namespace wrapper, exact bytes).
 */
import {
  base64ResponseEnvelope, integerElement, responseEnvelope, shortElement, textElement,
} from '../soap/responses.js';

// The MET's tests reach the shared escaping and fault through this module, as before the split.
export { escapeXmlText, soapFault } from '../soap/responses.js';

/**
 * `cargaTituloElectronicoResponse`. `numeroLote` undefined → the element is omitted, as SEP does on
 * a failed login or a refused upload (spec §1.4: three clients test for a missing lote).
 */
export function cargaResponse(numeroLote: number | undefined, mensaje: string): Buffer {
  const lote = numeroLote === undefined ? '' : integerElement('numeroLote', numeroLote);
  return responseEnvelope('cargaTituloElectronicoResponse', lote + textElement('mensaje', mensaje));
}

/** `consultaProcesoTituloElectronicoResponse`; `estatusLote` is xs:short, `mensaje` optional. */
export function consultaResponse(numeroLote: number, estatusLote: number, mensaje?: string): Buffer {
  const estatus = shortElement('estatusLote', estatusLote);
  const msg = mensaje === undefined ? '' : textElement('mensaje', mensaje);
  return responseEnvelope('consultaProcesoTituloElectronicoResponse', integerElement('numeroLote', numeroLote) + estatus + msg);
}

/**
 * `descargaTituloElectronicoResponse`. `titulos` null → an empty `titulosBase64` (present because
 * the WSDL requires it; U2/U3 treat null or empty as "not ready").
 */
export function descargaResponse(numeroLote: number, mensaje: string, titulos: Buffer | null): Buffer {
  return base64ResponseEnvelope('descargaTituloElectronicoResponse',
    integerElement('numeroLote', numeroLote) + textElement('mensaje', mensaje), 'titulosBase64', titulos);
}

/** `cancelaTituloElectronicoResponse`; `codigo` is xs:int. */
export function cancelaResponse(codigo: number, mensaje: string): Buffer {
  if (!Number.isInteger(codigo) || codigo < -2147483648 || codigo > 2147483647) {
    throw new RangeError(`codigo must be an xs:int, got ${codigo}`);
  }
  return responseEnvelope('cancelaTituloElectronicoResponse', `<codigo>${codigo}</codigo>` + textElement('mensaje', mensaje));
}
