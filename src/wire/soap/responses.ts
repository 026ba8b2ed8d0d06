/**
 * SOAP 1.1 response envelopes shaped like SEP's Spring-WS on WebLogic (spec met-titulos.md §1.5),
 * shared by the MET and MEC adapters:
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
/** SEP's schemas namespace: MET's, and the one this service's MEC contract uses too (see its WSDL). */
export const SEP_SCHEMAS_NS = 'http://ws.web.mec.sep.mx/schemas';
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

/** `<name>text</name>`, escaped. */
export function textElement(name: string, text: string): string {
  return `<${name}>${escapeXmlText(text)}</${name}>`;
}

/** `<name>value</name>` for an xs:integer (any safe integer). */
export function integerElement(name: string, value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, got ${value}`);
  return `<${name}>${value}</${name}>`;
}

/** `<name>value</name>` for an xs:short. */
export function shortElement(name: string, value: number): string {
  if (!Number.isInteger(value) || value < -32768 || value > 32767) {
    throw new RangeError(`${name} must be an xs:short, got ${value}`);
  }
  return `<${name}>${value}</${name}>`;
}

/** The whole response: `wrapper` in the default namespace, holding `children` (already XML). */
export function responseEnvelope(wrapper: string, children: string): Buffer {
  return Buffer.from(`${ENVELOPE_OPEN}<${wrapper} xmlns="${SEP_SCHEMAS_NS}">${children}</${wrapper}>${ENVELOPE_CLOSE}`, 'utf8');
}

/**
 * A response whose last child is a large xs:base64Binary element (a descarga's package). `data`
 * null or empty → the element is present and empty (the WSDLs require it; clients treat null or
 * empty as "not ready"). Built as one exactly-sized Buffer: the only large intermediate is the
 * base64 string itself.
 */
export function base64ResponseEnvelope(wrapper: string, children: string, base64Name: string, data: Buffer | null): Buffer {
  const head = Buffer.from(`${ENVELOPE_OPEN}<${wrapper} xmlns="${SEP_SCHEMAS_NS}">${children}<${base64Name}>`, 'utf8');
  const tail = Buffer.from(`</${base64Name}></${wrapper}>${ENVELOPE_CLOSE}`, 'utf8');
  if (data === null || data.length === 0) return Buffer.concat([head, tail]);
  const b64Length = 4 * Math.ceil(data.length / 3);
  const out = Buffer.allocUnsafe(head.length + b64Length + tail.length);
  head.copy(out, 0);
  const written = out.write(data.toString('base64'), head.length, b64Length, 'latin1');
  if (written !== b64Length) throw new Error('base64 length mismatch');
  tail.copy(out, head.length + b64Length);
  return out;
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
    `${ENVELOPE_OPEN}<env:Fault><faultcode>env:${code}</faultcode>${textElement('faultstring', faultstring)}</env:Fault>${ENVELOPE_CLOSE}`,
    'utf8');
}
