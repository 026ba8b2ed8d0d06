/**
 * The nodes SEP appends to an authenticated DEC (spec mec-certificados.md §1.10): `Dreoe` (the
 * DGAIR official's seal over the institution's sello) and `SepIpes` (SEP's system seal over the
 * Dreoe seal), direct children of Dec after Asignaturas. A pure builder and its verifier; the
 * service supplies the dates, the folio and the authority key.
 *
 * The cadenas DREOE and SEP sign are NOT public (§1.10, §7 question 5). These are this emulator's
 * choice, built like every SEP cadena (`||` framing, `|` separators, values as written):
 *   Dreoe:   ||fechaDreoe|selloDec|noCertificadoDreoe|curp|idCargo||
 *   SepIpes: ||version|folioDigital|fechaSepIpes|selloDreoe|noCertificadoSepIpes||
 * Both are RSA-SHA256 over UTF-8 (§2.3), made with the one authority credential.
 */
import type { KeyObject } from 'node:crypto';
import type { XmlAttribute, XmlElement } from '../../intake/xml-tree.js';
import { attr } from '../../intake/xml-tree.js';
import { writeXmlElement } from '../../intake/xml-writer.js';
import { signCadena, verifySello } from '../efirma/sello.js';
import { DEC_NAMESPACE, DREOE, ROOT, SEP_IPES } from './schema.js';

export const SEP_IPES_VERSION = '1.0';

export interface DreoeCadena {
  readonly fechaDreoe: string;
  readonly selloDec: string;
  readonly noCertificadoDreoe: string;
  readonly curp: string;
  readonly idCargo: string;
}

export interface SepIpesCadena {
  readonly version: string;
  readonly folioDigital: string;
  readonly fechaSepIpes: string;
  readonly selloDreoe: string;
  readonly noCertificadoSepIpes: string;
}

export function cadenaDreoe(v: DreoeCadena): string {
  return `||${[v.fechaDreoe, v.selloDec, v.noCertificadoDreoe, v.curp, v.idCargo].join('|')}||`;
}

export function cadenaSepIpes(v: SepIpesCadena): string {
  return `||${[v.version, v.folioDigital, v.fechaSepIpes, v.selloDreoe, v.noCertificadoSepIpes].join('|')}||`;
}

export interface DecSeal {
  /** When DREOE authenticated the DEC, as the service writes it (e.g. `2025-06-16T10:30:00`). */
  readonly fechaDreoe: string;
  /** The authenticating DGAIR official. */
  readonly official: { readonly curp: string; readonly nombreCompleto: string; readonly idCargo: string; readonly cargo: string };
  readonly authority: { readonly numeroCertificado: string; readonly privateKey: KeyObject };
  readonly folioDigital: string;
  readonly fechaSepIpes: string;
}

function element(name: string, attributes: Record<string, string>, order: readonly string[]): XmlElement {
  const attrs: XmlAttribute[] = order.map((n) => ({ name: n, value: attributes[n] ?? '' }));
  return { name, namespace: DEC_NAMESPACE, attributes: attrs, children: [], text: '' };
}

/** Dreoe's attributes and the cadena its seal signs; throws unless `root` is an unsealed Dec with a sello. */
function dreoePart(root: XmlElement, s: DecSeal) {
  if (root.name !== ROOT.name || root.namespace !== DEC_NAMESPACE) throw new TypeError('sealDec needs a Dec root');
  const selloDec = attr(root, 'sello');
  if (selloDec === undefined || selloDec === '') throw new TypeError('sealDec needs a Dec with a sello');
  if (root.children.some((c) => c.name === DREOE.name || c.name === SEP_IPES.name)) throw new TypeError('The Dec is already sealed');
  const { official, authority } = s;
  const dreoe = {
    fechaDreoe: s.fechaDreoe,
    selloDec,
    noCertificadoDreoe: authority.numeroCertificado,
    curp: official.curp,
    nombreCompleto: official.nombreCompleto,
    idCargo: official.idCargo,
    cargo: official.cargo,
  };
  return { dreoe, cadena: cadenaDreoe(dreoe) };
}

/** SepIpes's attributes (over Dreoe's seal) and the cadena its seal signs. */
function sepIpesPart(s: DecSeal, selloDreoe: string) {
  const sepIpes = { version: SEP_IPES_VERSION, folioDigital: s.folioDigital, fechaSepIpes: s.fechaSepIpes, selloDreoe, noCertificadoSepIpes: s.authority.numeroCertificado };
  return { sepIpes, cadena: cadenaSepIpes(sepIpes) };
}

/**
 * The Dreoe and SepIpes nodes for a DEC. Throws when `root` is not a Dec with a sello, or is already
 * sealed: the service seals only DECs that passed every check.
 */
