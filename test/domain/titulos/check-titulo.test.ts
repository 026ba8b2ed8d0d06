/**
 * One valid título, then one mutation per check code: exactly that code fails, with SEP's text.
 * The table must cover every code of the titulo, firma and autenticacion scopes.
 */
import t from 'tap';
import { CHECK_CODES, type CheckCode } from '../../../src/domain/check-codes.js';
import { errorsOf, sepMessageOf } from '../../../src/domain/checks.js';
import { parseCertificate } from '../../../src/domain/efirma/certificate.js';
import type { TituloContext } from '../../../src/domain/titulos/check-titulo.js';
import type { XmlElement } from '../../../src/intake/xml-tree.js';
import { parseSafeXml } from '../../../src/intake/xml.js';
import {
  DEFAULT_PROFESIONISTA,
  addDays,
  authenticateTitulo,
  getAttribute,
  getElement,
  removeAttribute,
  setAttribute,
  tituloXml,
} from '../../support/titulo-fixture.js';
import { TODAY, assertOnly, build, context, errorCodes, mintSigner, run } from './setup.js';

const signer = mintSigner();
const authority = mintSigner({ name: 'AUTORIDAD EDUCATIVA DE PRUEBAS' });
const authorityCert = parseCertificate(authority.cerDer);
const base = build([signer], { authority });
const ctx = (overrides: Parameters<typeof context>[1] = {}): TituloContext => context([signer], { authorities: [authorityCert], ...overrides });

const FECHA_EXPEDICION = addDays(TODAY, -1);
const FECHA_EXAMEN = addDays(TODAY, -30);

t.test('the valid título passes every check, and every code of these scopes was checked', async (t) => {
  const outcome = run(base.root, ctx());
  t.same(errorsOf(outcome.checks), []);
  t.same(
    outcome.checks.filter((c) => c.status !== 'ok'),
    [],
    'no warnings or skips either',
  );
  const checked = new Set(outcome.checks.map((c) => c.code));
  for (const [code, info] of Object.entries(CHECK_CODES)) {
    if (['titulo', 'firma', 'autenticacion'].includes(info.scope)) t.ok(checked.has(code as CheckCode), `${code} was checked`);
  }
  t.equal(outcome.folioControl, 'FC-000001');
  t.same(outcome.profesionista, DEFAULT_PROFESIONISTA);
});

interface Case {
  readonly code: CheckCode;
  readonly name: string;
  readonly sepMessage: string;
  readonly root?: () => XmlElement;
  readonly ctx?: () => TituloContext;
}

const resign = (root: XmlElement): XmlElement => base.resign(root);
const otherCurp = 'MOCL800101HDFRRS05';

/** Built lazily: some cases mint their own signer. */
function withSigner(opts: Parameters<typeof mintSigner>[0]): { root: () => XmlElement; ctx: () => TituloContext } {
  let cached: { root: XmlElement; ctx: TituloContext } | undefined;
  const make = () => {
    if (!cached) {
      const s = mintSigner(opts);
      cached = { root: build([s]).root, ctx: context([s]) };
    }
    return cached;
  };
  return { root: () => make().root, ctx: () => make().ctx };
}

