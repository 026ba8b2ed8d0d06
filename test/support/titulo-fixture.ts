/**
 * Valid, signed TituloElectronico documents for tests and the benchmark, plus one-thing mutations.
 *
 * The document is held as the same XmlElement tree the intake parser produces, so tests can hand it
 * straight to checkTitulo, and it serializes to XML (tituloXml) for end-to-end use. Sellos are made
 * here with node:crypto over a cadena this file builds on its own from the tree (spec met-titulos.md
 * §3.1–§3.3), independently of src/domain/titulos/cadena.ts, so a bug there cannot sign itself valid.
 *
 * Compiled into dist for the benchmark: import only src/, node:* and ./pki.js.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import type { XmlAttribute, XmlElement } from '../../src/intake/xml-tree.js';
import { writeXml } from '../../src/intake/xml-writer.js';
import { CertificateCache } from '../../src/domain/efirma/certificate-cache.js';
import type { EfirmaCertificate } from '../../src/domain/efirma/certificate.js';
import type { FolioState, RegisteredSigner, RenapoRecord, TituloContext } from '../../src/domain/titulos/check-titulo.js';
import type { MintedCredential } from './pki.js';

export const TITULOS_NS = 'https://www.siged.sep.gob.mx/titulos/';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** Attribute values by name; undefined leaves the attribute out. */
export type Values = Record<string, string | undefined>;

export interface TituloValues {
  root: Values;
  firmantes: Values[];
  institucion: Values;
  carrera: Values;
  profesionista: Values;
  expedicion: Values;
  antecedente: Values;
}

/** Attribute order as SEP's producers write them (§2.3–§2.6); unknown extra keys go last. */
const ORDER: Readonly<Record<string, readonly string[]>> = {
  TituloElectronico: ['version', 'folioControl'],
  FirmaResponsable: ['nombre', 'primerApellido', 'segundoApellido', 'curp', 'idCargo', 'cargo', 'abrTitulo', 'sello', 'certificadoResponsable', 'noCertificadoResponsable'],
  Institucion: ['cveInstitucion', 'nombreInstitucion'],
  Carrera: ['cveCarrera', 'nombreCarrera', 'fechaInicio', 'fechaTerminacion', 'idAutorizacionReconocimiento', 'autorizacionReconocimiento', 'numeroRvoe'],
  Profesionista: ['curp', 'nombre', 'primerApellido', 'segundoApellido', 'correoElectronico'],
  Expedicion: [
    'fechaExpedicion',
    'idModalidadTitulacion',
    'modalidadTitulacion',
    'fechaExamenProfesional',
    'fechaExencionExamenProfesional',
    'cumplioServicioSocial',
    'idFundamentoLegalServicioSocial',
    'fundamentoLegalServicioSocial',
    'idEntidadFederativa',
    'entidadFederativa',
  ],
  Antecedente: ['institucionProcedencia', 'idTipoEstudioAntecedente', 'tipoEstudioAntecedente', 'idEntidadFederativa', 'entidadFederativa', 'fechaInicio', 'fechaTerminacion', 'noCedula'],
  Autenticacion: ['version', 'folioDigital', 'fechaAutenticacion', 'selloTitulo', 'noCertificadoAutoridad', 'selloAutenticacion'],
};

// ---------------------------------------------------------------- values

/** `date` (AAAA-MM-DD) moved by whole days. */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

const DEFAULT_CARGOS = [
  { idCargo: '3', cargo: 'RECTOR', abrTitulo: 'DR.' },
  { idCargo: '5', cargo: 'RESPONSABLE DE EXPEDICIÓN', abrTitulo: 'LIC.' },
  { idCargo: '6', cargo: 'SECRETARIO GENERAL', abrTitulo: 'MTRO.' },
] as const;

/** A signer's attributes from a minted e.firma: the name split as "given names, paternal, maternal". */
export function firmanteValues(credential: MintedCredential, index = 0): Values {
  const words = credential.name.split(' ');
  const cargo = DEFAULT_CARGOS[index % DEFAULT_CARGOS.length] as (typeof DEFAULT_CARGOS)[number];
  return {
    nombre: words.slice(0, -2).join(' ') || credential.name,
    primerApellido: words.at(-2) ?? credential.name,
    segundoApellido: words.at(-1),
    curp: credential.curp,
    idCargo: cargo.idCargo,
    cargo: cargo.cargo,
    abrTitulo: cargo.abrTitulo,
    certificadoResponsable: credential.cerDer.toString('base64'),
    noCertificadoResponsable: credential.number,
  };
}

