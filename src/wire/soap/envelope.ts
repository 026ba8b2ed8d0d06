/**
 * Parses a SOAP 1.1 request to one of SEP's services (MET títulos, this service's MEC certificados)
 * from the raw body bytes. Each adapter passes its operations: wrapper element name → a reader
 * that pulls the operation's fields out of the wrapper.
 *
 * Why not a DOM or fast-xml-parser: `archivoBase64` can be ~70 MB of base64 inside a ~70 MB
 * envelope, and the whole service must stay under ~300 MB RSS for a 50 MB upload. A purpose-built
 * scanner walks the Buffer once, keeps only a tiny element tree of byte ranges (never a string
 * copy of large text), and decodes archivoBase64 IN PLACE: the returned `archivo` is a view into
 * the body Buffer, whose base64 region has been overwritten with the decoded bytes. Callers must
 * not reuse the body afterwards.
 *
 * Safety: `<!DOCTYPE` is refused (no entity expansion of any kind), only the five predefined
 * entities and character references are decoded, nesting depth / element count / attribute count
 * are capped, and any well-formedness error is a client fault. UTF-8 (with or without BOM) and
 * ISO-8859-1 / windows-1252 (declared in the XML declaration) are accepted; UTF-16 is refused.
 *
 * Leniency (documented divergence from a strict schema-validating Spring-WS endpoint):
 *  - The operation wrapper (`cargaTituloElectronicoRequest`, …) must be in SEP's namespace
 *    `http://ws.web.mec.sep.mx/schemas`, but its children are accepted qualified (correct:
 *    elementFormDefault="qualified") OR unqualified (no namespace), which hand-written clients send.
 *  - `usuario` / `password` are ALSO accepted in `http://ws.web.mec.sep.mx/schemas/beans`: SEP's
 *    WSDL declares that unused `min:` prefix and at least one real client put the credentials there
 *    (spec met-titulos.md §1.2, U6).
 *  - Child order is not enforced; unknown extra children are ignored (as JAXB unmarshalling
 *    does); a repeated expected child is a fault. SOAP headers are ignored (no mustUnderstand check).
 * Strict: missing elements, numeroLote not an xs:integer, nombreArchivo outside 2–100 characters,
 * archivoBase64 not valid xs:base64Binary (whitespace and whitespace character references allowed).
 */
import type { Credentials } from '../../titulos/met-service.js';
import { SEP_SCHEMAS_NS, SOAP_ENV_NS } from './responses.js';

export const SEP_BEANS_NS = 'http://ws.web.mec.sep.mx/schemas/beans';
const SOAP12_ENV_NS = 'http://www.w3.org/2003/05/soap-envelope';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** A fault the request caused. `VersionMismatch` is SOAP 1.1's code for a non-1.1 envelope. */
export interface EnvelopeFault {
  readonly code: 'Client' | 'VersionMismatch';
  readonly faultstring: string;
}

export type SoapParseResult<R> =
  | { readonly ok: true; readonly request: R }
  | { readonly ok: false; readonly fault: EnvelopeFault };

/** Reads one operation's request out of its wrapper element; throws (through SoapFields) a client fault. */
export type OperationReader<R> = (wrapper: SoapElement, fields: SoapFields) => R;

export interface EnvelopeLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
  readonly maxAttributesPerElement: number;
  /** Longest accepted small text field (usuario, folioControl, …), in bytes. */
  readonly maxSmallTextBytes: number;
  /** Text and CDATA pieces in the whole document (comments can split text into many). */
  readonly maxTextSegments: number;
}

export const DEFAULT_ENVELOPE_LIMITS: EnvelopeLimits = {
  maxDepth: 32,
  maxElements: 2000,
  maxAttributesPerElement: 64,
  maxSmallTextBytes: 64 * 1024,
  maxTextSegments: 10000,
};

// ------------------------------------------------------------------------------------------ faults

class EnvelopeError extends Error {
  constructor(readonly fault: EnvelopeFault) {
    super(fault.faultstring);
  }
}

