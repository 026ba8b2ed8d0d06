/**
 * Valid, signed DEC 3.0 documents (MEC certificados) for tests and the benchmark, plus one-thing
 * mutations.
 *
 * The document is held as the XmlElement tree the intake parser produces, so tests hand it straight
 * to checkDec, and it serializes to XML (decXml). Everything SEP would recompute is computed here on
 * its own, from the plan and the grades, with integer hundredths (spec mec-certificados.md §4.2–4.3):
 * total, asignadas, promedio (truncated, complementarias left out), creditosObtenidos, numeroCiclos;
 * and the sello is made over a cadena this file builds from the tree (§2.1), independently of
 * src/domain/certificados, so a bug there cannot sign or count itself valid.
 *
 * Compiled into dist for the benchmark: import only src/, node:* and ./pki.js.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import type { XmlAttribute, XmlElement } from '../../src/intake/xml-tree.js';
import { writeXml } from '../../src/intake/xml-writer.js';
import { CertificateCache } from '../../src/domain/efirma/certificate-cache.js';
import { decOptions, type DecContext, type DecOptions, type FolioState, type RegisteredSigner } from '../../src/domain/certificados/context.js';
import type { RegisteredAsignatura, RegisteredPlan } from '../../src/domain/planes/plan.js';
import type { MintedCredential } from './pki.js';

export const DEC_NS = 'https://www.siged.sep.gob.mx/certificados/';

/** Attribute values by name; undefined leaves the attribute out. */
export type Values = Record<string, string | undefined>;

export interface DecValues {
  root: Values;
  servicioFirmante: Values;
  ipes: Values;
  responsable: Values;
  rvoe: Values;
  carrera: Values;
  alumno: Values;
  expedicion: Values;
  asignaturas: Values;
  subjects: Values[];
}

/** Attribute order as producers write them (§1.2–§1.9); unknown extra keys go last. */
const ORDER: Readonly<Record<string, readonly string[]>> = {
  Dec: ['version', 'tipoCertificado', 'folioControl', 'sello', 'certificadoResponsable', 'noCertificadoResponsable'],
  ServicioFirmante: ['idEntidad'],
  Ipes: ['idNombreInstitucion', 'nombreInstitucion', 'idCampus', 'campus', 'idEntidadFederativa', 'entidadFederativa'],
  Responsable: ['curp', 'nombre', 'primerApellido', 'segundoApellido', 'idCargo', 'cargo'],
  Rvoe: ['numero', 'fechaExpedicion'],
  Carrera: [
    'idCarrera',
    'claveCarrera',
    'nombreCarrera',
    'idTipoPeriodo',
    'tipoPeriodo',
    'clavePlan',
    'idNivelEstudios',
    'nivelEstudios',
    'calificacionMinima',
    'calificacionMaxima',
    'calificacionMinimaAprobatoria',
  ],
  Alumno: ['numeroControl', 'curp', 'nombre', 'primerApellido', 'segundoApellido', 'idGenero', 'fechaNacimiento'],
  Expedicion: ['idTipoCertificacion', 'tipoCertificacion', 'fecha', 'idLugarExpedicion', 'lugarExpedicion'],
  Asignaturas: ['total', 'asignadas', 'promedio', 'totalCreditos', 'creditosObtenidos', 'numeroCiclos'],
  Asignatura: ['idAsignatura', 'claveAsignatura', 'nombre', 'ciclo', 'calificacion', 'idObservaciones', 'idTipoAsignatura', 'creditos'],
};

// ---------------------------------------------------------------- numbers (integer hundredths)

