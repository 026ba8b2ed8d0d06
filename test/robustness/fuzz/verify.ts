/**
 * The fuzzer's own judge of an accepted document, sharing nothing with src/ but the tree's type:
 * bytes are decoded by their BOM or declaration with a fatal TextDecoder, well-formedness is checked by
 * fast-xml-parser's validator, the tree is read by a small scanner here (namespaces resolved,
 * attributes in order, references decoded), the cadena is rebuilt by the test fixtures' own builders
 * and the sello is verified with node:crypto against the registered signer's certificate.
 */
import { verify, X509Certificate } from 'node:crypto';
import { XMLValidator } from 'fast-xml-parser';
import type { XmlAttribute, XmlElement } from '../../../src/intake/xml-tree.js';
import { DEC_NS, fixtureCadena as decCadena } from '../../support/dec-fixture.js';
import { fixtureCadena as tituloCadena, TITULOS_NS } from '../../support/titulo-fixture.js';

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

class Unreadable extends Error {}

// ------------------------------------------------------------------------------------------ decoding

function declaredEncoding(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 200).toString('latin1');
  return /^<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/.exec(head)?.[1]?.toLowerCase();
}

const LABELS: Readonly<Record<string, string>> = {
  'utf-8': 'utf-8', utf8: 'utf-8', 'utf-16': 'utf-16le', 'utf-16le': 'utf-16le', 'utf-16be': 'utf-16be',
  'iso-8859-1': 'latin1', latin1: 'latin1', 'windows-1252': 'windows-1252',
};

/** The document's text, decoded the way its BOM or declaration says; throws Unreadable otherwise. */
function decode(bytes: Buffer): string {
  let label = 'utf-8';
  let body = bytes;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) body = bytes.subarray(3);
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [label, body] = ['utf-16le', bytes.subarray(2)];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [label, body] = ['utf-16be', bytes.subarray(2)];
  else {
    const declared = declaredEncoding(bytes);
    if (declared !== undefined) {
      const known = LABELS[declared];
      if (!known || known.startsWith('utf-16')) throw new Unreadable(`declared encoding ${declared} cannot be read from these bytes`);
      label = known;
    }
  }
  let text: string;
  try {
    text = new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw new Unreadable(`bytes are not valid ${label}`);
  }
  if (label.startsWith('utf-16')) {
    const declared = /^<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/.exec(text)?.[1]?.toLowerCase();
    if (declared !== undefined && !declared.startsWith('utf-16')) throw new Unreadable(`UTF-16 bytes declare ${declared}`);
  }
  return text;
}

// ------------------------------------------------------------------------------------------ scanning

const isXmlChar = (cp: number): boolean =>
  cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five predefined entities and numeric references; anything else after `&` is unreadable. */
function unescape(s: string): string {
  return s.replace(/&([^;]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Unreadable(`unterminated reference ${whole}`);
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (m) {
      const cp = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
      if (!isXmlChar(cp)) throw new Unreadable(`reference to a non-character ${whole}`);
      return String.fromCodePoint(cp);
    }
    const named = PREDEFINED[ref];
    if (named === undefined) throw new Unreadable(`unknown entity ${whole}`);
    return named;
  });
}

interface Open {
  readonly element: { name: string; namespace: string; attributes: XmlAttribute[]; children: Open['element'][]; text: string };
  readonly qname: string;
  readonly ns: ReadonlyMap<string, string>;
}