function clientFault(es: string, en: string): EnvelopeError {
  return new EnvelopeError({ code: 'Client', faultstring: `${es} / ${en}` });
}

function malformed(detail: string, at: number): EnvelopeError {
  return clientFault(`XML mal formado (byte ${at}): ${detail}`, `Malformed XML (byte ${at}): ${detail}`);
}

// ------------------------------------------------------------------------------------------ scanner

interface Segment {
  readonly start: number;
  readonly end: number;
  readonly cdata: boolean;
}

export interface SoapElement {
  readonly qname: string;
  readonly ns: string;
  readonly local: string;
  readonly at: number;
  readonly children: SoapElement[];
  readonly text: Segment[];
  /** xsi:nil="true" */
  nil: boolean;
}

type Encoding = 'utf8' | 'latin1';

const LT = 0x3c, GT = 0x3e, SLASH = 0x2f, BANG = 0x21, QMARK = 0x3f, EQ = 0x3d, AMP = 0x26;
const DQUOTE = 0x22, SQUOTE = 0x27;

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function startsWith(buf: Buffer, pos: number, ascii: string): boolean {
  if (pos + ascii.length > buf.length) return false;
  for (let i = 0; i < ascii.length; i++) if (buf[pos + i] !== ascii.charCodeAt(i)) return false;
  return true;
}

function isNameStop(c: number | undefined): boolean {
  return c === undefined || isWs(c) || c === GT || c === SLASH || c === EQ || c === LT;
}

const NAME_RE = /^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?$/;

class Scanner {
  private pos = 0;
  private elements = 0;
  private segments = 0;
  encoding: Encoding = 'utf8';

  constructor(private readonly buf: Buffer, private readonly limits: EnvelopeLimits) {}

  parse(): SoapElement {
    const buf = this.buf;
    if (buf.length >= 2 && ((buf[0] === 0xfe && buf[1] === 0xff) || (buf[0] === 0xff && buf[1] === 0xfe))) {
      throw clientFault('Codificación UTF-16 no soportada; use UTF-8', 'UTF-16 is not supported; use UTF-8');
    }
    if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) this.pos = 3;
    if (startsWith(buf, this.pos, '<?xml') && isWs(buf[this.pos + 5])) this.xmlDeclaration();

    const stack: SoapElement[] = [];
    const scopes: Map<string, string>[] = [new Map([['xml', XML_NS]])];
    let root: SoapElement | undefined;
    const len = buf.length;

