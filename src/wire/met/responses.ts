/**
 * SOAP 1.1 responses shaped like SEP's Spring-WS on WebLogic (spec met-titulos.md §1.5):
 *
 *   <env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header/><env:Body>
 *     <cargaTituloElectronicoResponse xmlns="http://ws.web.mec.sep.mx/schemas">
 *       <numeroLote>…</numeroLote><mensaje>…</mensaje>
 *     </cargaTituloElectronicoResponse>
 *   </env:Body></env:Envelope>
 *
 * `env:` prefix [C2] (W3 strips "env:", U6 reads the `env` namespace), the wrapper declares the
 * schemas namespace as the DEFAULT namespace and its children are unprefixed [C2] (U6 reads them
 * with the '' prefix). No XML declaration and no whitespace between elements. Every builder
 * returns the exact bytes to send with `Content-Type: text/xml; charset=utf-8`.
 */

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const MET_NS = 'http://ws.web.mec.sep.mx/schemas';
export const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8';

const ENVELOPE_OPEN = `<env:Envelope xmlns:env="${SOAP_ENV_NS}"><env:Header/><env:Body>`;
const ENVELOPE_CLOSE = '</env:Body></env:Envelope>';

// XML 1.0 Char production, minus what must be escaped. Characters outside it (C0 controls other
// than TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF) cannot be written at all: they become U+FFFD.
// eslint-disable-next-line no-control-regex
const TEXT_NEEDS_WORK = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex
const TEXT_REPLACE = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g;

/** Escapes character data for element content. CR is written as `&#13;` so it survives parsing. */
export function escapeXmlText(text: string): string {
  if (!TEXT_NEEDS_WORK.test(text)) return text;
  return text.replace(TEXT_REPLACE, (m) => {
    switch (m) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '\r': return '&#13;';
      default: return m.length === 2 ? m : '\uFFFD'; // a valid surrogate pair stays
    }
  });
}

function el(name: string, text: string): string {
  return `<${name}>${escapeXmlText(text)}</${name}>`;
}

function wrap(wrapper: string, children: string): Buffer {
  return Buffer.from(`${ENVELOPE_OPEN}<${wrapper} xmlns="${MET_NS}">${children}</${wrapper}>${ENVELOPE_CLOSE}`, 'utf8');
}

function integer(name: string, value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, got ${value}`);
  return `<${name}>${value}</${name}>`;
}

/**
 * `cargaTituloElectronicoResponse`. `numeroLote` undefined → the element is omitted, as SEP does on
 * a failed login or a refused upload (spec §1.4: three clients test for a missing lote).
 */
export function cargaResponse(numeroLote: number | undefined, mensaje: string): Buffer {
  const lote = numeroLote === undefined ? '' : integer('numeroLote', numeroLote);
  return wrap('cargaTituloElectronicoResponse', lote + el('mensaje', mensaje));
}

/** `consultaProcesoTituloElectronicoResponse`; `estatusLote` is xs:short, `mensaje` optional. */
export function consultaResponse(numeroLote: number, estatusLote: number, mensaje?: string): Buffer {
  if (!Number.isInteger(estatusLote) || estatusLote < -32768 || estatusLote > 32767) {
    throw new RangeError(`estatusLote must be an xs:short, got ${estatusLote}`);
  }
  const msg = mensaje === undefined ? '' : el('mensaje', mensaje);
  return wrap('consultaProcesoTituloElectronicoResponse',
    integer('numeroLote', numeroLote) + `<estatusLote>${estatusLote}</estatusLote>` + msg);
}

/**
 * `descargaTituloElectronicoResponse`. `titulos` null → `<titulosBase64/>`-equivalent empty element
 * (present because the WSDL requires it; U2/U3 treat null or empty as "not ready").
 * Built as one exactly-sized Buffer: the only large intermediate is the base64 string itself.
 */
export function descargaResponse(numeroLote: number, mensaje: string, titulos: Buffer | null): Buffer {
  const head = Buffer.from(
    `${ENVELOPE_OPEN}<descargaTituloElectronicoResponse xmlns="${MET_NS}">` +
      integer('numeroLote', numeroLote) + el('mensaje', mensaje) + '<titulosBase64>',
    'utf8');
  const tail = Buffer.from(`</titulosBase64></descargaTituloElectronicoResponse>${ENVELOPE_CLOSE}`, 'utf8');
  if (titulos === null || titulos.length === 0) return Buffer.concat([head, tail]);
  const b64Length = 4 * Math.ceil(titulos.length / 3);
  const out = Buffer.allocUnsafe(head.length + b64Length + tail.length);
  head.copy(out, 0);
  const written = out.write(titulos.toString('base64'), head.length, b64Length, 'latin1');
  if (written !== b64Length) throw new Error('base64 length mismatch');
  tail.copy(out, head.length + b64Length);
  return out;
}

/** `cancelaTituloElectronicoResponse`; `codigo` is xs:int. */
export function cancelaResponse(codigo: number, mensaje: string): Buffer {
  if (!Number.isInteger(codigo) || codigo < -2147483648 || codigo > 2147483647) {
    throw new RangeError(`codigo must be an xs:int, got ${codigo}`);
  }
  return wrap('cancelaTituloElectronicoResponse', `<codigo>${codigo}</codigo>` + el('mensaje', mensaje));
}

export type FaultCode = 'Client' | 'Server' | 'VersionMismatch';

/**
 * A SOAP 1.1 fault: `env:Client` (the request is wrong), `env:Server` (our problem) or
 * `env:VersionMismatch` (not a SOAP 1.1 envelope). Send it with
 * HTTP 500 (SOAP 1.1 §6.2). SEP's fault texts were never seen (spec §1.5 [gap]); the shape is
 * Spring-WS's: faultcode as a QName in the env namespace, then faultstring. Never a stack trace.
 */
export function soapFault(code: FaultCode, faultstring: string): Buffer {
  return Buffer.from(
    `${ENVELOPE_OPEN}<env:Fault><faultcode>env:${code}</faultcode>${el('faultstring', faultstring)}</env:Fault>${ENVELOPE_CLOSE}`,
    'utf8');
}
