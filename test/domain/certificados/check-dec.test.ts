/**
 * One valid DEC, then one mutation per check code of the `dec` scope: exactly that code fails, with
 * the chosen Spanish text.
 */
import t from 'tap';
import { CHECK_CODES, type CheckCode } from '../../../src/domain/check-codes.js';
import { errorsOf, sepMessageOf } from '../../../src/domain/checks.js';
import type { DecContext } from '../../../src/domain/certificados/check-dec.js';
import { sealDec } from '../../../src/domain/certificados/sep-nodes.js';
import type { RegisteredPlan } from '../../../src/domain/planes/plan.js';
import type { XmlElement } from '../../../src/intake/xml-tree.js';
import { parseSafeXml } from '../../../src/intake/xml.js';
import {
  DEFAULT_ALUMNO,
  addDays,
  decRegisteredSigner,
  decXml,
  defaultPlan,
  removeAttribute,
  setAttribute,
  type BuiltDec,
} from '../../support/dec-fixture.js';
import type { MintOptions } from '../../support/pki.js';
import { TODAY, assertOnly, build, context, errorCodes, mintSigner, run } from './setup.js';

const signer = mintSigner();
const other = mintSigner();
const authority = mintSigner({ name: 'AUTORIDAD DGAIR DE PRUEBAS' });
const base = build(signer);
const ctx = (opts: Parameters<typeof context>[1] = {}): DecContext => context(signer, opts);
const resign = (root: XmlElement): XmlElement => base.resign(root);
const FECHA = `${addDays(TODAY, -2)}T00:00:00`;

t.test('the valid DEC passes every check, and every dec code was checked', async (t) => {
  const outcome = run(base.root, ctx());
  t.same(errorsOf(outcome.checks), []);
  t.same(
    outcome.checks.filter((c) => c.status !== 'ok'),
    [],
    'no warnings or skips either',
  );
  const checked = new Set(outcome.checks.map((c) => c.code));
  for (const [code, info] of Object.entries(CHECK_CODES)) {
    if (info.scope === 'dec') t.ok(checked.has(code as CheckCode), `${code} was checked`);
  }
  t.equal(outcome.folioControl, 'DEC-000001');
  t.same(outcome.alumno, DEFAULT_ALUMNO);
  t.equal(outcome.idCampus, '150840');
  t.equal(outcome.idCarrera, '5');
});

interface Case {
  readonly code: CheckCode;
  readonly name: string;
  readonly sepMessage: string;
  readonly root?: () => XmlElement;
  readonly ctx?: () => DecContext;
}

/** Built lazily: some cases mint their own signer or plan. */
function withSigner(opts: MintOptions): { root: () => XmlElement; ctx: () => DecContext } {
  let cached: { root: XmlElement; ctx: DecContext } | undefined;
  const make = () => {
    if (!cached) {
      const s = mintSigner(opts);
      cached = { root: build(s).root, ctx: context(s) };
    }
    return cached;
  };
  return { root: () => make().root, ctx: () => make().ctx };
}

function built(opts: Parameters<typeof build>[1]): () => XmlElement {
  let cached: BuiltDec | undefined;
  return () => (cached ??= build(signer, opts)).root;
}

function planWith(edit: (plan: RegisteredPlan) => RegisteredPlan): () => DecContext {
  return () => ctx({ plans: [edit(defaultPlan())] });
}

const swapChildren = (root: XmlElement, a: string, b: string): XmlElement => {
  const children = [...root.children];
  const i = children.findIndex((c) => c.name === a);
  const j = children.findIndex((c) => c.name === b);
  [children[i], children[j]] = [children[j] as XmlElement, children[i] as XmlElement];
  return { ...root, children };
};

const FOLIO_41 = 'F'.repeat(41);
const NOT_AFTER_YESTERDAY = new Date(`${addDays(TODAY, -1)}T12:00:00Z`);