    while (this.pos < len) {
      const lt = buf.indexOf(LT, this.pos);
      const textEnd = lt === -1 ? len : lt;
      if (textEnd > this.pos) {
        const top = stack[stack.length - 1];
        if (top) this.addText(top, { start: this.pos, end: textEnd, cdata: false });
        else this.requireWhitespace(this.pos, textEnd);
        this.pos = textEnd;
      }
      if (lt === -1) break;
      const next = buf[lt + 1];
      if (next === QMARK) {
        const end = buf.indexOf('?>', lt + 2, 'latin1');
        if (end === -1) throw malformed('instrucción de procesamiento sin cerrar / unterminated processing instruction', lt);
        if (startsWith(buf, lt + 2, 'xml') && isNameStop(buf[lt + 5])) {
          throw malformed('declaración XML fuera de lugar / misplaced XML declaration', lt);
        }
        this.pos = end + 2;
      } else if (next === BANG) {
        if (startsWith(buf, lt, '<!--')) {
          const end = buf.indexOf('-->', lt + 4, 'latin1');
          if (end === -1) throw malformed('comentario sin cerrar / unterminated comment', lt);
          this.pos = end + 3;
        } else if (startsWith(buf, lt, '<![CDATA[')) {
          const top = stack[stack.length - 1];
          if (!top) throw malformed('CDATA fuera del elemento raíz / CDATA outside the root element', lt);
          const end = buf.indexOf(']]>', lt + 9, 'latin1');
          if (end === -1) throw malformed('sección CDATA sin cerrar / unterminated CDATA section', lt);
          this.addText(top, { start: lt + 9, end, cdata: true });
          this.pos = end + 3;
        } else if (startsWith(buf, lt, '<!DOCTYPE')) {
          throw clientFault('DOCTYPE no permitido en la solicitud', 'DOCTYPE is not allowed in the request');
        } else {
          throw malformed('declaración no permitida / unexpected markup declaration', lt);
        }
      } else if (next === SLASH) {
        const end = buf.indexOf(GT, lt + 2);
        if (end === -1) throw malformed('etiqueta de cierre sin terminar / unterminated end tag', lt);
        const name = buf.toString(this.encoding, lt + 2, end).replace(/[ \t\r\n]+$/, '');
        const top = stack.pop();
        scopes.pop();
        if (!top) throw malformed(`etiqueta de cierre sin apertura / unexpected end tag </${name}>`, lt);
        if (top.qname !== name) {
          throw malformed(`se esperaba </${top.qname}> y se encontró </${name}> / expected </${top.qname}>, found </${name}>`, lt);
        }
        this.pos = end + 1;
      } else {
        if (root && stack.length === 0) throw malformed('más de un elemento raíz / more than one root element', lt);
        const scope = scopes[scopes.length - 1] as Map<string, string>;
        const { node, selfClosing, bindings } = this.startTag(lt, scope);
        if (stack.length >= this.limits.maxDepth) throw malformed('anidamiento excesivo / nesting too deep', lt);
        if (++this.elements > this.limits.maxElements) throw malformed('demasiados elementos / too many elements', lt);
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(node);
        else root = node;
        if (!selfClosing) {
          stack.push(node);
          scopes.push(bindings);
        }
      }
    }
    const open = stack[stack.length - 1];
    if (open) throw malformed(`elemento <${open.qname}> sin cerrar / unclosed element <${open.qname}>`, open.at);
    if (!root) throw malformed('documento vacío / empty document', 0);
    return root;
  }

  private addText(node: SoapElement, segment: Segment): void {
    if (++this.segments > this.limits.maxTextSegments) {
      throw malformed('demasiados fragmentos de texto / too many text pieces', segment.start);
    }
    node.text.push(segment);
  }

  private xmlDeclaration(): void {
    const buf = this.buf;
    const end = buf.indexOf('?>', this.pos, 'latin1');
    if (end === -1) throw malformed('declaración XML sin cerrar / unterminated XML declaration', this.pos);
    const decl = buf.toString('latin1', this.pos, end);
    const m = /\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(decl);
    const enc = m?.[1]?.toLowerCase();
    if (enc === undefined || enc === 'utf-8' || enc === 'utf8' || enc === 'us-ascii' || enc === 'ascii') {
      this.encoding = 'utf8';
    } else if (enc === 'iso-8859-1' || enc === 'latin1' || enc === 'iso8859-1' || enc === 'windows-1252' || enc === 'cp1252') {
      this.encoding = 'latin1';
    } else {
      throw clientFault(`Codificación no soportada: ${enc}; use UTF-8`, `Unsupported encoding: ${enc}; use UTF-8`);
    }
    this.pos = end + 2;
  }

  private requireWhitespace(start: number, end: number): void {
    for (let i = start; i < end; i++) {
      if (!isWs(this.buf[i])) throw malformed('texto fuera del elemento raíz / text outside the root element', i);
    }
  }

  private startTag(lt: number, scope: Map<string, string>): { node: SoapElement; selfClosing: boolean; bindings: Map<string, string> } {
    const buf = this.buf;
    let p = lt + 1;
    while (!isNameStop(buf[p])) p++;
    const qname = buf.toString(this.encoding, lt + 1, p);
    if (!NAME_RE.test(qname)) throw malformed(`nombre de elemento inválido / invalid element name "${qname}"`, lt);
    const attrs: Array<[string, string]> = [];
    let selfClosing = false;
    for (;;) {
      const before = p;
      while (isWs(buf[p])) p++;
      const c = buf[p];
      if (c === undefined) throw malformed('etiqueta sin terminar / unterminated start tag', lt);
      if (c === GT) { p++; break; }
      if (c === SLASH) {
        if (buf[p + 1] !== GT) throw malformed('se esperaba "/>" / expected "/>"', p);
        p += 2; selfClosing = true; break;
      }
      if (p === before) throw malformed('falta espacio entre atributos / missing whitespace between attributes', p);
      const nameStart = p;
      while (!isNameStop(buf[p])) p++;
      const aname = buf.toString(this.encoding, nameStart, p);
      if (!NAME_RE.test(aname)) throw malformed(`nombre de atributo inválido / invalid attribute name "${aname}"`, nameStart);
      while (isWs(buf[p])) p++;
      if (buf[p] !== EQ) throw malformed(`falta "=" en el atributo ${aname} / missing "=" after attribute ${aname}`, p);
      p++;
      while (isWs(buf[p])) p++;
      const q = buf[p];
      if (q !== DQUOTE && q !== SQUOTE) throw malformed(`valor de atributo sin comillas / unquoted attribute value (${aname})`, p);
      const vEnd = buf.indexOf(q, p + 1);
      if (vEnd === -1) throw malformed('valor de atributo sin cerrar / unterminated attribute value', p);
      const raw = buf.toString(this.encoding, p + 1, vEnd);
      if (raw.includes('<')) throw malformed('"<" en valor de atributo / "<" in attribute value', p);
      if (attrs.some(([n]) => n === aname)) throw malformed(`atributo repetido / duplicate attribute ${aname}`, nameStart);
      if (attrs.length >= this.limits.maxAttributesPerElement) throw malformed('demasiados atributos / too many attributes', nameStart);
      attrs.push([aname, decodeEntities(raw, p + 1).replace(/[\t\n\r]/g, ' ')]);
      p = vEnd + 1;
    }
    this.pos = p;

    let bindings = scope;
    for (const [aname, value] of attrs) {
      if (aname === 'xmlns' || aname.startsWith('xmlns:')) {
        if (bindings === scope) bindings = new Map(scope);
        bindings.set(aname === 'xmlns' ? '' : aname.slice(6), value);
      }
    }
    const colon = qname.indexOf(':');
    const prefix = colon === -1 ? '' : qname.slice(0, colon);
    const local = colon === -1 ? qname : qname.slice(colon + 1);
    const ns = bindings.get(prefix);
    if (ns === undefined && prefix !== '') throw malformed(`prefijo sin declarar / undeclared prefix "${prefix}"`, lt);
    let nil = false;
    for (const [aname, value] of attrs) {
      const c = aname.indexOf(':');
      if (c !== -1 && aname.slice(c + 1) === 'nil' && bindings.get(aname.slice(0, c)) === 'http://www.w3.org/2001/XMLSchema-instance') {
        nil = value.trim() === 'true' || value.trim() === '1';
      }
    }
    return { node: { qname, ns: ns ?? '', local, at: lt, children: [], text: [], nil }, selfClosing, bindings };
  }
}