export const DEFAULT_CVE_INSTITUCION = '090001';
export const DEFAULT_PROFESIONISTA: RenapoRecord & { curp: string } = {
  curp: 'PEGJ950314HDFRRN07',
  nombre: 'JUAN',
  primerApellido: 'PEREZ',
  segundoApellido: 'GARCIA',
};

/**
 * A valid licenciatura título issued yesterday relative to `today`: RVOE federal, tesis, antecedent
 * bachillerato, every date in SEP's usual order. Signer values come from `signers`.
 */
export function defaultTituloValues(today: string, signers: readonly MintedCredential[] = []): TituloValues {
  const fechaExpedicion = addDays(today, -1);
  const carreraFin = addDays(today, -200);
  const carreraInicio = addDays(carreraFin, -4 * 365);
  const antecedenteFin = addDays(carreraInicio, -60);
  return {
    root: { version: '1.0', folioControl: 'FC-000001' },
    firmantes: signers.map((s, i) => firmanteValues(s, i)),
    institucion: { cveInstitucion: DEFAULT_CVE_INSTITUCION, nombreInstitucion: 'UNIVERSIDAD DE PRUEBAS METMEC' },
    carrera: {
      cveCarrera: '100001',
      nombreCarrera: 'LICENCIATURA EN INGENIERÍA DE SOFTWARE',
      fechaInicio: carreraInicio,
      fechaTerminacion: carreraFin,
      idAutorizacionReconocimiento: '1',
      autorizacionReconocimiento: 'RVOE FEDERAL',
      numeroRvoe: '20150001',
    },
    profesionista: {
      curp: DEFAULT_PROFESIONISTA.curp,
      nombre: DEFAULT_PROFESIONISTA.nombre,
      primerApellido: DEFAULT_PROFESIONISTA.primerApellido,
      segundoApellido: DEFAULT_PROFESIONISTA.segundoApellido,
      correoElectronico: 'juan.perez@example.com',
    },
    expedicion: {
      fechaExpedicion,
      idModalidadTitulacion: '1',
      modalidadTitulacion: 'POR TESIS',
      fechaExamenProfesional: addDays(today, -30),
      cumplioServicioSocial: '1',
      idFundamentoLegalServicioSocial: '2',
      fundamentoLegalServicioSocial: 'ART. 55 LRART. 5 CONST',
      idEntidadFederativa: '09',
      entidadFederativa: 'CIUDAD DE MÉXICO',
    },
    antecedente: {
      institucionProcedencia: 'ESCUELA PREPARATORIA DE PRUEBAS',
      idTipoEstudioAntecedente: '4',
      tipoEstudioAntecedente: 'BACHILLERATO',
      idEntidadFederativa: '15',
      entidadFederativa: 'MÉXICO',
      fechaInicio: addDays(antecedenteFin, -3 * 365),
      fechaTerminacion: antecedenteFin,
    },
  };
}

// ---------------------------------------------------------------- tree

function attributes(name: string, values: Values): XmlAttribute[] {
  const order = ORDER[name] ?? [];
  const out: XmlAttribute[] = [];
  for (const key of order) {
    const value = values[key];
    if (value !== undefined) out.push({ name: key, value });
  }
  for (const [key, value] of Object.entries(values)) {
    if (!order.includes(key) && value !== undefined) out.push({ name: key, value });
  }
  return out;
}

export function element(name: string, attrs: XmlAttribute[], children: XmlElement[] = [], namespace = TITULOS_NS): XmlElement {
  return { name, namespace, attributes: attrs, children, text: '' };
}

/** The unsigned tree (each sello as given in the values, usually absent). */
export function tituloElement(values: TituloValues): XmlElement {
  const rootAttributes: XmlAttribute[] = [
    { name: 'xmlns', value: TITULOS_NS },
    { name: 'xmlns:xsi', value: XSI_NS },
    { name: 'xsi:schemaLocation', value: `${TITULOS_NS} schema.xsd` },
    ...attributes('TituloElectronico', values.root),
  ];
  return element('TituloElectronico', rootAttributes, [
    element('FirmaResponsables', [], values.firmantes.map((f) => element('FirmaResponsable', attributes('FirmaResponsable', f)))),
    element('Institucion', attributes('Institucion', values.institucion)),
    element('Carrera', attributes('Carrera', values.carrera)),
    element('Profesionista', attributes('Profesionista', values.profesionista)),
    element('Expedicion', attributes('Expedicion', values.expedicion)),
    element('Antecedente', attributes('Antecedente', values.antecedente)),
  ]);
}

// ---------------------------------------------------------------- paths and mutations

const FIRMA_PATH = /^FirmaResponsable(?:\[(\d+)\])?$/;

/**
 * Elements by path: `TituloElectronico`, `FirmaResponsables`, `FirmaResponsable` (the first),
 * `FirmaResponsable[2]` (1-based), or a root child's name (`Expedicion`, `Autenticacion`, …).
 */
