import t from 'tap';
import {
  CARGOS_DEC,
  GENEROS,
  NIVELES_ESTUDIOS,
  OBSERVACIONES,
  TIPOS_ASIGNATURA,
  TIPOS_CERTIFICACION,
  TIPOS_CERTIFICADO,
  TIPOS_PERIODO,
  lookupEntidadDec,
  lookupObservacion,
  observacionIds,
} from '../../../src/domain/catalogs/certificados.js';
import { CARGOS } from '../../../src/domain/catalogs/titulos.js';

const ALL = [TIPOS_CERTIFICADO, TIPOS_CERTIFICACION, TIPOS_PERIODO, NIVELES_ESTUDIOS, GENEROS, TIPOS_ASIGNATURA, OBSERVACIONES, CARGOS_DEC];

t.test('every catalog says where it comes from; ids are canonical integers; texts are trimmed', async (t) => {
  for (const cat of ALL) {
    t.ok(cat.version && cat.source, `${cat.name} source`);
    for (const e of cat.entries.values()) {
      t.match(e.id, /^(?:0|[1-9][0-9]*)$/, `${cat.name} ${e.id}`);
      t.equal(e.text, e.text.trim(), `${cat.name} ${e.id} text`);
    }
  }
});

t.test('§3 ids and texts', async (t) => {
  t.same([...TIPOS_CERTIFICADO.entries.keys()], ['5']);
  t.same([...TIPOS_CERTIFICACION.entries.values()].map((e) => `${e.id} ${e.text}`), ['79 TOTAL', '80 PARCIAL']);
  t.same([...TIPOS_PERIODO.entries.keys()], ['91', '92', '93', '94', '260', '261', '262']);
  t.equal(TIPOS_PERIODO.entries.get('93')?.text, 'CUATRIMESTRE', 'not BIMESTRE (S6)');
  t.same([...NIVELES_ESTUDIOS.entries.keys()], ['81', '82', '83', '84', '85', '95']);
  t.same([...GENEROS.entries.values()].map((e) => `${e.id} ${e.text}`), ['250 MUJER', '251 HOMBRE']);
  t.same([...TIPOS_ASIGNATURA.entries.values()].map((e) => e.text), ['OBLIGATORIA', 'OPTATIVA', 'ADICIONAL', 'COMPLEMENTARIA'], 'no asterisks in the text');
  t.equal(TIPOS_ASIGNATURA.entries.get('266')?.printed, '**COMPLEMENTARIA');
  t.same([...CARGOS_DEC.entries.keys()], ['1', '2', '3', '4', '5']);
  for (const e of CARGOS_DEC.entries.values()) t.equal(CARGOS.entries.get(e.id)?.text, e.text, 'same texts as the títulos cargos');
});

t.test('observaciones: 17 ids, three selectable versions', async (t) => {
  t.equal(OBSERVACIONES.entries.size, 17);
  t.equal(OBSERVACIONES.entries.get('103')?.status, 'possibly-withdrawn');
  t.same([...OBSERVACIONES.entries.values()].filter((e) => e.status === 'newer').map((e) => e.id), ['106', '107']);
  t.equal(observacionIds('all').length, 17);
  t.notOk(observacionIds('current').includes('103'));
  t.ok(observacionIds('current').includes('107'));
  t.same(
    observacionIds('without-newer').filter((id) => Number(id) >= 100),
    ['100', '101', '102', '103', '104', '105'],
  );
  t.equal(lookupObservacion('100', 'all')?.text, 'NORMAL / ORDINARIO');
  t.equal(lookupObservacion('79', 'all'), undefined);
});

t.test('entidades are the títulos catalog: two digits, 33 only when allowed', async (t) => {
  t.equal(lookupEntidadDec('15', false)?.text, 'MÉXICO');
  t.equal(lookupEntidadDec('09', false)?.text, 'CIUDAD DE MÉXICO');
  t.equal(lookupEntidadDec('9', false), undefined);
  t.equal(lookupEntidadDec('33', false), undefined);
  t.equal(lookupEntidadDec('33', true)?.text, 'EXTRANJERO');
  t.equal(lookupEntidadDec('34', true), undefined);
});
