import t from 'tap';
import { describeTextDifference } from '../../../src/domain/titulos/catalog-checks.js';
import { setAttribute } from '../../support/titulo-fixture.js';
import { assertOnly, build, context, errorCodes, mintSigner, run } from './setup.js';

const signer = mintSigner();
const base = build([signer]);
const ctx = context([signer]);
const set = (path: string, values: Record<string, string>) => {
  let root = base.root;
  for (const [name, value] of Object.entries(values)) root = setAttribute(root, path, name, value);
  return base.resign(root);
};

t.test('cargo with a trailing space: expected and found make the space visible', async (t) => {
  const r = assertOnly(
    t,
    run(set('FirmaResponsable', { idCargo: '5', cargo: 'RESPONSABLE DE EXPEDICIÓN ' }), ctx),
    'TIT-CAT-CARGO',
    'Nombre de cargo no válido en el nodo FirmaResponsables: RESPONSABLE DE EXPEDICIÓN ',
  );
  t.equal(r.expected, 'RESPONSABLE DE EXPEDICIÓN');
  t.equal(r.found, 'RESPONSABLE DE EXPEDICIÓN ');
  t.equal(r.attribute, 'cargo');
  t.match(r.explanation, 'differs only by leading or trailing spaces');
  t.same(errorCodes(run(set('FirmaResponsable', { idCargo: '5', cargo: 'RESPONSABLE DE EXPEDICIÓN' }), ctx).checks), []);
});

t.test('a cargo id outside the catalog', async (t) => {
  const r = assertOnly(t, run(set('FirmaResponsable', { idCargo: '12' }), ctx), 'TIT-CAT-CARGO', 'Identificador de cargo no válido en el nodo FirmaResponsables: 12');
  t.equal(r.attribute, 'idCargo');
  t.equal(r.expected, '0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11');
});

t.test('the uncertain cargos 0 and 11 pass with a warning', async (t) => {
  const outcome = run(set('FirmaResponsable', { idCargo: '0', cargo: 'SECRETARIO DE EDUCACIÓN PÚBLICA' }), ctx);
  t.same(errorCodes(outcome.checks), []);
  const cargo = outcome.checks.find((c) => c.code === 'TIT-CAT-CARGO');
  t.equal(cargo?.status, 'warning');
  t.match(cargo?.explanation, 'cargo 0');
});

t.test('an id matches its own text only', async (t) => {
  assertOnly(t, run(set('FirmaResponsable', { idCargo: '1' }), ctx), 'TIT-CAT-CARGO', 'Nombre de cargo no válido en el nodo FirmaResponsables: RECTOR');
});

t.test('entities: one digit, 33 in Expedicion, 33 in Antecedente, a leading space', async (t) => {
  const one = assertOnly(
    t,
    run(set('Antecedente', { idEntidadFederativa: '7', entidadFederativa: 'CHIAPAS' }), ctx),
    'TIT-CAT-ENTIDAD',
    'Identificador de entidad federativa no válido en el nodo Antecedente: 7',
  );
  t.equal(one.found, '7');
  t.match(one.expected, /^01, 02, .*, 32, 33$/);

  const abroad = assertOnly(
    t,
    run(set('Expedicion', { idEntidadFederativa: '33', entidadFederativa: 'EXTRANJERO' }), ctx),
    'TIT-CAT-ENTIDAD',
    'Identificador de entidad federativa no válido en el nodo Expedicion: 33',
  );
  t.notMatch(abroad.expected, '33', 'EXTRANJERO is not offered for Expedicion');

  t.same(errorCodes(run(set('Antecedente', { idEntidadFederativa: '33', entidadFederativa: 'EXTRANJERO' }), ctx).checks), []);

  const leading = assertOnly(
    t,
    run(set('Expedicion', { idEntidadFederativa: '15', entidadFederativa: ' MÉXICO' }), ctx),
    'TIT-CAT-ENTIDAD',
    'Nombre de entidad federativa no válido en el nodo Expedicion:  MÉXICO',
  );
  t.equal(leading.expected, 'MÉXICO');
});

t.test('texts are compared exactly: accents and case count', async (t) => {
  const noAccent = assertOnly(
    t,
    run(set('Expedicion', { entidadFederativa: 'CIUDAD DE MEXICO' }), ctx),
    'TIT-CAT-ENTIDAD',
    'Nombre de entidad federativa no válido en el nodo Expedicion: CIUDAD DE MEXICO',
  );
  t.match(noAccent.explanation, 'differs only in accents');
  const lower = assertOnly(t, run(set('Carrera', { autorizacionReconocimiento: 'Rvoe Federal' }), ctx), 'TIT-CAT-AUTORIZACION', 'Nombre de autorización o reconocimiento no válido en el nodo Carrera: Rvoe Federal');
  t.match(lower.explanation, 'differs only in letter case');
});

t.test('ids of the other catalogs', async (t) => {
  assertOnly(t, run(set('Carrera', { idAutorizacionReconocimiento: '10' }), ctx), 'TIT-CAT-AUTORIZACION', 'Identificador de autorización o reconocimiento no válido en el nodo Carrera: 10');
  assertOnly(t, run(set('Expedicion', { idFundamentoLegalServicioSocial: '6' }), ctx), 'TIT-CAT-FUNDAMENTO', 'Identificador de fundamento legal de servicio social no válido en el nodo Expedicion: 6');
  assertOnly(t, run(set('Antecedente', { idTipoEstudioAntecedente: '7' }), ctx), 'TIT-CAT-ESTUDIO-ANTECEDENTE', 'Identificador de tipo de estudio antecedente no válido en el nodo Antecedente: 7');
  const modalidad = run(set('Expedicion', { idModalidadTitulacion: '7' }), ctx);
  t.same(errorCodes(modalidad.checks), ['TIT-CAT-MODALIDAD'], 'the exam date alone still satisfies "exactly one date"');
});

t.test('a non-integer id is a format error only: the catalog check is skipped', async (t) => {
  const outcome = run(set('Carrera', { idAutorizacionReconocimiento: 'uno' }), ctx);
  t.same(errorCodes(outcome.checks), ['TIT-INTEGER-FORMAT']);
  t.equal(outcome.checks.find((c) => c.code === 'TIT-CAT-AUTORIZACION')?.status, 'skipped');
});

t.test('describeTextDifference', async (t) => {
  t.equal(describeTextDifference('RECTOR', 'RECTOR '), 'differs only by leading or trailing spaces');
  t.equal(describeTextDifference('MÉXICO', 'méxico'), 'differs only in letter case');
  t.equal(describeTextDifference('MÉXICO', 'MEXICO'), 'differs only in accents');
  t.equal(describeTextDifference('MÉXICO', 'JALISCO'), 'differs from the catalog text');
});