const CASES: readonly Case[] = [
  {
    code: 'DEC-ROOT',
    name: 'a typo in the namespace',
    sepMessage: 'Nodo raíz no válido, se esperaba Dec: {https://www.siged.sep.gob.mx/certificado/}Dec',
    root: () => ({ ...base.root, namespace: 'https://www.siged.sep.gob.mx/certificado/' }),
  },
  {
    code: 'DEC-VERSION',
    name: 'version 3.1',
    sepMessage: 'Versión no válida en el nodo Dec: 3.1',
    root: () => resign(setAttribute(base.root, 'Dec', 'version', '3.1')),
  },
  {
    code: 'DEC-ELEMENT',
    name: 'Carrera before Rvoe',
    sepMessage: 'Nodo fuera de orden en el nodo Dec: Rvoe',
    root: () => swapChildren(base.root, 'Rvoe', 'Carrera'),
  },
  {
    code: 'DEC-NODO-SEP',
    name: 'an authenticated DEC uploaded again (Dreoe and SepIpes)',
    sepMessage: 'Nodo reservado para la SEP en el nodo Dec: Dreoe; cargue el certificado sin los nodos Dreoe y SepIpes',
    root: () =>
      sealDec(base.root, {
        fechaDreoe: `${TODAY}T10:00:00`,
        official: { curp: authority.curp, nombreCompleto: authority.name, idCargo: '1', cargo: 'DIRECTOR' },
        authority: { numeroCertificado: authority.number, privateKey: authority.privateKey },
        folioDigital: '3f2c7a0e-9b1d-4c5e-8f6a-1b2c3d4e5f60',
        fechaSepIpes: `${TODAY}T10:00:01`,
      }),
  },
  {
    code: 'DEC-ATTR-REQUIRED',
    name: 'numeroControl removed (and re-signed)',
    sepMessage: 'Atributo requerido no encontrado en el nodo Alumno: numeroControl',
    root: () => resign(removeAttribute(base.root, 'Alumno', 'numeroControl')),
  },
  {
    code: 'DEC-ATTR-UNKNOWN',
    name: 'a genero text SEP does not define for Alumno',
    sepMessage: 'Atributo no permitido en el nodo Alumno: genero',
    root: () => setAttribute(base.root, 'Alumno', 'genero', 'HOMBRE'),
  },
  {
    code: 'DEC-DATE-FORMAT',
    name: 'fechaNacimiento without the time (spec §5 #4)',
    sepMessage: 'Fecha de nacimiento no válida en el nodo Alumno: 1995-03-14',
    root: () => resign(setAttribute(base.root, 'Alumno', 'fechaNacimiento', '1995-03-14')),
  },
  {
    code: 'DEC-INTEGER-FORMAT',
    name: 'idObservaciones with a leading zero',
    sepMessage: 'Identificador de observaciones no válido en el nodo Asignatura: 0100',
    root: () => setAttribute(base.root, 'Asignatura[2]', 'idObservaciones', '0100'),
  },
  {
    code: 'DEC-GRADE-FORMAT',
    name: 'calificacionMinimaAprobatoria without decimals',
    sepMessage: 'Calificación mínima aprobatoria no válida en el nodo Carrera: 6',
    root: () => resign(setAttribute(base.root, 'Carrera', 'calificacionMinimaAprobatoria', '6')),
  },
  {
    code: 'DEC-CREDITS-FORMAT',
    name: 'totalCreditos with a decimal comma',
    sepMessage: 'Total de créditos no válido en el nodo Asignaturas: 68,75',
    root: () => resign(setAttribute(base.root, 'Asignaturas', 'totalCreditos', '68,75')),
  },
  {
    code: 'DEC-CICLO-FORMAT',
    name: 'ciclo without the hyphen on the two subjects of 2019-1',
    sepMessage: 'Ciclo no válido en el nodo Asignatura: 20191',
    root: () => resign(setAttribute(setAttribute(base.root, 'Asignatura[1]', 'ciclo', '20191'), 'Asignatura[2]', 'ciclo', '20191')),
  },
  {
    code: 'DEC-CURP-FORMAT',
    name: 'the student CURP in lowercase',
    sepMessage: `CURP no válida en el nodo Alumno: ${DEFAULT_ALUMNO.curp.toLowerCase()}`,
    root: () => resign(setAttribute(base.root, 'Alumno', 'curp', DEFAULT_ALUMNO.curp.toLowerCase())),
  },
  {
    code: 'DEC-FOLIO-FORMAT',
    name: 'folioControl of 41 characters (spec §5 #13)',
    sepMessage: `Folio de control no válido en el nodo Dec: ${FOLIO_41}`,
    root: () => setAttribute(base.root, 'Dec', 'folioControl', FOLIO_41),
    ctx: () => ctx(),
  },
  {
    code: 'DEC-PIPE',
    name: 'a | inside the student name',
    sepMessage: 'Nombre no válido en el nodo Alumno: JUAN|CARLOS',
    root: () => resign(setAttribute(base.root, 'Alumno', 'nombre', 'JUAN|CARLOS')),
  },
  {
    code: 'DEC-CAT-TIPO-CERTIFICADO',
    name: "the normal schools' tipoCertificado 9",
    sepMessage: 'Tipo de certificado no válido en el nodo Dec: 9',
    root: () => resign(setAttribute(base.root, 'Dec', 'tipoCertificado', '9')),
  },
  {
    code: 'DEC-CAT-CARGO',
    name: 'cargo 6, a títulos-only cargo',
    sepMessage: 'Identificador de cargo no válido en el nodo Responsable: 6',
    root: () => resign(setAttribute(base.root, 'Responsable', 'idCargo', '6')),
  },
  {
    code: 'DEC-CAT-ENTIDAD',
    name: '33 EXTRANJERO as lugar de expedición (not allowed by default)',
    sepMessage: 'Identificador de lugar de expedición no válido en el nodo Expedicion: 33',
    root: () => resign(setAttribute(base.root, 'Expedicion', 'idLugarExpedicion', '33')),
  },
  {
    code: 'DEC-CAT-TIPO-PERIODO',
    name: 'SEMESTRAL instead of SEMESTRE',
    sepMessage: 'Nombre de tipo de periodo no válido en el nodo Carrera: SEMESTRAL',
    root: () => setAttribute(base.root, 'Carrera', 'tipoPeriodo', 'SEMESTRAL'),
  },
  {
    code: 'DEC-CAT-NIVEL-ESTUDIOS',
    name: 'nivelEstudios with a trailing space',
    sepMessage: 'Nombre de nivel de estudios no válido en el nodo Carrera: LICENCIATURA ',
    root: () => setAttribute(base.root, 'Carrera', 'nivelEstudios', 'LICENCIATURA '),
  },
  {
    code: 'DEC-CAT-GENERO',
    name: 'idGenero 252',
    sepMessage: 'Identificador de género no válido en el nodo Alumno: 252',
    root: () => resign(setAttribute(base.root, 'Alumno', 'idGenero', '252')),
  },
  {
    code: 'DEC-CAT-TIPO-CERTIFICACION',
    name: 'PARCIAL written next to 79',
    sepMessage: 'Nombre de tipo de certificación no válido en el nodo Expedicion: PARCIAL',
    root: () => setAttribute(base.root, 'Expedicion', 'tipoCertificacion', 'PARCIAL'),
  },
  {
    code: 'DEC-CAT-TIPO-ASIGNATURA',
    name: 'OBLIGATORIO instead of OBLIGATORIA',
    sepMessage: 'Nombre de tipo de asignatura no válido en el nodo Asignatura: OBLIGATORIO',
    root: () => setAttribute(base.root, 'Asignatura[1]', 'tipoAsignatura', 'OBLIGATORIO'),
  },
  {
    code: 'DEC-CAT-OBSERVACIONES',
    name: 'idObservaciones 99',
    sepMessage: 'Identificador de observaciones no válido en el nodo Asignatura: 99',
    root: () => setAttribute(base.root, 'Asignatura[3]', 'idObservaciones', '99'),
  },
  {
    code: 'DEC-SERVICIO-FIRMANTE',
    name: 'the state code as idEntidad (S15, spec §5 #3)',
    sepMessage: 'Identificador de entidad no válido en el nodo ServicioFirmante: 30',
    root: () => resign(setAttribute(base.root, 'ServicioFirmante', 'idEntidad', '30')),
  },
  {
    code: 'DEC-INSTITUCION',
    name: "another institution's MEC id",
    sepMessage: 'Identificador de institución no válido en el nodo Ipes: 20586',
    root: () => resign(setAttribute(base.root, 'Ipes', 'idNombreInstitucion', '20586')),
  },
  {
    code: 'DEC-CAMPUS',
    name: 'a campus the institution did not register',
    sepMessage: 'Identificador de campus no válido en el nodo Ipes: 150840',
    ctx: () => ctx({ campuses: { '150841': { idEntidadFederativa: '15', signer: decRegisteredSigner(signer) } } }),
  },
  {
    code: 'DEC-CAMPUS-ENTIDAD',
    name: 'the campus is registered in another entidad',
    sepMessage: 'Identificador de entidad federativa no válido en el nodo Ipes: 15',
    ctx: () => ctx({ campuses: { '150840': { idEntidadFederativa: '09', signer: decRegisteredSigner(signer) } } }),
  },
  {
    code: 'DEC-PLAN',
    name: 'no plan registered',
    sepMessage: 'Plan de estudios no registrado en el nodo Carrera: idCarrera 5, clavePlan 2014',
    ctx: () => ctx({ plans: [] }),
  },
  {
    code: 'DEC-RVOE',
    name: 'another RVOE number',
    sepMessage: 'Número de RVOE no válido en el nodo Rvoe: 20140253',
    root: () => resign(setAttribute(base.root, 'Rvoe', 'numero', '20140253')),
  },
  {
    code: 'DEC-PLAN-PERIODO',
    name: 'CUATRIMESTRE for a semestral plan',
    sepMessage: 'Identificador de tipo de periodo no válido en el nodo Carrera: 93',
    root: () => resign(setAttribute(base.root, 'Carrera', 'idTipoPeriodo', '93')),
  },
  {
    code: 'DEC-PLAN-NIVEL',
    name: 'MAESTRÍA for a licenciatura plan',
    sepMessage: 'Identificador de nivel de estudios no válido en el nodo Carrera: 82',
    root: () => resign(setAttribute(base.root, 'Carrera', 'idNivelEstudios', '82')),
  },
  {
    code: 'DEC-PLAN-ESCALA',
    name: 'the plan passes at 7.00, the DEC says 6.00',
    sepMessage: 'Calificación mínima aprobatoria no válida en el nodo Carrera: 6.00',
    ctx: planWith((p) => ({ ...p, calificacionMinimaAprobatoria: 7 })),
  },
  {
    code: 'DEC-ASIGNATURA-REPETIDA',
    name: 'subject 315 listed twice (a PARCIAL with the same credits and type)',
    sepMessage: 'Asignatura repetida en el nodo Asignaturas: 315',
    root: built({ idTipoCertificacion: '80', edit: (v) => void ((v.subjects[4] as Record<string, string>)['idAsignatura'] = '315') }),
  },
  {
    code: 'DEC-ASIGNATURA-PLAN',
    name: 'a subject that is not in the plan',
    sepMessage: 'Identificador de asignatura no válido en el nodo Asignatura: 999',
    root: built({ idTipoCertificacion: '80', edit: (v) => void ((v.subjects[0] as Record<string, string>)['idAsignatura'] = '999') }),
  },
  {
    code: 'DEC-ASIGNATURA-TIPO',
    name: 'an OBLIGATORIA declared OPTATIVA',
    sepMessage: 'Identificador de tipo de asignatura no válido en el nodo Asignatura: 264',
    root: () => resign(setAttribute(base.root, 'Asignatura[1]', 'idTipoAsignatura', '264')),
  },
  {
    code: 'DEC-ASIGNATURA-CREDITOS',
    name: 'the plan registers 6.50 credits for subject 315',
    sepMessage: 'Créditos no válidos en el nodo Asignatura: 6.25',
    ctx: planWith((p) => {
      const asignaturas = new Map(p.asignaturas);
      asignaturas.set('315', { ...(asignaturas.get('315') as NonNullable<ReturnType<typeof asignaturas.get>>), creditos: '6.50' });
      return { ...p, asignaturas };
    }),
  },
  {
    code: 'DEC-CALIFICACION-RANGO',
    name: 'a failed subject graded 4.00 on a 5-10 scale (PARCIAL)',
    sepMessage: 'Calificación no válida en el nodo Asignatura: 4.00',
    root: built({ idTipoCertificacion: '80', grades: { '316': '4.00' } }),
  },
  {
    code: 'DEC-TOTAL',
    name: 'total 11 for a plan of 10',
    sepMessage: 'Total de asignaturas no válido en el nodo Asignaturas: 11',
    root: () => resign(setAttribute(base.root, 'Asignaturas', 'total', '11')),
  },
  {
    code: 'DEC-ASIGNADAS',
    name: 'asignadas 9 with 10 subjects listed',
    sepMessage: 'Número de asignaturas asignadas no válido en el nodo Asignaturas: 9',
    root: () => resign(setAttribute(base.root, 'Asignaturas', 'asignadas', '9')),
  },
  {
    code: 'DEC-TOTAL-CREDITOS',
    name: "totalCreditos that is not the plan's",
    sepMessage: 'Total de créditos no válido en el nodo Asignaturas: 70.00',
    root: () => resign(setAttribute(base.root, 'Asignaturas', 'totalCreditos', '70.00')),
  },
  {
    code: 'DEC-CREDITOS-OBTENIDOS',
    name: 'creditosObtenidos short of the passed subjects',
    sepMessage: 'Créditos obtenidos no válidos en el nodo Asignaturas: 62.50',
    root: () => resign(setAttribute(base.root, 'Asignaturas', 'creditosObtenidos', '62.50')),
  },
  {
    code: 'DEC-PROMEDIO',
    name: 'promedio rounded (8.56) instead of truncated (8.55)',
    sepMessage: 'Promedio no válido en el nodo Asignaturas: 8.56',
    root: () => resign(setAttribute(base.root, 'Asignaturas', 'promedio', '8.56')),
  },
  {
    code: 'DEC-NUMERO-CICLOS',
    name: 'numeroCiclos 10 for 8 distinct cycles',
    sepMessage: 'Número de ciclos no válido en el nodo Asignaturas: 10',
    root: () => resign(setAttribute(base.root, 'Asignaturas', 'numeroCiclos', '10')),
  },
  {
    code: 'DEC-CERTIFICADO-TOTAL',
    name: 'a TOTAL certificate without subject 316 (spec §5 #7)',
    sepMessage: 'Identificador de tipo de certificación no válido en el nodo Expedicion: 79',
    root: built({ omit: ['316'], idTipoCertificacion: '79' }),
  },
  {
    code: 'DEC-EXPEDICION-FECHA',
    name: 'issued on the authentication date (0 days before)',
    sepMessage: `Fecha de expedición no válida en el nodo Expedicion: ${TODAY}T00:00:00`,
    root: () => resign(setAttribute(base.root, 'Expedicion', 'fecha', `${TODAY}T00:00:00`)),
  },
  {
    code: 'DEC-FECHA-NACIMIENTO',
    name: 'a student born in 2015',
    sepMessage: 'Fecha de nacimiento no válida en el nodo Alumno: 2015-01-01T00:00:00',
    root: () => resign(setAttribute(base.root, 'Alumno', 'fechaNacimiento', '2015-01-01T00:00:00')),
  },
  {
    code: 'DEC-FIRMA-CERT-PARSE',
    name: 'certificadoResponsable that is not a certificate',
    sepMessage: 'Certificado del responsable no válido en el nodo Dec: no es un certificado X.509 en base64',
    root: () => setAttribute(base.root, 'Dec', 'certificadoResponsable', Buffer.from('not a certificate').toString('base64')),
  },
  {
    code: 'DEC-FIRMA-CERT-KEY',
    name: 'an RSA-1024 key',
    sepMessage: 'Certificado del responsable no válido en el nodo Dec: la llave debe ser RSA de al menos 2048 bits (rsa 1024)',
    ...withSigner({ keyBits: 1024 }),
  },
  {
    code: 'DEC-FIRMA-CERT-FIEL',
    name: 'a CSD instead of the e.firma',
    sepMessage: 'Certificado del responsable no válido en el nodo Dec: no es una e.firma de persona física',
    ...withSigner({ kind: 'CSD' }),
  },
  {
    code: 'DEC-FIRMA-CERT-NUMERO',
    name: 'another certificate number',
    sepMessage: `Número de certificado del responsable no válido en el nodo Dec: ${other.number}`,
    root: () => setAttribute(base.root, 'Dec', 'noCertificadoResponsable', other.number),
  },
  {
    code: 'DEC-FIRMA-CERT-CURP',
    name: "a Responsable CURP that is not the certificate's",
    sepMessage: `CURP no válida en el nodo Responsable: ${other.curp} no es igual a la CURP de la e.firma ${signer.curp}`,
    root: () => resign(setAttribute(base.root, 'Responsable', 'curp', other.curp)),
  },
  {
    code: 'DEC-FIRMA-CERT-REGISTRADO',
    name: "the campus registered someone else's e.firma",
    sepMessage: `La e.firma del responsable no está registrada para el campus 150840: ${signer.number}`,
    ctx: () => context(other),
  },
  {
    code: 'DEC-FIRMA-CAMPUS-VENCIDA',
    name: "the campus's registered e.firma expired yesterday (signed while valid)",
    sepMessage: `La e.firma registrada para el campus 150840 venció el ${addDays(TODAY, -1)}; registre la e.firma vigente del responsable`,
    ...withSigner({ notBefore: new Date('2021-01-01T00:00:00Z'), notAfter: NOT_AFTER_YESTERDAY }),
  },
  {
    code: 'DEC-FIRMA-CERT-VIGENCIA',
    name: 'an e.firma issued after the expedition date',
    sepMessage: `La e.firma del responsable no estaba vigente en la fecha de expedición: ${addDays(TODAY, -2)}`,
    ...withSigner({ notBefore: new Date(`${addDays(TODAY, -1)}T12:00:00Z`) }),
  },
  {
    code: 'DEC-FIRMA-SELLO',
    name: 'the student name edited after signing',
    sepMessage: 'Sello no válido en el nodo Dec: no corresponde a la cadena original del certificado',
    root: () => setAttribute(base.root, 'Alumno', 'nombre', 'JUAN CARLOS'),
  },
  {
    code: 'DEC-FOLIO-REGISTRADO',
    name: 'a folio already registered',
    sepMessage: 'Folio de control previamente registrado: DEC-000001',
    ctx: () => ctx({ folios: { 'DEC-000001': 'registered' } }),
  },
  {
    code: 'DEC-FOLIO-LOTE',
    name: 'a folio registered earlier in the same lote',
    sepMessage: 'Folio de control previamente registrado: DEC-000001',
    ctx: () => ctx({ folios: { 'DEC-000001': 'registered-in-lote' } }),
  },
];