export function decSealNodes(root: XmlElement, s: DecSeal): [dreoe: XmlElement, sepIpes: XmlElement] {
  const { dreoe, cadena } = dreoePart(root, s);
  const selloDreoe = signCadena(cadena, s.authority.privateKey);
  const next = sepIpesPart(s, selloDreoe);
  const sepIpes = { ...next.sepIpes, selloSepIpes: signCadena(next.cadena, s.authority.privateKey) };
  return [element(DREOE.name, { ...dreoe, selloDreoe }, DREOE.all), element(SEP_IPES.name, sepIpes, SEP_IPES.all)];
}

/** The DEC with Dreoe and SepIpes appended (see decSealNodes). */
export function sealDec(root: XmlElement, s: DecSeal): XmlElement {
  return { ...root, children: [...root.children, ...decSealNodes(root, s)] };
}

/**
 * What sealing adds to the document as it was uploaded: Dreoe and SepIpes written as XML, to go
 * right before the root's end tag (`sealedDocument`). The institution's bytes stay exactly as they
 * were; the nodes take SEP's namespace as the default, declared on them when the root's default
 * namespace is another (a document that prefixes its elements).
 */
export function decSealText(root: XmlElement, s: DecSeal): string {
  const defaultNamespace = root.attributes.find((a) => a.name === 'xmlns')?.value ?? '';
  return decSealNodes(root, s).map((node) => `  ${writeXmlElement(node, defaultNamespace)}\n`).join('');
}

/** The sealed document: the uploaded bytes with `seal` inserted at `at`, the root's end tag. */
export function sealedDocument(uploaded: Uint8Array, seal: { readonly text: string; readonly at: number }): Buffer {
  const original = Buffer.from(uploaded.buffer, uploaded.byteOffset, uploaded.byteLength);
  return Buffer.concat([original.subarray(0, seal.at), Buffer.from(seal.text, 'utf8'), original.subarray(seal.at)]);
}

export interface DecSealVerification {
  readonly valid: boolean;
  /** English, one per failed condition; empty when valid. */
  readonly problems: readonly string[];
}

function only(root: XmlElement, name: string, problems: string[]): XmlElement | undefined {
  const found = root.children.filter((c) => c.name === name && c.namespace === DEC_NAMESPACE);
  if (found.length !== 1) {
    problems.push(`expected one ${name} node, found ${found.length}`);
    return undefined;
  }
  return found[0];
}

/**
 * Checks a sealed DEC: Dreoe then SepIpes as the last two children, Dreoe/@selloDec the Dec's sello,
 * SepIpes/@selloDreoe the Dreoe's, version 1.0, and both seals verifying with the authority's key
 * over the cadenas above.
 */
export function verifyDecSeal(root: XmlElement, authorityPublicKey: KeyObject): DecSealVerification {
  const problems: string[] = [];
  const dreoe = only(root, DREOE.name, problems);
  const sepIpes = only(root, SEP_IPES.name, problems);
  if (dreoe === undefined || sepIpes === undefined) return { valid: false, problems };
  const last = root.children.slice(-2);
  if (last[0] !== dreoe || last[1] !== sepIpes) problems.push('Dreoe and SepIpes must be the last two children of Dec, in that order');

  const a = (el: XmlElement, name: string): string => attr(el, name) ?? '';
  const selloDreoe = a(dreoe, 'selloDreoe');
  if (a(dreoe, 'selloDec') !== (attr(root, 'sello') ?? '')) problems.push("Dreoe/@selloDec is not the Dec's sello");
  if (a(sepIpes, 'selloDreoe') !== selloDreoe) problems.push("SepIpes/@selloDreoe is not Dreoe's selloDreoe");
  if (a(sepIpes, 'version') !== SEP_IPES_VERSION) problems.push(`SepIpes/@version is not ${SEP_IPES_VERSION}`);

  const dreoeCadena = cadenaDreoe({
    fechaDreoe: a(dreoe, 'fechaDreoe'),
    selloDec: a(dreoe, 'selloDec'),
    noCertificadoDreoe: a(dreoe, 'noCertificadoDreoe'),
    curp: a(dreoe, 'curp'),
    idCargo: a(dreoe, 'idCargo'),
  });
  if (!verifySello(dreoeCadena, selloDreoe, authorityPublicKey)) problems.push('Dreoe/@selloDreoe does not verify with the authority key');
  const sepIpesCadena = cadenaSepIpes({
    version: a(sepIpes, 'version'),
    folioDigital: a(sepIpes, 'folioDigital'),
    fechaSepIpes: a(sepIpes, 'fechaSepIpes'),
    selloDreoe: a(sepIpes, 'selloDreoe'),
    noCertificadoSepIpes: a(sepIpes, 'noCertificadoSepIpes'),
  });
  if (!verifySello(sepIpesCadena, a(sepIpes, 'selloSepIpes'), authorityPublicKey)) problems.push('SepIpes/@selloSepIpes does not verify with the authority key');
  return { valid: problems.length === 0, problems };
}