// ------------------------------------------------------------------------------------------ text

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Decodes the five predefined entities and character references; anything else is a fault. */
function decodeEntities(raw: string, at: number): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&<]*)(;?)/g, (_m, name: string, semi: string) => {
    if (semi !== ';') throw malformed('"&" sin escapar / unescaped "&"', at);
    const pre = PREDEFINED[name];
    if (pre !== undefined) return pre;
    let cp = NaN;
    if (/^#[0-9]+$/.test(name)) cp = parseInt(name.slice(1), 10);
    else if (/^#x[0-9A-Fa-f]+$/.test(name)) cp = parseInt(name.slice(2), 16);
    else throw malformed(`entidad desconocida / unknown entity &${name};`, at);
    if (!isXmlChar(cp)) throw malformed(`referencia de carácter inválida / invalid character reference &${name};`, at);
    return String.fromCodePoint(cp);
  });
}

// ------------------------------------------------------------------------------------------ base64

/** 0–63: base64 digit; WS: whitespace; PAD: '='; AMP: '&'; BAD: anything else. */
const B64_WS = 64, B64_PAD = 65, B64_AMP = 66, B64_BAD = 255;
const B64 = new Uint8Array(256).fill(B64_BAD);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((ch, i) => { B64[ch.charCodeAt(0)] = i; });
for (const c of [0x20, 0x09, 0x0a, 0x0d]) B64[c] = B64_WS;
B64[0x3d] = B64_PAD;
B64[AMP] = B64_AMP;