t.test('every code of the dec scope has a failing case', async (t) => {
  const covered = new Set(CASES.map((c) => c.code));
  for (const [code, info] of Object.entries(CHECK_CODES)) {
    if (info.scope === 'dec') t.ok(covered.has(code as CheckCode), code);
  }
});

for (const c of CASES) {
  t.test(`${c.code}: ${c.name}`, async (t) => {
    const outcome = run(c.root ? c.root() : base.root, c.ctx ? c.ctx() : ctx());
    assertOnly(t, outcome, c.code, c.sepMessage);
    t.equal(sepMessageOf(outcome.checks), c.sepMessage, 'the first error gives the results-sheet message');
  });
}

t.test('structure too broken to read stops after the structure checks', async (t) => {
  const root = { ...base.root, children: base.root.children.filter((c) => c.name !== 'Alumno') };
  const outcome = run(root, ctx());
  t.same(errorCodes(outcome.checks), ['DEC-ELEMENT']);
  t.equal(sepMessageOf(outcome.checks), 'Nodo requerido no encontrado en el nodo Dec: Alumno');
  t.same([...new Set(outcome.checks.map((c) => c.code))], ['DEC-ROOT', 'DEC-VERSION', 'DEC-ELEMENT', 'DEC-NODO-SEP']);
  t.equal(outcome.folioControl, 'DEC-000001', 'the folio is still reported for the results sheet');
  t.equal(outcome.alumno, null);

  const wrongRoot = run({ ...base.root, name: 'TituloElectronico' }, ctx());
  t.same(wrongRoot.checks.map((c) => c.code), ['DEC-ROOT']);
  t.equal(wrongRoot.folioControl, null);
});

t.test('the first error in evaluation order gives the message when several fail', async (t) => {
  const root = resign(setAttribute(base.root, 'Asignaturas', 'promedio', '8.56'));
  const outcome = run(setAttribute(root, 'Alumno', 'idGenero', '252'), ctx({ folios: { 'DEC-000001': 'registered' } }));
  const order = errorsOf(outcome.checks).map((c) => c.code);
  t.same(order, ['DEC-CAT-GENERO', 'DEC-PROMEDIO', 'DEC-FIRMA-SELLO', 'DEC-FOLIO-REGISTRADO'], 'catalogs, arithmetic, sello, folio');
  t.equal(sepMessageOf(outcome.checks), 'Identificador de género no válido en el nodo Alumno: 252');
});

t.test('the serialized DEC parses and passes end to end', async (t) => {
  const parsed = parseSafeXml(Buffer.from(decXml(base.root), 'utf8'));
  t.ok(parsed.ok, 'parses');
  if (!parsed.ok) return;
  t.same(errorsOf(run(parsed.root, ctx()).checks), []);
  t.equal(FECHA, parsed.root.children.find((c) => c.name === 'Expedicion')?.attributes.find((a) => a.name === 'fecha')?.value);
});