/** `9.25` → 925, `10` → 1000, `6.5` → 650. Throws beyond two decimals: the fixture never needs them. */
export function hundredths(written: string): number {
  const m = /^([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(written);
  if (!m) throw new Error(`not a number with at most two decimals: ${written}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** 925 → `9.25`, 30625 → `306.25`. */
export function twoDecimals(h: number): string {
  return `${Math.floor(h / 100)}.${String(h % 100).padStart(2, '0')}`;
}

/** A grade as SEP writes it: two decimals, 10 as `10`. */
export function gradeText(h: number): string {
  return h === 1000 ? '10' : twoDecimals(h);
}

// ---------------------------------------------------------------- the plan

export const DEFAULT_ID_NOMBRE_INSTITUCION = '20585';
export const DEFAULT_ID_CAMPUS = '150840';
export const DEFAULT_ENTIDAD = '15';
export const COMPLEMENTARIA = '266';

const CREDITOS = ['6.25', '7.50', '8.00', '5.75'];

/**
 * A licenciatura plan (semestral, 5–10, passing 6.00) with `subjects` subjects (default 10): ids
 * from 315, the last one COMPLEMENTARIA, the fourth OPTATIVA, the rest OBLIGATORIA.
 */
export function defaultPlan(opts: { subjects?: number; numeroCiclos?: number } = {}): RegisteredPlan {
  const n = opts.subjects ?? 10;
  if (n < 1) throw new RangeError('a plan has at least one subject');
  const asignaturas = new Map<string, RegisteredAsignatura>();
  let total = 0;
  for (let i = 0; i < n; i++) {
    const creditos = CREDITOS[i % CREDITOS.length] as string;
    total += hundredths(creditos);
    const idTipoAsignatura = n > 1 && i === n - 1 ? COMPLEMENTARIA : n >= 5 && i === 3 ? '264' : '263';
    asignaturas.set(String(315 + i), { claveAsignatura: `LIS-${101 + i}`, nombre: `ASIGNATURA ${i + 1}`, idTipoAsignatura, creditos });
  }
  return {
    idCarrera: '5',
    claveCarrera: '612301',
    nombreCarrera: 'LICENCIATURA EN INGENIERÍA DE SOFTWARE',
    clavePlan: '2014',
    idTipoPeriodo: '91',
    idNivelEstudios: '81',
    numeroCiclos: opts.numeroCiclos ?? Math.min(8, n),
    rvoe: { numero: '20140252', fecha: '2014-08-29' },
    calificacionMinima: 5,
    calificacionMaxima: 10,
    calificacionMinimaAprobatoria: 6,
    asignaturas,
    totalCreditos: twoDecimals(total),
  };
}

const GRADES = ['9.00', '8.50', '10', '7.75', '9.25', '8.00', '9.50', '6.75', '8.25'];

/**
 * Grades by idAsignatura: the non-complementary subjects cycle through GRADES and every
 * complementaria gets 10. For the 10-subject plan the mean of the nine counted grades is 8.5555…:
 * truncated 8.55, rounded 8.56, and 8.70 if the complementaria were counted (§5 #6 traps).
 */
export function defaultGrades(plan: RegisteredPlan): Record<string, string> {
  const grades: Record<string, string> = {};
  let k = 0;
  for (const [id, s] of plan.asignaturas) grades[id] = s.idTipoAsignatura === COMPLEMENTARIA ? '10' : (GRADES[k++ % GRADES.length] as string);
  return grades;
}

/** The cycle a subject of the plan is taken in: the plan's subjects spread in order over its cycles. */
export function cicloOf(index: number, subjects: number, cycles: number): string {
  const k = Math.floor((index * cycles) / subjects);
  return `${2019 + Math.floor(k / 2)}-${(k % 2) + 1}`;
}

// ---------------------------------------------------------------- values

/** `date` (AAAA-MM-DD) moved by whole days. */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

export const DEFAULT_ALUMNO = {
  numeroControl: '20150001',
  curp: 'PEGJ950314HDFRRN07',
  nombre: 'JUAN',
  primerApellido: 'PEREZ',
  segundoApellido: 'GARCIA',
} as const;

/** What the DEC's values take from the responsible person's e.firma: Responsable and the certificate attributes. */
export type DecSigner = Pick<MintedCredential, 'cerDer' | 'number' | 'name' | 'curp'>;

export interface DecValuesOptions {
  credential: DecSigner;
  /** The authentication date (AAAA-MM-DD); the DEC is issued two days before (§4.5, as S3/S10 do). */
  today: string;
  /** Grades by idAsignatura, over defaultGrades. */
  grades?: Record<string, string>;
  /** Plan subjects left out of the certificate. */
  omit?: readonly string[];
  /** Default: 79 TOTAL when no subject is omitted, else 80 PARCIAL. */
  idTipoCertificacion?: '79' | '80';
  /** numeroCiclos as distinct cycles (default) or the plan's count (§4.3). */
  numeroCiclosRule?: 'distinct-cycles' | 'plan';
  /** Edits the values after the totals are computed and before signing. */
  edit?: (values: DecValues) => void;
}

export interface DecOptionsForPlan extends DecValuesOptions {
  /** The responsible person's e.firma: fills Responsable and the certificate attributes, and signs. */
  credential: MintedCredential;
}

/** A signer's Responsable attributes from a minted e.firma: the name split as "given names, paternal, maternal". */
export function responsableValues(credential: Pick<DecSigner, 'name' | 'curp'>): Values {
  const words = credential.name.split(' ');
  return {
    curp: credential.curp,
    nombre: words.slice(0, -2).join(' ') || credential.name,
    primerApellido: words.at(-2) ?? credential.name,
    segundoApellido: words.at(-1),
    idCargo: '1',
    cargo: 'DIRECTOR',
  };
}

/** The DEC's values for a plan, with every total computed from the subjects listed. */
export function decValues(plan: RegisteredPlan, opts: DecValuesOptions): DecValues {
  const grades = { ...defaultGrades(plan), ...opts.grades };
  const omit = new Set(opts.omit ?? []);
  const ids = [...plan.asignaturas.keys()];
  const passing = Math.round(plan.calificacionMinimaAprobatoria * 100);
  const subjects: Values[] = [];
  let counted = 0;
  let gradeSum = 0;
  let earned = 0;
  const cycles = new Set<string>();
  ids.forEach((id, i) => {
    if (omit.has(id)) return;
    const s = plan.asignaturas.get(id) as RegisteredAsignatura;
    const calificacion = grades[id] as string;
    const ciclo = cicloOf(i, ids.length, plan.numeroCiclos);
    const h = hundredths(calificacion);
    if (s.idTipoAsignatura !== COMPLEMENTARIA) {
      counted++;
      gradeSum += h;
    }
    if (h >= passing) earned += hundredths(s.creditos);
    cycles.add(ciclo);
    subjects.push({
      idAsignatura: id,
      claveAsignatura: s.claveAsignatura,
      nombre: s.nombre,
      ciclo,
      calificacion,
      idObservaciones: '100',
      idTipoAsignatura: s.idTipoAsignatura,
      creditos: s.creditos,
    });
  });
  const tipo = opts.idTipoCertificacion ?? (omit.size === 0 ? '79' : '80');
  const c = opts.credential;
  const values: DecValues = {
    root: {
      version: '3.0',
      tipoCertificado: '5',
      folioControl: 'DEC-000001',
      certificadoResponsable: c.cerDer.toString('base64'),
      noCertificadoResponsable: c.number,
    },
    servicioFirmante: { idEntidad: DEFAULT_ID_NOMBRE_INSTITUCION },
    ipes: {
      idNombreInstitucion: DEFAULT_ID_NOMBRE_INSTITUCION,
      nombreInstitucion: 'UNIVERSIDAD DE PRUEBAS METMEC',
      idCampus: DEFAULT_ID_CAMPUS,
      campus: 'ÚNICO',
      idEntidadFederativa: DEFAULT_ENTIDAD,
      entidadFederativa: 'MÉXICO',
    },
    responsable: responsableValues(c),
    rvoe: { numero: plan.rvoe.numero, fechaExpedicion: `${plan.rvoe.fecha}T00:00:00` },
    carrera: {
      idCarrera: plan.idCarrera,
      claveCarrera: plan.claveCarrera,
      nombreCarrera: plan.nombreCarrera,
      idTipoPeriodo: plan.idTipoPeriodo,
      clavePlan: plan.clavePlan,
      idNivelEstudios: plan.idNivelEstudios,
      calificacionMinima: String(plan.calificacionMinima),
      calificacionMaxima: String(plan.calificacionMaxima),
      calificacionMinimaAprobatoria: twoDecimals(passing),
    },
    alumno: { ...DEFAULT_ALUMNO, idGenero: '251', fechaNacimiento: '1995-03-14T00:00:00' },
    expedicion: {
      idTipoCertificacion: tipo,
      tipoCertificacion: tipo === '79' ? 'TOTAL' : 'PARCIAL',
      fecha: `${addDays(opts.today, -2)}T00:00:00`,
      idLugarExpedicion: DEFAULT_ENTIDAD,
      lugarExpedicion: 'MÉXICO',
    },
    asignaturas: {
      total: String(ids.length),
      asignadas: String(subjects.length),
      promedio: gradeText(Math.floor(gradeSum / counted)),
      totalCreditos: plan.totalCreditos,
      creditosObtenidos: twoDecimals(earned),
      numeroCiclos: String((opts.numeroCiclosRule ?? 'distinct-cycles') === 'plan' ? plan.numeroCiclos : cycles.size),
    },
    subjects,
  };
  opts.edit?.(values);
  return values;
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

export function element(name: string, attrs: XmlAttribute[], children: XmlElement[] = [], namespace = DEC_NS): XmlElement {
  return { name, namespace, attributes: attrs, children, text: '' };
}

/** The unsigned tree (sello as given in the values, usually absent). */
export function decElement(values: DecValues): XmlElement {
  return element('Dec', [{ name: 'xmlns', value: DEC_NS }, ...attributes('Dec', values.root)], [
    element('ServicioFirmante', attributes('ServicioFirmante', values.servicioFirmante)),
    element('Ipes', attributes('Ipes', values.ipes), [element('Responsable', attributes('Responsable', values.responsable))]),
    element('Rvoe', attributes('Rvoe', values.rvoe)),
    element('Carrera', attributes('Carrera', values.carrera)),
    element('Alumno', attributes('Alumno', values.alumno)),
    element('Expedicion', attributes('Expedicion', values.expedicion)),
    element('Asignaturas', attributes('Asignaturas', values.asignaturas), values.subjects.map((s) => element('Asignatura', attributes('Asignatura', s)))),
  ]);
}

// ---------------------------------------------------------------- paths and mutations

const ASIGNATURA_PATH = /^Asignatura(?:\[(\d+)\])?$/;

/**
 * Elements by path: `Dec`, a root child's name (`Carrera`, `Asignaturas`, …), `Responsable`, or
 * `Asignatura` (the first) / `Asignatura[n]` (1-based).
 */
export function updateElement(root: XmlElement, path: string, update: (el: XmlElement) => XmlElement): XmlElement {
  if (path === 'Dec') return update(root);
  const subject = ASIGNATURA_PATH.exec(path);
  const parent = subject ? 'Asignaturas' : path === 'Responsable' ? 'Ipes' : undefined;
  const wanted = subject ? Number(subject[1] ?? '1') - 1 : 0;
  let found = false;
  const children = root.children.map((child) => {
    if (found) return child;
    if (parent !== undefined && child.name === parent && wanted < child.children.length) {
      found = true;
      return { ...child, children: child.children.map((c, i) => (i === wanted ? update(c) : c)) };
    }
    if (parent === undefined && child.name === path) {
      found = true;
      return update(child);
    }
    return child;
  });
  if (!found) throw new Error(`no element at ${path}`);
  return { ...root, children };
}

export function getElement(root: XmlElement, path: string): XmlElement {
  let el: XmlElement | undefined;
  updateElement(root, path, (e) => (el = e));
  return el as XmlElement;
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

/** Renames an attribute in place, keeping its value (`version` → `Version`). */
export function renameAttribute(root: XmlElement, path: string, from: string, to: string): XmlElement {
  return updateElement(root, path, (el) => ({ ...el, attributes: el.attributes.map((a) => (a.name === from ? { name: to, value: a.value } : a)) }));
}

/** Appends a root child (e.g. a Dreoe node) after the others. */
export function appendChild(root: XmlElement, child: XmlElement): XmlElement {
  return { ...root, children: [...root.children, child] };
}

// ---------------------------------------------------------------- cadena and sello

const HEADER: readonly (readonly [string, string])[] = [
  ['Dec', 'version'],
  ['Dec', 'tipoCertificado'],
  ['ServicioFirmante', 'idEntidad'],
  ['Ipes', 'idNombreInstitucion'],
  ['Ipes', 'idCampus'],
  ['Ipes', 'idEntidadFederativa'],
  ['Responsable', 'curp'],
  ['Responsable', 'idCargo'],
  ['Rvoe', 'numero'],
  ['Rvoe', 'fechaExpedicion'],
  ...['idCarrera', 'idTipoPeriodo', 'clavePlan', 'idNivelEstudios', 'calificacionMinima', 'calificacionMaxima', 'calificacionMinimaAprobatoria'].map(
    (a) => ['Carrera', a] as const,
  ),
  ...['numeroControl', 'curp', 'nombre', 'primerApellido', 'segundoApellido', 'idGenero', 'fechaNacimiento'].map((a) => ['Alumno', a] as const),
  ['Expedicion', 'idTipoCertificacion'],
  ['Expedicion', 'fecha'],
  ['Expedicion', 'idLugarExpedicion'],
  ...['total', 'asignadas', 'promedio', 'totalCreditos', 'creditosObtenidos', 'numeroCiclos'].map((a) => ['Asignaturas', a] as const),
];
const PER_SUBJECT = ['idAsignatura', 'ciclo', 'calificacion', 'idTipoAsignatura', 'creditos'];

/** This fixture's own cadena original (§2.1), straight from the tree. */
export function fixtureCadena(root: XmlElement): string {
  if (HEADER.length !== 33) throw new Error(`cadena header has ${HEADER.length} fields`);
  const value = (el: XmlElement | undefined, name: string): string => el?.attributes.find((a) => a.name === name)?.value ?? '';
  const child = (parent: XmlElement | undefined, name: string): XmlElement | undefined => parent?.children.find((c) => c.name === name);
  const fields = HEADER.map(([node, name]) => {
    if (node === 'Dec') return value(root, name);
    if (node === 'Responsable') return value(child(child(root, 'Ipes'), 'Responsable'), name);
    return value(child(root, node), name);
  });
  for (const subject of child(root, 'Asignaturas')?.children ?? []) {
    for (const name of PER_SUBJECT) fields.push(value(subject, name));
  }
  return `||${fields.join('|')}||`;
}

export function sello(cadena: string, key: KeyObject): string {
  return sign('sha256', Buffer.from(cadena, 'utf8'), key).toString('base64');
}

export function signDec(root: XmlElement, key: KeyObject): XmlElement {
  return setAttribute(root, 'Dec', 'sello', sello(fixtureCadena(root), key));
}

// ---------------------------------------------------------------- building

export interface BuiltDec {
  plan: RegisteredPlan;
  values: DecValues;
  root: XmlElement;
  credential: MintedCredential;
  /** Re-signs a mutated tree with this DEC's signer. */
  resign(root: XmlElement): XmlElement;
}

/** A valid, signed DEC for the plan: decValues, then the tree, then the sello. */
export function decForPlan(plan: RegisteredPlan, opts: DecOptionsForPlan): BuiltDec {
  const values = decValues(plan, opts);
  const key = opts.credential.privateKey;
  const resign = (root: XmlElement): XmlElement => signDec(root, key);
  return { plan, values, root: resign(decElement(values)), credential: opts.credential, resign };
}

/** The tree as a UTF-8 XML document. */
export function decXml(root: XmlElement): string {
  return writeXml(root);
}

// ---------------------------------------------------------------- context

export function decRegisteredSigner(credential: MintedCredential, overrides: Partial<RegisteredSigner> = {}): RegisteredSigner {
  return {
    id: `signer-${credential.number}`,
    sha256: createHash('sha256').update(credential.cerDer).digest('hex'),
    numeroCertificado: credential.number,
    curp: credential.curp,
    nombre: credential.name,
    active: true,
    ...overrides,
  };
}

export interface DecContextOptions {
  today: string;
  /** Registered as the default campus's active e.firma. */
  credential?: MintedCredential;
  /** The default campus's registered signer as stored (overrides `credential`; null for none). */
  signer?: RegisteredSigner | null;
  /** Campuses by idCampus (override the default campus 150840 in entidad 15). */
  campuses?: Record<string, { idEntidadFederativa: string; signer: RegisteredSigner | null }>;
  idNombreInstitucion?: string;
  /** Registered plans (default: defaultPlan()). */
  plans?: readonly RegisteredPlan[];
  folios?: Readonly<Record<string, FolioState>>;
  options?: Partial<DecOptions>;
  certificates?: CertificateCache;
}

/** A DecContext that accepts decForPlan's DEC: its institution, campus, signer and plan registered. */
export function decContext(opts: DecContextOptions): DecContext {
  const signer = opts.signer !== undefined ? opts.signer : opts.credential ? decRegisteredSigner(opts.credential) : null;
  const campuses = opts.campuses ?? { [DEFAULT_ID_CAMPUS]: { idEntidadFederativa: DEFAULT_ENTIDAD, signer } };
  const plans = opts.plans ?? [defaultPlan()];
  const folios = opts.folios ?? {};
  const signers = new Map<string, RegisteredSigner>();
  for (const campus of Object.values(campuses)) if (campus.signer) signers.set(campus.signer.sha256, campus.signer);
  return {
    today: opts.today,
    institution: { idNombreInstitucion: opts.idNombreInstitucion ?? DEFAULT_ID_NOMBRE_INSTITUCION, campuses: new Map(Object.entries(campuses)) },
    plan: (idCarrera, clavePlan) => plans.find((p) => p.idCarrera === idCarrera && p.clavePlan === clavePlan),
    certificates: opts.certificates ?? new CertificateCache(),
    signersBySha256: signers,
    folioState: (folio) => folios[folio] ?? 'free',
    options: decOptions(opts.options),
  };
}