function base64Fault(name: string, detail: string): EnvelopeError {
  return clientFault(`${name} no es xs:base64Binary válido: ${detail}`, `${name} is not valid xs:base64Binary: ${detail}`);
}

/**
 * Validates and decodes base64 spread over `segments` of `buf`, writing the bytes in place from the
 * first segment's start (the write position never passes the read position). Accepts whitespace
 * and whitespace character references (`&#13;`, `&#xA;`, …) anywhere, as line-wrapping encoders
 * and XML serialisers produce. Returns a view of `buf`.
 */
function decodeBase64InPlace(buf: Buffer, segments: readonly Segment[], name: string): Buffer {
  const first = segments[0];
  if (!first) return Buffer.alloc(0);
  if (segments.length === 1) {
    const plain = decodePlainBase64InPlace(buf, first);
    if (plain !== null) return plain;
  }
  const out0 = first.start;
  let w = out0;
  let acc = 0, n = 0, pads = 0;
  for (const seg of segments) {
    const end = seg.end;
    for (let i = seg.start; i < end; i++) {
      const v = B64[buf[i] as number] as number;
      if (v < 64) {
        if (pads > 0) throw base64Fault(name, 'datos después del relleno "=" / data after "=" padding');
        acc = (acc << 6) | v;
        if (++n === 4) {
          buf[w++] = acc >>> 16; buf[w++] = (acc >>> 8) & 0xff; buf[w++] = acc & 0xff;
          acc = 0; n = 0;
        }
      } else if (v === B64_WS) {
        continue;
      } else if (v === B64_PAD) {
        if (n < 2) throw base64Fault(name, 'relleno "=" fuera de lugar / misplaced "=" padding');
        pads++;
        acc <<= 6;
        if (++n === 4) {
          buf[w++] = acc >>> 16;
          if (pads === 1) buf[w++] = (acc >>> 8) & 0xff;
          acc = 0; n = 0;
        }
      } else if (v === B64_AMP && !seg.cdata) {
        const semi = buf.indexOf(0x3b, i);
        if (semi === -1 || semi >= end || semi - i > 10) throw base64Fault(name, '"&" sin escapar / unescaped "&"');
        const ref = buf.toString('latin1', i + 1, semi);
        const cp = /^#[0-9]+$/.test(ref) ? parseInt(ref.slice(1), 10) : /^#x[0-9A-Fa-f]+$/.test(ref) ? parseInt(ref.slice(2), 16) : -1;
        if (cp !== 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) {
          throw base64Fault(name, `referencia no permitida &${ref}; / reference not allowed &${ref};`);
        }
        i = semi;
      } else {
        throw base64Fault(name, `carácter inválido en la posición ${i} / invalid character at byte ${i}`);
      }
    }
  }
  if (n !== 0) throw base64Fault(name, 'longitud no múltiplo de 4 / length is not a multiple of 4');
  return buf.subarray(out0, w);
}

/**
 * Characters of base64 handed to Node's decoder at once: a multiple of 4, and small enough that each
 * window's string is an ordinary young object, gone at the next scavenge (a 70 MB upload in 1 MiB
 * strings grew RSS by ≈40 MB until a full collection).
 */
const NATIVE_WINDOW = 64 * 1024;

