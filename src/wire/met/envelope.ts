/**
 * The MET operations' requests, read from a SOAP 1.1 envelope by the shared SEP envelope parser
 * (src/wire/soap/envelope.ts: scanner, limits, leniency, in-place base64). Field order inside each
 * reader decides which fault a request with several problems gets; archivoBase64 is read last
 * because decoding it overwrites the body bytes.
 */
import type { Credentials } from '../../titulos/met-service.js';
import {
  DEFAULT_ENVELOPE_LIMITS, parseSoapEnvelope, SEP_BEANS_NS,
  type EnvelopeLimits, type OperationReader, type SoapParseResult,
} from '../soap/envelope.js';

export const MET_BEANS_NS = SEP_BEANS_NS;

export type MetOperation =
  | 'cargaTituloElectronico'
  | 'consultaProcesoTituloElectronico'
  | 'descargaTituloElectronico'
  | 'cancelaTituloElectronico'
  | 'cancelarTituloInstitucion';

export type MetRequest =
  | {
      readonly operation: 'cargaTituloElectronico';
      readonly auth: Credentials;
      readonly nombreArchivo: string;
      /** Decoded archivoBase64: a view into the request body Buffer (decoded in place). */
      readonly archivo: Buffer;
    }
  | { readonly operation: 'consultaProcesoTituloElectronico'; readonly auth: Credentials; readonly numeroLote: number }
  | { readonly operation: 'descargaTituloElectronico'; readonly auth: Credentials; readonly numeroLote: number }
  | {
      readonly operation: 'cancelaTituloElectronico';
      readonly auth: Credentials;
      readonly folioControl: string;
      readonly motCancelacion: string;
    }
  | {
      readonly operation: 'cancelarTituloInstitucion';
      readonly auth: Credentials;
      readonly folioControl: string;
      readonly cveInstitucion: string;
      readonly motCancelacion: string;
    };

export type ParseEnvelopeResult = SoapParseResult<MetRequest>;

/** Wrapper element local name → its reader. */
const OPERATIONS: ReadonlyMap<string, OperationReader<MetRequest>> = new Map<string, OperationReader<MetRequest>>([
  ['cargaTituloElectronicoRequest', (w, f) => {
    const auth = f.auth(w);
    const nombreArchivo = f.nombreArchivo(w);
    return { operation: 'cargaTituloElectronico', auth, nombreArchivo, archivo: f.base64InPlace(w, 'archivoBase64') };
  }],
  ['consultaProcesoTituloElectronicoRequest', (w, f) =>
    ({ operation: 'consultaProcesoTituloElectronico', numeroLote: f.integer(w, 'numeroLote'), auth: f.auth(w) })],
  ['descargaTituloElectronicoRequest', (w, f) =>
    ({ operation: 'descargaTituloElectronico', numeroLote: f.integer(w, 'numeroLote'), auth: f.auth(w) })],
  ['cancelaTituloElectronicoRequest', (w, f) => ({
    operation: 'cancelaTituloElectronico',
    folioControl: f.string(w, 'folioControl'),
    motCancelacion: f.string(w, 'motCancelacion'),
    auth: f.auth(w),
  })],
  ['cancelarTituloInstitucionRequest', (w, f) => ({
    operation: 'cancelarTituloInstitucion',
    folioControl: f.string(w, 'folioControl'),
    cveInstitucion: f.string(w, 'cveInstitucion'),
    motCancelacion: f.string(w, 'motCancelacion'),
    auth: f.auth(w),
  })],
]);

/** Parses one MET SOAP 1.1 request. Never throws for bad input: returns the client fault instead. */
export function parseMetEnvelope(body: Buffer, limits: EnvelopeLimits = DEFAULT_ENVELOPE_LIMITS): ParseEnvelopeResult {
  return parseSoapEnvelope(body, OPERATIONS, limits);
}