export function updateElement(root: XmlElement, path: string, update: (el: XmlElement) => XmlElement): XmlElement {
  if (path === 'TituloElectronico') return update(root);
  const firma = FIRMA_PATH.exec(path);
  const wanted = firma ? Number(firma[1] ?? '1') - 1 : -1;
  let found = false;
  const children = root.children.map((child) => {
    if (found) return child;
    if (firma && child.name === 'FirmaResponsables' && wanted < child.children.length) {
      found = true;
      return { ...child, children: child.children.map((f, i) => (i === wanted ? update(f) : f)) };
    }
    if (!firma && child.name === path) {
      found = true;
      return update(child);
    }
    return child;
  });
  if (!found) throw new Error(`no element at ${path}`);
  return { ...root, children };
}

export function getElement(root: XmlElement, path: string): XmlElement {
  if (path === 'TituloElectronico') return root;
  const firma = FIRMA_PATH.exec(path);
  const el = firma
    ? root.children.find((c) => c.name === 'FirmaResponsables')?.children[Number(firma[1] ?? '1') - 1]
    : root.children.find((c) => c.name === path);
  if (!el) throw new Error(`no element at ${path}`);
  return el;
}

export function getAttribute(root: XmlElement, path: string, name: string): string | undefined {
  return getElement(root, path).attributes.find((a) => a.name === name)?.value;
}

/** Sets (in place when present, else appended) an attribute on the element at `path`. */
export function setAttribute(root: XmlElement, path: string, name: string, value: string): XmlElement {
  return updateElement(root, path, (el) => {
    const present = el.attributes.some((a) => a.name === name);
    const attrs = present ? el.attributes.map((a) => (a.name === name ? { name, value } : a)) : [...el.attributes, { name, value }];
    return { ...el, attributes: attrs };
  });
}

export function removeAttribute(root: XmlElement, path: string, name: string): XmlElement {
  return updateElement(root, path, (el) => ({ ...el, attributes: el.attributes.filter((a) => a.name !== name) }));
}

// ---------------------------------------------------------------- cadena and sellos

const CADENA_FIELDS: readonly (readonly [string, string])[] = [
  ['TituloElectronico', 'version'],
  ['TituloElectronico', 'folioControl'],
  ['FirmaResponsable', 'curp'],
  ['FirmaResponsable', 'idCargo'],
  ['FirmaResponsable', 'cargo'],
  ['FirmaResponsable', 'abrTitulo'],
  ['Institucion', 'cveInstitucion'],
  ['Institucion', 'nombreInstitucion'],
  ...['cveCarrera', 'nombreCarrera', 'fechaInicio', 'fechaTerminacion', 'idAutorizacionReconocimiento', 'autorizacionReconocimiento', 'numeroRvoe'].map(
    (a) => ['Carrera', a] as const,
  ),
  ...['curp', 'nombre', 'primerApellido', 'segundoApellido', 'correoElectronico'].map((a) => ['Profesionista', a] as const),
  ...(ORDER['Expedicion'] ?? []).map((a) => ['Expedicion', a] as const),
  ...(ORDER['Antecedente'] ?? []).map((a) => ['Antecedente', a] as const),
];

const escapeXml = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** This fixture's own cadena for signer `index` (0-based), straight from the tree. */
export function fixtureCadena(root: XmlElement, index: number, escape = false): string {
  const fields = CADENA_FIELDS.map(([node, name]) => {
    const path = node === 'FirmaResponsable' ? `FirmaResponsable[${index + 1}]` : node;
    const value = getAttribute(root, path, name) ?? '';
    return escape ? escapeXml(value) : value;
  });
  if (fields.length !== 38) throw new Error(`cadena has ${fields.length} fields`);
  return `||${fields.join('|')}||`;
}

export function sello(cadena: string, key: KeyObject): string {
  return sign('sha256', Buffer.from(cadena, 'utf8'), key).toString('base64');
}

/** Signs every FirmaResponsable with the key at the same position. */
export function signTitulo(root: XmlElement, keys: readonly KeyObject[], opts: { escapeXml?: boolean } = {}): XmlElement {
  let signed = root;
  keys.forEach((key, i) => {
    signed = setAttribute(signed, `FirmaResponsable[${i + 1}]`, 'sello', sello(fixtureCadena(signed, i, opts.escapeXml), key));
  });
  return signed;
}

export interface AuthorityOptions {
  folioDigital?: string;
  fechaAutenticacion?: string;
  escapeXml?: boolean;
}