const CASES: readonly Case[] = [
  {
    code: 'TIT-ROOT',
    name: 'a typo in the namespace (spec §5.3 #12)',
    sepMessage: 'Nodo raíz no válido, se esperaba TituloElectronico: {https://www.sige.sep.gob.mx/titulos/}TituloElectronico',
    root: () => ({ ...base.root, namespace: 'https://www.sige.sep.gob.mx/titulos/' }),
  },
  {
    code: 'TIT-ELEMENT',
    name: 'Carrera before Institucion',
    sepMessage: 'Nodo fuera de orden en el nodo TituloElectronico: Institucion',
    root: () => {
      const [firmas, institucion, carrera, ...rest] = base.root.children as XmlElement[];
      return { ...base.root, children: [firmas as XmlElement, carrera as XmlElement, institucion as XmlElement, ...rest] };
    },
  },
  {
    code: 'TIT-ATTR-REQUIRED',
    name: 'correoElectronico removed (and re-signed)',
    sepMessage: 'Atributo requerido no encontrado en el nodo Profesionista: correoElectronico',
    root: () => resign(removeAttribute(base.root, 'Profesionista', 'correoElectronico')),
  },
  {
    code: 'TIT-ATTR-UNKNOWN',
    name: 'an attribute SEP does not define',
    sepMessage: 'Atributo no permitido en el nodo Profesionista: fotografia',
    root: () => setAttribute(base.root, 'Profesionista', 'fotografia', 'x.jpg'),
  },
  {
    code: 'TIT-VERSION',
    name: 'version 2.0',
    sepMessage: 'Versión no válida en el nodo TituloElectronico: 2.0',
    root: () => resign(setAttribute(base.root, 'TituloElectronico', 'version', '2.0')),
  },
  {
    code: 'TIT-DATE-FORMAT',
    name: "JAXB's zoned date 2020-03-01-06:00 style (spec §2.1)",
    sepMessage: `Fecha de examen profesional no válida en el nodo Expedicion: ${FECHA_EXAMEN}-06:00`,
    root: () => resign(setAttribute(base.root, 'Expedicion', 'fechaExamenProfesional', `${FECHA_EXAMEN}-06:00`)),
  },
  {
    code: 'TIT-INTEGER-FORMAT',
    name: 'idCargo in roman numerals',
    sepMessage: 'Identificador de cargo no válido en el nodo FirmaResponsables: III',
    root: () => resign(setAttribute(base.root, 'FirmaResponsable', 'idCargo', 'III')),
  },
  {
    code: 'TIT-CURP-FORMAT',
    name: 'the graduate CURP in lowercase',
    sepMessage: `CURP no válida en el nodo Profesionista: ${DEFAULT_PROFESIONISTA.curp.toLowerCase()}`,
    root: () => resign(setAttribute(base.root, 'Profesionista', 'curp', DEFAULT_PROFESIONISTA.curp.toLowerCase())),
  },
  {
    code: 'TIT-EMAIL-FORMAT',
    name: 'an e-mail without @',
    sepMessage: 'Correo electrónico no válido en el nodo Profesionista: juan.perez.example.com',
    root: () => resign(setAttribute(base.root, 'Profesionista', 'correoElectronico', 'juan.perez.example.com')),
  },
  {
    code: 'TIT-SERVICIO-SOCIAL',
    name: 'cumplioServicioSocial SI',
    sepMessage: 'Cumplimiento de servicio social no válido en el nodo Expedicion: SI',
    root: () => resign(setAttribute(base.root, 'Expedicion', 'cumplioServicioSocial', 'SI')),
  },
  {
    code: 'TIT-CAT-CARGO',
    name: "cargo 5 with the workbook's trailing space (spec §5.3 #1)",
    sepMessage: 'Nombre de cargo no válido en el nodo FirmaResponsables: RESPONSABLE DE EXPEDICIÓN ',
    root: () => resign(setAttribute(setAttribute(base.root, 'FirmaResponsable', 'idCargo', '5'), 'FirmaResponsable', 'cargo', 'RESPONSABLE DE EXPEDICIÓN ')),
  },
  {
    code: 'TIT-CAT-AUTORIZACION',
    name: 'a double space in the authorization text',
    sepMessage: 'Nombre de autorización o reconocimiento no válido en el nodo Carrera: RVOE  FEDERAL',
    root: () => resign(setAttribute(base.root, 'Carrera', 'autorizacionReconocimiento', 'RVOE  FEDERAL')),
  },
  {
    code: 'TIT-CAT-MODALIDAD',
    name: 'POSGRADO instead of POSGRADOS',
    sepMessage: 'Nombre de modalidad de titulación no válido en el nodo Expedicion: POR ESTUDIOS DE POSGRADO',
    root: () => {
      let r = setAttribute(base.root, 'Expedicion', 'idModalidadTitulacion', '3');
      r = setAttribute(r, 'Expedicion', 'modalidadTitulacion', 'POR ESTUDIOS DE POSGRADO');
      r = setAttribute(removeAttribute(r, 'Expedicion', 'fechaExamenProfesional'), 'Expedicion', 'fechaExencionExamenProfesional', FECHA_EXAMEN);
      return resign(r);
    },
  },
  {
    code: 'TIT-CAT-FUNDAMENTO',
    name: "fundamento 4 with the workbook's trailing space",
    sepMessage:
      'Nombre de fundamento legal de servicio social no válido en el nodo Expedicion: ART. 10 REGLAMENTO PARA LA PRESTACIÓN DEL SERVICIO SOCIAL DE LOS ESTUDIANTES DE LAS INSTITUCIONES DE EDUCACIÓN SUPERIOR EN LA REPÚBLICA MEXICANA ',
    root: () => {
      const r = setAttribute(base.root, 'Expedicion', 'idFundamentoLegalServicioSocial', '4');
      const text = 'ART. 10 REGLAMENTO PARA LA PRESTACIÓN DEL SERVICIO SOCIAL DE LOS ESTUDIANTES DE LAS INSTITUCIONES DE EDUCACIÓN SUPERIOR EN LA REPÚBLICA MEXICANA ';
      return resign(setAttribute(r, 'Expedicion', 'fundamentoLegalServicioSocial', text));
    },
  },
  {
    code: 'TIT-CAT-ESTUDIO-ANTECEDENTE',
    name: "antecedente 5 with the workbook's trailing space",
    sepMessage: 'Nombre de tipo de estudio antecedente no válido en el nodo Antecedente: EQUIVALENTE A BACHILLERATO ',
    root: () => {
      const r = setAttribute(base.root, 'Antecedente', 'idTipoEstudioAntecedente', '5');
      return resign(setAttribute(r, 'Antecedente', 'tipoEstudioAntecedente', 'EQUIVALENTE A BACHILLERATO '));
    },
  },
  {
    code: 'TIT-CAT-ENTIDAD',
    name: 'a one-digit entity id (spec §5.3 #2)',
    sepMessage: 'Identificador de entidad federativa no válido en el nodo Antecedente: 7',
    root: () => resign(setAttribute(setAttribute(base.root, 'Antecedente', 'idEntidadFederativa', '7'), 'Antecedente', 'entidadFederativa', 'CHIAPAS')),
  },
  {
    code: 'TIT-FECHA-EXAMEN',
    name: 'both the exam and the exemption dates (spec §5.3 #10)',
    sepMessage: `Fecha de exención de examen profesional no válida en el nodo Expedicion: ${FECHA_EXAMEN}`,
    root: () => resign(setAttribute(base.root, 'Expedicion', 'fechaExencionExamenProfesional', FECHA_EXAMEN)),
  },
  {
    code: 'TIT-RVOE',
    name: 'an RVOE federal without numeroRvoe',
    sepMessage: 'Atributo requerido no encontrado en el nodo Carrera: numeroRvoe',
    root: () => resign(removeAttribute(base.root, 'Carrera', 'numeroRvoe')),
  },
  {
    code: 'TIT-CEDULA',
    name: 'a licenciatura antecedent (so a posgrado título) without noCedula',
    sepMessage: 'Atributo requerido no encontrado en el nodo Antecedente: noCedula',
    root: () => resign(setAttribute(setAttribute(base.root, 'Antecedente', 'idTipoEstudioAntecedente', '2'), 'Antecedente', 'tipoEstudioAntecedente', 'LICENCIATURA')),
  },
  {
    code: 'TIT-DATE-ORDER',
    name: 'the exam after the expedición',
    sepMessage: `Fecha de expedición no válida en el nodo Expedicion: ${FECHA_EXPEDICION}`,
    root: () => resign(setAttribute(base.root, 'Expedicion', 'fechaExamenProfesional', TODAY)),
  },
  {
    code: 'TIT-EXPEDICION-FUTURA',
    name: 'issued tomorrow',
    sepMessage: `Fecha de expedición no válida en el nodo Expedicion: ${addDays(TODAY, 1)}`,
    root: () => resign(setAttribute(base.root, 'Expedicion', 'fechaExpedicion', addDays(TODAY, 1))),
  },
  {
    code: 'TIT-INSTITUCION',
    name: "another institution's credentials",
    sepMessage: 'Clave de institución no válida en el nodo Institucion: 090001',
    ctx: () => ctx({ cveInstitucion: '090002' }),
  },
  {
    code: 'TIT-RENAPO-CURP',
    name: 'a CURP unknown to RENAPO',
    sepMessage: 'Validación RENAPO, CURP no válida en el nodo Profesionista: La CURP no se encuentra en la base de datos',
    ctx: () => ctx({ renapo: new Map() }),
  },
  {
    code: 'TIT-RENAPO-NOMBRE',
    name: 'the name in mixed case (spec §5.3 #3)',
    sepMessage: 'Validación RENAPO, nombre no válido en el nodo Profesionista: Juan',
    root: () => resign(setAttribute(base.root, 'Profesionista', 'nombre', 'Juan')),
  },
  {
    code: 'TIT-FOLIO-REGISTRADO',
    name: 'a folio already registered',
    sepMessage: 'Folio de control previamente registrado: FC-000001',
    ctx: () => ctx({ folios: { 'FC-000001': 'registered' } }),
  },
  {
    code: 'TIT-FOLIO-LOTE',
    name: 'a folio registered earlier in the same lote',
    sepMessage: 'Folio de control previamente registrado: FC-000001',
    ctx: () => ctx({ folios: { 'FC-000001': 'registered-in-lote' } }),
  },
  {
    code: 'FIRMA-CERT-PARSE',
    name: 'certificadoResponsable that is not a certificate',
    sepMessage: 'Error Bus criptografico: El certificado de Emisor no ha sido registrado o es inválido',
    root: () => setAttribute(base.root, 'FirmaResponsable', 'certificadoResponsable', Buffer.from('not a certificate').toString('base64')),
  },
  {
    code: 'FIRMA-CERT-KEY',
    name: 'an RSA-1024 key',
    sepMessage: 'Error Bus criptografico: El certificado de Emisor no ha sido registrado o es inválido',
    ...withSigner({ keyBits: 1024 }),
  },
  {
    code: 'FIRMA-CERT-FIEL',
    name: 'a CSD instead of the e.firma',
    sepMessage: 'Error Bus criptografico: El certificado de Emisor no ha sido registrado o es inválido',
    ...withSigner({ kind: 'CSD' }),
  },
  {
    code: 'FIRMA-CERT-NUMERO',
    name: 'another certificate number',
    sepMessage: 'Número de certificado del responsable no válido en el nodo FirmaResponsables: 30001000000500003415',
    root: () => setAttribute(base.root, 'FirmaResponsable', 'noCertificadoResponsable', '30001000000500003415'),
  },
  {
    code: 'FIRMA-CERT-CURP',
    name: "a CURP that is not the certificate's",
    sepMessage: `Error Bus criptografico: La Curp del ${otherCurp} no es igual a: ${signer.curp}`,
    root: () => resign(setAttribute(base.root, 'FirmaResponsable', 'curp', otherCurp)),
  },
  {
    code: 'FIRMA-CERT-REGISTRADO',
    name: 'a certificate nobody registered',
    sepMessage: 'Error Bus criptografico: El certificado de Emisor no ha sido registrado o es inválido',
    ctx: () => context([], { authorities: [authorityCert] }),
  },
  {
    code: 'FIRMA-CERT-VIGENCIA',
    name: 'a certificate expired before fechaExpedicion',
    sepMessage: 'Error Bus criptografico: El certificado de Emisor no ha sido registrado o es inválido',
    ...withSigner({ notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2024-12-31T23:59:59Z') }),
  },
  {
    code: 'FIRMA-SELLO',
    name: 'the name edited after signing (spec §5.3 #4)',
    sepMessage: 'Error Bus criptografico: La Secuencia no ha sido autenticada',
    root: () => setAttribute(base.root, 'Profesionista', 'segundoApellido', 'GARCÍA'),
    ctx: () => ctx({ renapo: new Map([[DEFAULT_PROFESIONISTA.curp, { ...DEFAULT_PROFESIONISTA, segundoApellido: 'GARCÍA' }]]) }),
  },
  {
    code: 'AUT-ATTR',
    name: 'folioDigital that is not a UUID',
    sepMessage: 'Folio digital no válido en el nodo Autenticacion: FOLIO-1',
    root: () => authenticateTitulo(base.root, authority, { folioDigital: 'FOLIO-1' }),
  },
  {
    code: 'AUT-SELLO',
    name: "selloAutenticacion that is another signature",
    sepMessage: 'Error Bus criptografico: La Secuencia no ha sido autenticada',
    root: () => setAttribute(base.root, 'Autenticacion', 'selloAutenticacion', getAttribute(base.root, 'FirmaResponsable', 'sello') ?? ''),
  },
];

t.test('every code of the titulo, firma and autenticacion scopes has a failing case', async (t) => {
  const covered = new Set(CASES.map((c) => c.code));
  for (const [code, info] of Object.entries(CHECK_CODES)) {
    if (['titulo', 'firma', 'autenticacion'].includes(info.scope)) t.ok(covered.has(code as CheckCode), code);
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
  const root = { ...base.root, children: base.root.children.filter((c) => c.name !== 'Antecedente') };
  const outcome = run(root, ctx());
  t.same(errorCodes(outcome.checks), ['TIT-ELEMENT']);
  t.equal(sepMessageOf(outcome.checks), 'Nodo requerido no encontrado en el nodo TituloElectronico: Antecedente');
  t.same([...new Set(outcome.checks.map((c) => c.code))], ['TIT-ROOT', 'TIT-ELEMENT']);
  t.equal(outcome.folioControl, 'FC-000001', 'the folio is still reported for the results sheet');
  t.equal(outcome.profesionista, null);

  const wrongRoot = run({ ...base.root, name: 'Dec' }, ctx());
  t.same(wrongRoot.checks.map((c) => c.code), ['TIT-ROOT']);
  t.equal(wrongRoot.folioControl, null);
});

t.test('the first error in SEP order gives the message when several fail', async (t) => {
  const root = resign(setAttribute(base.root, 'Antecedente', 'idEntidadFederativa', '7'));
  const outcome = run(root, ctx({ renapo: new Map(), folios: { 'FC-000001': 'registered' } }));
  t.same(errorCodes(outcome.checks), ['TIT-CAT-ENTIDAD', 'TIT-FOLIO-REGISTRADO', 'TIT-RENAPO-CURP']);
  t.equal(sepMessageOf(outcome.checks), 'Identificador de entidad federativa no válido en el nodo Antecedente: 7');
  const order = errorsOf(outcome.checks).map((c) => c.code);
  t.same(order, ['TIT-CAT-ENTIDAD', 'TIT-RENAPO-CURP', 'TIT-FOLIO-REGISTRADO'], 'catalogs, then RENAPO, then folio');
});

t.test('the serialized título parses and passes end to end', async (t) => {
  const xml = tituloXml(base.root);
  const parsed = parseSafeXml(Buffer.from(xml, 'utf8'));
  t.ok(parsed.ok, 'parses');
  if (!parsed.ok) return;
  t.same(errorsOf(run(parsed.root, ctx()).checks), []);
  t.equal(getElement(parsed.root, 'Autenticacion').namespace, 'https://www.siged.sep.gob.mx/titulos/');
});
