/**
 * The MEC operations' requests, read from a SOAP 1.1 envelope by the shared SEP envelope parser
 * (src/wire/soap/envelope.ts: the same scanner, limits and leniency as the MET's). archivoBase64 is
 * read last because decoding it overwrites the body bytes.
 */
import type { Credentials } from '../../titulos/met-service.js';
import { parseSoapEnvelope, type OperationReader, type SoapParseResult } from '../soap/envelope.js';

export type MecRequest =
  | {
      readonly operation: 'cargaCertificadoElectronico';
      readonly auth: Credentials;
      readonly folio: string;
      readonly nombreArchivo: string;
      /** Decoded archivoBase64: a view into the request body Buffer (decoded in place). */
      readonly archivo: Buffer;
    }
  | { readonly operation: 'consultaProcesoCertificadoElectronico'; readonly auth: Credentials; readonly numeroLote: number }
  | { readonly operation: 'descargaCertificadoElectronico'; readonly auth: Credentials; readonly numeroLote: number }
  | { readonly operation: 'consultaFolio'; readonly auth: Credentials; readonly folio: string }
  | { readonly operation: 'cancelaCertificadoElectronico'; readonly auth: Credentials; readonly folioControl: string; readonly motivo: string | undefined };

/** Wrapper element local name → its reader. */
const OPERATIONS: ReadonlyMap<string, OperationReader<MecRequest>> = new Map<string, OperationReader<MecRequest>>([
  ['cargaCertificadoElectronicoRequest', (w, f) => {
    const auth = f.auth(w);
    const folio = f.string(w, 'folio');
    const nombreArchivo = f.nombreArchivo(w);
    return { operation: 'cargaCertificadoElectronico', auth, folio, nombreArchivo, archivo: f.base64InPlace(w, 'archivoBase64') };
  }],
  ['consultaProcesoCertificadoElectronicoRequest', (w, f) =>
    ({ operation: 'consultaProcesoCertificadoElectronico', numeroLote: f.integer(w, 'numeroLote'), auth: f.auth(w) })],
  ['descargaCertificadoElectronicoRequest', (w, f) =>
    ({ operation: 'descargaCertificadoElectronico', numeroLote: f.integer(w, 'numeroLote'), auth: f.auth(w) })],
  ['consultaFolioRequest', (w, f) => ({ operation: 'consultaFolio', folio: f.string(w, 'folio'), auth: f.auth(w) })],
  ['cancelaCertificadoElectronicoRequest', (w, f) => ({
    operation: 'cancelaCertificadoElectronico',
    folioControl: f.string(w, 'folioControl'),
    motivo: f.optionalString(w, 'motivo'),
    auth: f.auth(w),
  })],
]);

/** Parses one MEC SOAP 1.1 request. Never throws for bad input: returns the client fault instead. */
export function parseMecEnvelope(body: Buffer): SoapParseResult<MecRequest> {
  return parseSoapEnvelope(body, OPERATIONS);
}