/**
 * The usual case, fast: one segment of nothing but base64 digits and final padding, as clients
 * send archivoBase64. A scan that decodes nothing decides whether it is that case; Node's own
 * decoder then writes the bytes in place, a window at a time (each window is copied out as a string
 * before its bytes are written, and the write position never passes the read position). Gives the
 * same bytes as the general decoder; null when the segment needs that one (whitespace, references,
 * misplaced padding, an invalid byte, a length that is not a multiple of 4), which also words the fault.
 */
function decodePlainBase64InPlace(buf: Buffer, segment: Segment): Buffer | null {
  const { start, end } = segment;
  if ((end - start) % 4 !== 0) return null;
  let digitsEnd = end;
  for (let pads = 0; pads < 2 && digitsEnd > start && buf[digitsEnd - 1] === 0x3d; pads++) digitsEnd--;
  for (let i = start; i < digitsEnd; i++) if ((B64[buf[i] as number] as number) >= 64) return null;
  let w = start;
  for (let r = start; r < end; r += NATIVE_WINDOW) {
    w += buf.write(buf.toString('latin1', r, Math.min(end, r + NATIVE_WINDOW)), w, 'base64');
  }
  return buf.subarray(start, w);
}

// ------------------------------------------------------------------------------------------ fields

export class SoapFields {
  constructor(private readonly buf: Buffer, private readonly encoding: Encoding, private readonly limits: EnvelopeLimits) {}

  child(parent: SoapElement, name: string, alsoNs?: string): SoapElement | undefined {
    let found: SoapElement | undefined;
    for (const c of parent.children) {
      if (c.local !== name) continue;
      if (c.ns !== SEP_SCHEMAS_NS && c.ns !== '' && c.ns !== alsoNs) continue;
      if (found) {
        throw clientFault(`El elemento ${name} aparece más de una vez en ${parent.local}`,
          `Element ${name} appears more than once in ${parent.local}`);
      }
      found = c;
    }
    return found;
  }

  required(parent: SoapElement, name: string, alsoNs?: string): SoapElement {
    const node = this.child(parent, name, alsoNs);
    if (!node || node.nil) {
      throw clientFault(`Falta el elemento requerido ${name} en ${parent.local}`,
        `Missing required element ${name} in ${parent.local}`);
    }
    return node;
  }

  text(node: SoapElement): string {
    if (node.children.length > 0) {
      throw clientFault(`El elemento ${node.local} debe contener solo texto`, `Element ${node.local} must contain text only`);
    }
    let size = 0;
    for (const s of node.text) size += s.end - s.start;
    if (size > this.limits.maxSmallTextBytes) {
      throw clientFault(`El elemento ${node.local} es demasiado largo`, `Element ${node.local} is too long`);
    }
    let out = '';
    for (const s of node.text) {
      const raw = this.buf.toString(this.encoding, s.start, s.end);
      out += s.cdata ? raw.replace(/\r\n?/g, '\n') : decodeEntities(raw.replace(/\r\n?/g, '\n'), s.start);
    }
    return out;
  }

  string(parent: SoapElement, name: string, alsoNs?: string): string {
    return this.text(this.required(parent, name, alsoNs));
  }

  /** An optional (minOccurs="0") text element: undefined when absent or xsi:nil. */
  optionalString(parent: SoapElement, name: string): string | undefined {
    const node = this.child(parent, name);
    return node === undefined || node.nil ? undefined : this.text(node);
  }

  integer(parent: SoapElement, name: string): number {
    const raw = this.string(parent, name).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (!/^[+-]?[0-9]+$/.test(raw)) {
      throw clientFault(`El elemento ${name} debe ser un entero (xs:integer): "${raw.slice(0, 40)}"`,
        `Element ${name} must be an xs:integer: "${raw.slice(0, 40)}"`);
    }
    const value = Number(raw);
    if (!Number.isSafeInteger(value)) {
      throw clientFault(`El elemento ${name} está fuera de rango: ${raw.slice(0, 40)}`, `Element ${name} is out of range: ${raw.slice(0, 40)}`);
    }
    return value === 0 ? 0 : value; // no -0
  }