const NAME = /[^\s/>=]+/y;
const ATTRIBUTE = /\s+([^\s/>=]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;

/** The element tree of well-formed text (validated first), read independently of src/intake. */
export function readTree(text: string): XmlElement {
  for (const ch of text) {
    if (!isXmlChar(ch.codePointAt(0) ?? 0)) throw new Unreadable(`character U+${(ch.codePointAt(0) ?? 0).toString(16)} is not allowed in XML`);
  }
  if (/<!DOCTYPE/i.test(text)) throw new Unreadable('DOCTYPE');
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) throw new Unreadable(`not well-formed: ${valid.err.msg}`);
  const stack: Open[] = [];
  let root: Open['element'] | undefined;
  let i = 0;
  const resolve = (qname: string, ns: ReadonlyMap<string, string>, isAttribute: boolean): [string, string] => {
    const colon = qname.indexOf(':');
    if (colon < 0) return [qname, isAttribute ? '' : (ns.get('') ?? '')];
    const prefix = qname.slice(0, colon);
    const uri = prefix === 'xml' ? 'http://www.w3.org/XML/1998/namespace' : ns.get(prefix);
    if (uri === undefined) throw new Unreadable(`undeclared prefix ${prefix}`);
    return [qname.slice(colon + 1), uri];
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    const top = stack.at(-1);
    if (top) top.element.text += unescape(chunk);
    else if (chunk.trim() !== '') throw new Unreadable('text outside the root');
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) i = text.indexOf('-->', lt + 4) + 3;
    else if (text.startsWith('<?', lt)) i = text.indexOf('?>', lt + 2) + 2;
    else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt);
      if (top) top.element.text += text.slice(lt + 9, end);
      i = end + 3;
    } else if (text.startsWith('</', lt)) {
      const end = text.indexOf('>', lt);
      const open = stack.pop();
      if (!open || text.slice(lt + 2, end).trim() !== open.qname) throw new Unreadable('mismatched end tag');
      i = end + 1;
    } else {
      NAME.lastIndex = lt + 1;
      const qname = NAME.exec(text)?.[0];
      if (!qname) throw new Unreadable('bad start tag');
      let at = NAME.lastIndex;
      const attributes: XmlAttribute[] = [];
      for (;;) {
        ATTRIBUTE.lastIndex = at;
        const m = ATTRIBUTE.exec(text);
        if (!m) break;
        attributes.push({ name: m[1] as string, value: unescape(m[2] ?? m[3] ?? '') });
        at = ATTRIBUTE.lastIndex;
      }
      TAG_END.lastIndex = at;
      const end = TAG_END.exec(text);
      if (!end) throw new Unreadable('bad start tag');
      const ns = new Map(top?.ns ?? []);
      for (const a of attributes) {
        if (a.name === 'xmlns') ns.set('', a.value);
        else if (a.name.startsWith('xmlns:')) ns.set(a.name.slice(6), a.value);
      }
      const names = new Set<string>();
      for (const a of attributes) {
        if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
        const expanded = resolve(a.name, ns, true).join(' ');
        if (names.has(expanded)) throw new Unreadable(`attribute ${a.name} repeated`);
        names.add(expanded);
      }
      const [name, namespace] = resolve(qname, ns, false);
      const element = { name, namespace, attributes, children: [], text: '' };
      if (top) top.element.children.push(element);
      else if (root) throw new Unreadable('two roots');
      else root = element;
      if (end[1] !== '/') stack.push({ element, qname, ns });
      i = TAG_END.lastIndex;
    }
  }
  if (!root || stack.length > 0) throw new Unreadable('no complete root element');
  return root;
}

// ------------------------------------------------------------------------------------------ judging

const TITULO_CHILDREN = ['FirmaResponsables', 'Institucion', 'Carrera', 'Profesionista', 'Expedicion', 'Antecedente'];
const DEC_CHILDREN = ['ServicioFirmante', 'Ipes', 'Rvoe', 'Carrera', 'Alumno', 'Expedicion', 'Asignaturas'];

function walk(el: XmlElement, visit: (el: XmlElement) => void): void {
  visit(el);
  for (const c of el.children) walk(c, visit);
}

/** Element names → attribute names the valid source document has (the schema as the fixture writes it). */
function knownAttributes(source: XmlElement): Map<string, Set<string>> {
  const known = new Map<string, Set<string>>();
  walk(source, (el) => {
    const set = known.get(el.name) ?? new Set<string>();
    for (const a of el.attributes) set.add(a.name);
    known.set(el.name, set);
  });
  return known;
}

