/**
 * The optional Autenticacion node, added by the authority that granted the RVOE (spec §2.8, §3.7).
 * Whether DGP checks it at all is unknown (§8 question 8): its attributes are checked for shape, and
 * selloAutenticacion is verified only when the authority's certificate is registered with the
 * emulator; otherwise the sello is recorded as unchecked.
 */
import { fail, ok, skip, type CheckResult } from '../checks.js';
import type { XmlElement } from '../../intake/xml-tree.js';
import { verifySello } from '../efirma/sello.js';
import { cadenaAutenticacion } from './cadena.js';
import type { TituloDocumentContext } from './context.js';
import { isIsoDate } from './formats.js';
import { given, type AutenticacionAttributes } from './model.js';
import { AUTENTICACION } from './schema.js';
import * as msg from './sep-messages.js';
import { DEFAULT_XSI_PREFIXES, isDeclarationOrXsi, xsiPrefixes } from './structure.js';

const NODE = 'Autenticacion';
const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:Z)?$/;
const TWENTY_DIGITS = /^\d{20}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** aaaa-mm-ddThh:mm:ss, with the spec example's optional Z (§2.8). */
export function isFechaAutenticacion(s: string): boolean {
  const m = DATE_TIME.exec(s);
  return m !== null && isIsoDate(m[1] as string);
}

const SHAPES: Readonly<Partial<Record<keyof AutenticacionAttributes, { readonly expected: string; readonly test: (v: string) => boolean }>>> = {
  version: { expected: '1.0', test: (v) => v === '1.0' },
  folioDigital: { expected: 'UUID (RFC 4122)', test: (v) => UUID.test(v) },
  fechaAutenticacion: { expected: 'AAAA-MM-DDThh:mm:ss', test: isFechaAutenticacion },
  noCertificadoAutoridad: { expected: '20 digits', test: (v) => TWENTY_DIGITS.test(v) },
  selloAutenticacion: { expected: 'base64', test: (v) => BASE64.test(v) },
};

export function checkAutenticacion(
  element: XmlElement | null,
  attributes: AutenticacionAttributes | null,
  root: XmlElement,
  ctx: TituloDocumentContext,
  out: CheckResult[],
): void {
  if (element === null || attributes === null) {
    out.push(skip('AUT-ATTR', 'No Autenticacion node: only authority-authenticated títulos carry one', { node: NODE }));
    out.push(skip('AUT-SELLO', 'No Autenticacion node', { node: NODE }));
    return;
  }
  checkAttributes(element, attributes, root, out);
  checkSello(attributes, ctx, out);
}

function checkAttributes(element: XmlElement, a: AutenticacionAttributes, root: XmlElement, out: CheckResult[]): void {
  const start = out.length;
  for (const name of AUTENTICACION.required) {
    const value = a[name];
    if (value === undefined) {
      out.push(fail('AUT-ATTR', `Autenticacion/@${name} is required`, msg.attributeMissing(NODE, name), { node: NODE, attribute: name }));
      continue;
    }
    if (value === '') {
      out.push(fail('AUT-ATTR', `Autenticacion/@${name} is empty`, msg.attributeEmpty(NODE, name), { node: NODE, attribute: name, found: '' }));
      continue;
    }
    const shape = SHAPES[name];
    if (shape && !shape.test(value)) {
      out.push(
        fail('AUT-ATTR', `Autenticacion/@${name} is not ${shape.expected}`, msg.invalidValue(name, NODE, value), {
          node: NODE,
          attribute: name,
          expected: shape.expected,
          found: value,
        }),
      );
    }
  }
  const xsi = xsiPrefixes(element, xsiPrefixes(root, DEFAULT_XSI_PREFIXES));
  for (const attr of element.attributes) {
    if (AUTENTICACION.allowed.has(attr.name) || isDeclarationOrXsi(attr.name, xsi)) continue;
    out.push(
      fail('AUT-ATTR', `Autenticacion/@${attr.name} is not an attribute of Autenticacion`, msg.attributeUnknown(NODE, attr.name), {
        node: NODE,
        attribute: attr.name,
        found: attr.value,
      }),
    );
  }
  if (out.length === start) out.push(ok('AUT-ATTR', 'Autenticacion carries its six attributes, well formed', { node: NODE }));
}

function checkSello(a: AutenticacionAttributes, ctx: TituloDocumentContext, out: CheckResult[]): void {
  const where = { node: NODE, attribute: 'selloAutenticacion' };
  if (!given(a.noCertificadoAutoridad) || !given(a.selloAutenticacion)) {
    out.push(skip('AUT-SELLO', 'noCertificadoAutoridad or selloAutenticacion is missing: recorded as unchecked', where));
    return;
  }
  const cert = ctx.authorityCertificates.get(a.noCertificadoAutoridad);
  if (cert === undefined) {
    out.push(skip('AUT-SELLO', `Authority certificate ${a.noCertificadoAutoridad} is not registered with the emulator: recorded as unchecked`, where));
    return;
  }
  const cadena = cadenaAutenticacion(a, ctx.cadenaEscapeXml);
  if (verifySello(cadena, a.selloAutenticacion, cert.publicKey)) {
    out.push(ok('AUT-SELLO', `selloAutenticacion verifies with authority certificate ${a.noCertificadoAutoridad}`, where));
  } else {
    out.push(
      fail('AUT-SELLO', `selloAutenticacion does not verify over the Autenticacion cadena with certificate ${a.noCertificadoAutoridad}`, msg.BUS_SELLO_NOT_AUTHENTICATED, {
        ...where,
        detail: { cadena, authority: { numeroCertificado: cert.number, nombre: cert.name, sha256: cert.sha256 } },
      }),
    );
  }
}