  /** `nombreArchivo`: 2 to 100 characters, as SEP's WSDL restricts it. */
  nombreArchivo(wrapper: SoapElement): string {
    const nombreArchivo = this.string(wrapper, 'nombreArchivo');
    const chars = [...nombreArchivo].length;
    if (chars < 2 || chars > 100) {
      throw clientFault(`nombreArchivo debe tener entre 2 y 100 caracteres (tiene ${chars})`,
        `nombreArchivo must be 2 to 100 characters long (got ${chars})`);
    }
    return nombreArchivo;
  }

  /**
   * An xs:base64Binary element decoded IN PLACE: the result is a view into the body Buffer, whose
   * base64 region is overwritten. Read it LAST: any text read afterwards could be garbage.
   */
  base64InPlace(wrapper: SoapElement, name: string): Buffer {
    const node = this.required(wrapper, name);
    if (node.children.length > 0) {
      throw clientFault(`El elemento ${name} debe contener solo texto`, `Element ${name} must contain text only`);
    }
    return decodeBase64InPlace(this.buf, node.text, name);
  }

  auth(wrapper: SoapElement): Credentials {
    const a = this.required(wrapper, 'autenticacion');
    return {
      usuario: this.string(a, 'usuario', SEP_BEANS_NS),
      password: this.string(a, 'password', SEP_BEANS_NS),
    };
  }
}

// ------------------------------------------------------------------------------------------ entry

/**
 * Parses one SOAP 1.1 request whose Body holds one of `operations` (keyed by the wrapper's local
 * name, in SEP's schemas namespace). Never throws for bad input: returns the client fault instead.
 */
export function parseSoapEnvelope<R>(
  body: Buffer,
  operations: ReadonlyMap<string, OperationReader<R>>,
  limits: EnvelopeLimits = DEFAULT_ENVELOPE_LIMITS,
): SoapParseResult<R> {
  try {
    return { ok: true, request: parse(body, operations, limits) };
  } catch (err) {
    if (err instanceof EnvelopeError) return { ok: false, fault: err.fault };
    throw err;
  }
}

function parse<R>(body: Buffer, operations: ReadonlyMap<string, OperationReader<R>>, limits: EnvelopeLimits): R {
  const scanner = new Scanner(body, limits);
  const root = scanner.parse();
  if (root.local !== 'Envelope' || root.ns !== SOAP_ENV_NS) {
    if (root.local === 'Envelope' && root.ns === SOAP12_ENV_NS) {
      throw new EnvelopeError({
        code: 'VersionMismatch',
        faultstring: 'Este servicio acepta solo SOAP 1.1 / This service accepts SOAP 1.1 only',
      });
    }
    if (root.local === 'Envelope') {
      throw new EnvelopeError({
        code: 'VersionMismatch',
        faultstring: `Espacio de nombres de Envelope inválido: "${root.ns}" / Invalid Envelope namespace: "${root.ns}"`,
      });
    }
    throw clientFault(`Se esperaba un soap:Envelope y se recibió <${root.qname}>`, `Expected a soap:Envelope, got <${root.qname}>`);
  }
  const soapBody = root.children.find((c) => c.local === 'Body' && c.ns === SOAP_ENV_NS);
  if (!soapBody) throw clientFault('Falta soap:Body en el mensaje', 'Missing soap:Body in the message');
  const wrapper = soapBody.children[0];
  if (!wrapper) throw clientFault('soap:Body vacío', 'Empty soap:Body');
  const read = operations.get(wrapper.local);
  if (!read || wrapper.ns !== SEP_SCHEMAS_NS) {
    const name = `{${wrapper.ns}}${wrapper.local}`;
    throw clientFault(`Operación desconocida: ${name}`, `Unknown operation: ${name}`);
  }
  return read(wrapper, new SoapFields(body, scanner.encoding, limits));
}