function structure(root: XmlElement, kind: 'titulo' | 'dec', source: XmlElement): string | undefined {
  const ns = kind === 'titulo' ? TITULOS_NS : DEC_NS;
  const children = root.children.map((c) => c.name);
  if (kind === 'titulo') {
    if (root.name !== 'TituloElectronico') return `root is ${root.name}`;
    const expected = children.at(-1) === 'Autenticacion' ? [...TITULO_CHILDREN, 'Autenticacion'] : TITULO_CHILDREN;
    if (children.join() !== expected.join()) return `root children are ${children.join(',')}`;
    const firmas = root.children[0]?.children ?? [];
    if (firmas.length === 0 || firmas.some((f) => f.name !== 'FirmaResponsable' || f.children.length > 0)) return 'FirmaResponsables does not hold only FirmaResponsable elements';
  } else {
    if (root.name !== 'Dec') return `root is ${root.name}`;
    if (children.join() !== DEC_CHILDREN.join()) return `root children are ${children.join(',')}`;
    if (root.children[1]?.children.map((c) => c.name).join() !== 'Responsable') return 'Ipes does not hold exactly one Responsable';
    const subjects = root.children[6]?.children ?? [];
    if (subjects.length === 0 || subjects.some((s) => s.name !== 'Asignatura' || s.children.length > 0)) return 'Asignaturas does not hold only Asignatura elements';
  }
  const known = knownAttributes(source);
  let problem: string | undefined;
  walk(root, (el) => {
    if (problem) return;
    if (el.namespace !== ns) problem = `${el.name} is in namespace ${JSON.stringify(el.namespace)}`;
    else if (el.text.trim() !== '') problem = `${el.name} has text content`;
    else {
      const unknown = el.attributes.find((a) => !a.name.includes(':') && a.name !== 'xmlns' && !known.get(el.name)?.has(a.name));
      if (unknown) problem = `${el.name}/@${unknown.name} is not an attribute of this document type`;
    }
  });
  return problem;
}

const attribute = (el: XmlElement | undefined, name: string): string | undefined => el?.attributes.find((a) => a.name === name)?.value;

function checkSello(cadena: string, selloB64: string | undefined, certB64: string | undefined, signerDer: Buffer, where: string): string | undefined {
  if (!selloB64) return `${where}: no sello`;
  if (!certB64 || !Buffer.from(certB64, 'base64').equals(signerDer)) return `${where}: certificadoResponsable is not the registered signer's certificate`;
  const key = new X509Certificate(signerDer).publicKey;
  return verify('sha256', Buffer.from(cadena, 'utf8'), key, Buffer.from(selloB64, 'base64')) ? undefined : `${where}: sello does not verify over the recomputed cadena`;
}

export interface Expectation {
  readonly kind: 'titulo' | 'dec';
  /** The valid source document (its attribute names are the known ones). */
  readonly source: XmlElement;
  /** The tree that was signed last (the source, or the mutated tree when the case re-signed it). */
  readonly signed: XmlElement;
  /** The registered signer's certificate (título signer, or the campus responsable). */
  readonly signerCerDer: Buffer;
}

/**
 * Whether an uploaded document deserves acceptance: readable, the document type's structure, every
 * sello verifying over the cadena rebuilt from what was sent, and every signed value equal to what
 * the signer signed.
 */
export function judge(bytes: Buffer, expect: Expectation): Verdict {
  let root: XmlElement;
  try {
    root = readTree(decode(bytes));
  } catch (error) {
    if (error instanceof Unreadable) return { ok: false, reason: `unreadable: ${error.message}` };
    throw error;
  }
  const problem = structure(root, expect.kind, expect.source);
  if (problem) return { ok: false, reason: problem };
  try {
    if (expect.kind === 'titulo') {
      const firmas = root.children[0]?.children ?? [];
      const signedFirmas = expect.signed.children.find((c) => c.name === 'FirmaResponsables')?.children ?? [];
      // Every FirmaResponsable must carry a cadena the signer signed (a copy of a signer's element is
      // still that signer's signature over the same values).
      const signedCadenas = new Set(signedFirmas.map((_, k) => tituloCadena(expect.signed, k)));
      for (let k = 0; k < firmas.length; k++) {
        const cadena = tituloCadena(root, k);
        if (!signedCadenas.has(cadena)) return { ok: false, reason: `signer ${k + 1}: the signed values changed: ${cadena}` };
        const firma = firmas[k];
        const bad = checkSello(cadena, attribute(firma, 'sello'), attribute(firma, 'certificadoResponsable'), expect.signerCerDer, `FirmaResponsable ${k + 1}`);
        if (bad) return { ok: false, reason: bad };
      }
    } else {
      const cadena = decCadena(root);
      if (cadena !== decCadena(expect.signed)) return { ok: false, reason: `the signed values changed: ${cadena.slice(0, 300)}` };
      const bad = checkSello(cadena, attribute(root, 'sello'), attribute(root, 'certificadoResponsable'), expect.signerCerDer, 'Dec');
      if (bad) return { ok: false, reason: bad };
    }
  } catch (error) {
    return { ok: false, reason: `cadena cannot be built: ${(error as Error).message}` };
  }
  return { ok: true };
}