/** Adds (or replaces) the Autenticacion node, sealed by `authority` over the §3.7 cadena. */
export function authenticateTitulo(root: XmlElement, authority: MintedCredential, opts: AuthorityOptions = {}): XmlElement {
  const firmas = getElement(root, 'FirmaResponsables').children;
  const values: Values = {
    version: '1.0',
    folioDigital: opts.folioDigital ?? '3f2c7a0e-9b1d-4c5e-8f6a-1b2c3d4e5f60',
    fechaAutenticacion: opts.fechaAutenticacion ?? '2024-01-02T10:30:00',
    selloTitulo: firmas.map((f) => f.attributes.find((a) => a.name === 'sello')?.value ?? '').join(''),
    noCertificadoAutoridad: authority.number,
  };
  const fields = ['version', 'folioDigital', 'fechaAutenticacion', 'selloTitulo', 'noCertificadoAutoridad'].map((k) => values[k] ?? '');
  const cadena = `||${fields.map((f) => (opts.escapeXml ? escapeXml(f) : f)).join('|')}||`;
  values['selloAutenticacion'] = sello(cadena, authority.privateKey);
  const node = element('Autenticacion', attributes('Autenticacion', values));
  const children = root.children.filter((c) => c.name !== 'Autenticacion');
  return { ...root, children: [...children, node] };
}

// ---------------------------------------------------------------- building

export interface BuildOptions {
  /** The service date the título is valid for (AAAA-MM-DD). */
  today: string;
  signers: readonly MintedCredential[];
  /** Edits the default values before the tree is built and signed. */
  edit?: (values: TituloValues) => void;
  escapeXml?: boolean;
  /** Seals an Autenticacion node with this authority credential. */
  authority?: MintedCredential;
}

export interface BuiltTitulo {
  values: TituloValues;
  root: XmlElement;
  keys: KeyObject[];
  escapeXml: boolean;
  /** Re-signs a mutated tree with this título's signers (and escaping). */
  resign(root: XmlElement): XmlElement;
}

export function buildTitulo(opts: BuildOptions): BuiltTitulo {
  const values = defaultTituloValues(opts.today, opts.signers);
  opts.edit?.(values);
  const keys = opts.signers.map((s) => s.privateKey);
  const escapeXml = opts.escapeXml ?? false;
  let root = signTitulo(tituloElement(values), keys, { escapeXml });
  if (opts.authority) root = authenticateTitulo(root, opts.authority, { escapeXml });
  return { values, root, keys, escapeXml, resign: (r) => signTitulo(r, keys, { escapeXml }) };
}

// ---------------------------------------------------------------- XML text

/** The tree as a UTF-8 XML document (namespaces as declared in the tree's attributes). */
export function tituloXml(root: XmlElement): string {
  return writeXml(root);
}

// ---------------------------------------------------------------- context

export function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

export function registeredSigner(credential: MintedCredential, overrides: Partial<RegisteredSigner> = {}): RegisteredSigner {
  return {
    id: `signer-${credential.number}`,
    sha256: sha256Hex(credential.cerDer),
    numeroCertificado: credential.number,
    curp: credential.curp,
    nombre: credential.name,
    active: true,
    ...overrides,
  };
}

export interface ContextOptions {
  today: string;
  /** Registered as active signers of the institution. */
  signers?: readonly MintedCredential[];
  /** Registered signers as stored (overrides `signers`). */
  registered?: readonly RegisteredSigner[];
  authorities?: readonly EfirmaCertificate[];
  renapo?: ReadonlyMap<string, RenapoRecord> | null;
  folios?: Readonly<Record<string, FolioState>>;
  cveInstitucion?: string;
  cadenaEscapeXml?: boolean;
  certificates?: CertificateCache;
}

/** A TituloContext that accepts the default título: its signers registered, its graduate in RENAPO. */
export function tituloContext(opts: ContextOptions): TituloContext {
  const registered = opts.registered ?? (opts.signers ?? []).map((s) => registeredSigner(s));
  const renapo =
    opts.renapo === undefined
      ? new Map<string, RenapoRecord>([[DEFAULT_PROFESIONISTA.curp, DEFAULT_PROFESIONISTA]])
      : opts.renapo;
  const folios = opts.folios ?? {};
  return {
    today: opts.today,
    cveInstitucion: opts.cveInstitucion ?? DEFAULT_CVE_INSTITUCION,
    signersBySha256: new Map(registered.map((s) => [s.sha256, s])),
    authorityCertificates: new Map((opts.authorities ?? []).map((c) => [c.number ?? '', c])),
    renapo: renapo === null ? null : (curp) => renapo.get(curp),
    cadenaEscapeXml: opts.cadenaEscapeXml ?? false,
    folioState: (folio) => folios[folio] ?? 'free',
    certificates: opts.certificates ?? new CertificateCache(),
  };
}
