import t from 'tap';
import { cadenaFields, cadenaOriginal, type CadenaDec } from '../../../src/domain/certificados/cadena.js';
import { readDec } from '../../../src/domain/certificados/model.js';
import { checkStructure } from '../../../src/domain/certificados/structure.js';
import type { XmlElement } from '../../../src/intake/xml-tree.js';
import { defaultPlan, fixtureCadena, removeAttribute, setAttribute } from '../../support/dec-fixture.js';
import { build, mintSigner } from './setup.js';

/** The illustrative 3.0 cadena of spec mec-certificados.md §2.6, with its trailing `|…` (more subjects) cut. */
const SPEC_2_6 =
  '||3.0|5|20585|20585|150840|15|<CURP-RESP>|1|20140252|2014-08-29T00:00:00|5|91|2014|81|5|10|6.00|<MATRICULA>|<CURP-ALUMNO>|<NOMBRE>|<AP1>|<AP2>|250|1982-06-23T00:00:00|79|2020-03-06T00:00:00|15|49|49|9.36|306.25|306.25|8|315|2015-2|9.00|263|6.25|316|2015-2|10|263|6.25||';

const SAMPLE: CadenaDec = {
  version: '3.0',
  tipoCertificado: '5',
  servicioFirmante: { idEntidad: '20585' },
  ipes: { idNombreInstitucion: '20585', idCampus: '150840', idEntidadFederativa: '15' },
  responsable: { curp: '<CURP-RESP>', idCargo: '1' },
  rvoe: { numero: '20140252', fechaExpedicion: '2014-08-29T00:00:00' },
  carrera: {
    idCarrera: '5',
    idTipoPeriodo: '91',
    clavePlan: '2014',
    idNivelEstudios: '81',
    calificacionMinima: '5',
    calificacionMaxima: '10',
    calificacionMinimaAprobatoria: '6.00',
  },
  alumno: {
    numeroControl: '<MATRICULA>',
    curp: '<CURP-ALUMNO>',
    nombre: '<NOMBRE>',
    primerApellido: '<AP1>',
    segundoApellido: '<AP2>',
    idGenero: '250',
    fechaNacimiento: '1982-06-23T00:00:00',
  },
  expedicion: { idTipoCertificacion: '79', fecha: '2020-03-06T00:00:00', idLugarExpedicion: '15' },
  asignaturas: { total: '49', asignadas: '49', promedio: '9.36', totalCreditos: '306.25', creditosObtenidos: '306.25', numeroCiclos: '8' },
  subjects: [
    { node: 'Asignatura[1]', idAsignatura: '315', ciclo: '2015-2', calificacion: '9.00', idTipoAsignatura: '263', creditos: '6.25' },
    { node: 'Asignatura[2]', idAsignatura: '316', ciclo: '2015-2', calificacion: '10', idTipoAsignatura: '263', creditos: '6.25' },
  ],
};

function model(root: XmlElement) {
  const elements = checkStructure(root, []);
  if (elements === null) throw new Error('unreadable');
  return readDec(elements);
}

t.test("the golden cadena: spec §2.6's sample values give its illustrative cadena", async (t) => {
  t.equal(cadenaOriginal(SAMPLE), SPEC_2_6);
  const fields = cadenaFields(SAMPLE);
  t.equal(fields.length, 33 + 2 * 5, '33 header fields and 5 per subject');
  t.same(fields[2], { node: 'ServicioFirmante', attribute: 'idEntidad', value: '20585' }, '#3 is new in 3.0');
  t.same(fields[32], { node: 'Asignaturas', attribute: 'numeroCiclos', value: '8' }, '#33 is new in 3.0');
});

t.test('an absent segundoApellido keeps its empty slot', async (t) => {
  const cadena = cadenaOriginal({ ...SAMPLE, alumno: { ...SAMPLE.alumno, segundoApellido: undefined } });
  t.match(cadena, '|<NOMBRE>|<AP1>||250|');
  t.equal(cadena.split('|').length, SPEC_2_6.split('|').length);
});

t.test("src's cadena and the fixture's independent one agree on a built DEC", async (t) => {
  const signer = mintSigner();
  const dec = build(signer, { plan: defaultPlan({ subjects: 50 }) });
  const d = model(dec.root);
  t.equal(cadenaOriginal(d), fixtureCadena(dec.root));
  t.equal(cadenaFields(d).length, 33 + 50 * 5);
  const cadena = cadenaOriginal(d);
  t.ok(cadena.startsWith(`||3.0|5|20585|20585|150840|15|${signer.curp}|1|20140252|2014-08-29T00:00:00|5|91|2014|81|5|10|6.00|20150001|`));
  t.ok(cadena.endsWith('|10|266|7.50||'), 'the last subject is the complementaria, graded 10');
});

t.test('descriptive texts, idObservaciones, foto and firmaAutografa never enter the cadena', async (t) => {
  const dec = build(mintSigner());
  const before = cadenaOriginal(model(dec.root));
  let root = setAttribute(dec.root, 'Carrera', 'nombreCarrera', 'OTRA');
  root = setAttribute(root, 'Asignatura[1]', 'idObservaciones', '71');
  root = setAttribute(root, 'Alumno', 'foto', 'abc');
  root = setAttribute(root, 'Alumno', 'firmaAutografa', 'def');
  root = removeAttribute(root, 'Ipes', 'nombreInstitucion');
  t.equal(cadenaOriginal(model(root)), before);
  t.not(cadenaOriginal(model(setAttribute(dec.root, 'Asignatura[1]', 'ciclo', '2019-2'))), before, 'a cadena field does change it');
});

t.test('values go in exactly as written: no trimming', async (t) => {
  const cadena = cadenaOriginal({ ...SAMPLE, alumno: { ...SAMPLE.alumno, nombre: ' JUAN ' } });
  t.match(cadena, '|<CURP-ALUMNO>| JUAN |<AP1>|');
});
