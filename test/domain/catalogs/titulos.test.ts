import t from 'tap';
import {
  AUTORIZACIONES,
  CARGOS,
  ENTIDADES,
  ESTUDIOS_ANTECEDENTE,
  FUNDAMENTOS_SERVICIO_SOCIAL,
  MODALIDADES,
  MOTIVOS_CANCELACION,
  integerIdKey,
  lookupEntidad,
  lookupInteger,
  lookupMotivoCancelacion,
} from '../../../src/domain/catalogs/titulos.js';

const ALL = [CARGOS, AUTORIZACIONES, MODALIDADES, FUNDAMENTOS_SERVICIO_SOCIAL, ESTUDIOS_ANTECEDENTE, ENTIDADES, MOTIVOS_CANCELACION];

t.test('no catalog text carries the workbook stray spaces', async (t) => {
  for (const cat of ALL) {
    t.ok(cat.version && cat.source, `${cat.name} says where it comes from`);
    for (const e of cat.entries.values()) t.equal(e.text, e.text.trim(), `${cat.name} ${e.id}`);
  }
  t.equal(CARGOS.entries.get('5')?.text, 'RESPONSABLE DE EXPEDICIÓN');
  t.equal(ESTUDIOS_ANTECEDENTE.entries.get('5')?.text, 'EQUIVALENTE A BACHILLERATO');
  t.match(FUNDAMENTOS_SERVICIO_SOCIAL.entries.get('4')?.text, /REPÚBLICA MEXICANA$/);
});

t.test('catalog sizes and the spelling traps', async (t) => {
  t.equal(CARGOS.entries.size, 12);
  t.equal(AUTORIZACIONES.entries.size, 9);
  t.equal(MODALIDADES.entries.size, 6);
  t.equal(FUNDAMENTOS_SERVICIO_SOCIAL.entries.size, 5);
  t.equal(ESTUDIOS_ANTECEDENTE.entries.size, 6);
  t.equal(ENTIDADES.entries.size, 33);
  t.equal(MOTIVOS_CANCELACION.entries.size, 6);
  t.equal(MODALIDADES.entries.get('3')?.text, 'POR ESTUDIOS DE POSGRADOS');
  t.equal(ESTUDIOS_ANTECEDENTE.entries.get('3')?.text, 'TÉCNICO SUPERIOR UNIVERSITARIO');
  t.equal(ENTIDADES.entries.get('09')?.text, 'CIUDAD DE MÉXICO');
  t.equal(ENTIDADES.entries.get('15')?.text, 'MÉXICO');
});

t.test('cargos 0 and 11 are flagged as uncertain, the others are not', async (t) => {
  const uncertain = [...CARGOS.entries.values()].filter((e) => e.uncertain).map((e) => e.id);
  t.same(uncertain, ['0', '11']);
});

t.test('each modalidad says which date it calls for', async (t) => {
  t.equal(MODALIDADES.entries.get('1')?.fecha, 'fechaExamenProfesional');
  for (const id of ['2', '3', '4', '5', '6']) t.equal(MODALIDADES.entries.get(id)?.fecha, 'fechaExencionExamenProfesional', id);
});

t.test('integer ids are read as xs:integer', async (t) => {
  t.equal(integerIdKey('3'), '3');
  t.equal(integerIdKey('03'), '3');
  t.equal(integerIdKey('+3'), '3');
  t.equal(integerIdKey('0'), '0');
  t.equal(integerIdKey('000'), '0');
  t.equal(integerIdKey('-0'), '0');
  t.equal(integerIdKey('-2'), '-2');
  t.equal(integerIdKey('3 '), undefined);
  t.equal(integerIdKey('III'), undefined);
  t.equal(integerIdKey(''), undefined);
  t.equal(lookupInteger(CARGOS, '03')?.text, 'RECTOR');
  t.equal(lookupInteger(CARGOS, '12'), undefined);
});

t.test('entity ids are two-character strings; 33 only for Antecedente', async (t) => {
  t.equal(lookupEntidad('07', 'Antecedente')?.text, 'CHIAPAS');
  t.equal(lookupEntidad('7', 'Antecedente'), undefined);
  t.equal(lookupEntidad('33', 'Antecedente')?.text, 'EXTRANJERO');
  t.equal(lookupEntidad('33', 'Expedicion'), undefined);
  t.equal(lookupEntidad('32', 'Expedicion')?.text, 'ZACATECAS');
  t.equal(lookupEntidad('34', 'Antecedente'), undefined);
});

t.test('motivos de cancelación by code', async (t) => {
  t.equal(lookupMotivoCancelacion('R3')?.text, 'CAMBIO Y MODIFICACIÓN AL NOMBRE');
  t.equal(lookupMotivoCancelacion('C1')?.text, 'CAUSA IMPUTABLE AL PROFESIONISTA');
  t.equal(lookupMotivoCancelacion('O1'), undefined);
  t.equal(lookupMotivoCancelacion('1'), undefined);
});
