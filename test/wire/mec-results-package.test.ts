import t from 'tap';
import * as XLSX from '@e965/xlsx';
import { buildMecResultsPackage } from '../../src/wire/mec/results-package.js';
import { readZipEntries } from '../support/zip-entries.js';

const UUID = '0f8e3b1a-4c2d-4e5f-8a9b-1c2d3e4f5a6b';

t.test('sheet rows per certificate, sealed XMLs under their uploaded names', async (t) => {
  const zip = await buildMecResultsPackage(300007, [
    { position: 0, archivo: 'Alumno Ñ.xml', folioControl: '../../x', errors: [] },
    { position: 1, archivo: 'b.xml', folioControl: '0001', errors: ['Calificación no válida en el nodo Asignatura: 9.5', 'Promedio no válido en el nodo Asignaturas: 8.55'] },
  ], [{ position: 0, folioDigital: UUID, xml: Buffer.from('<Dec folioControl="../../x"/>') }]);
  const entries = await readZipEntries(zip);
  t.same(entries.map((e) => e.name), ['ResultadoCargaCertificados300007.xls', 'Alumno Ñ.xml'], 'named by the uploaded file, never by folioControl');
  t.equal(entries[1]?.data.toString(), '<Dec folioControl="../../x"/>');
  const sheet = XLSX.read(entries[0]!.data, { type: 'buffer' }).Sheets['Resultado']!;
  t.same(XLSX.utils.sheet_to_json(sheet, { header: 1, raw: true }), [
    ['ARCHIVO', 'ESTATUS', 'DESCRIPCION', 'FOLIO CONTROL'],
    ['Alumno Ñ.xml', 'SATISFACTORIO', `Certificado electrónico autenticado exitosamente con folio digital ${UUID}`, '../../x'],
    ['b.xml', 'ERROR', 'Calificación no válida en el nodo Asignatura: 9.5 | Promedio no válido en el nodo Asignaturas: 8.55', '0001'],
  ]);
  t.equal(sheet['D3']?.t, 's', 'folio 0001 stays text');
});

t.test('a lone XML uploaded under a name that is not a flat *.xml name', async (t) => {
  const zip = await buildMecResultsPackage(1, [{ position: 0, archivo: 'carpeta/certificado', folioControl: 'F1', errors: [] }],
    [{ position: 0, folioDigital: UUID, xml: Buffer.from('<Dec/>') }]);
  t.same((await readZipEntries(zip)).map((e) => e.name), ['ResultadoCargaCertificados1.xls', 'certificado-1.xml']);
});

t.test('nothing authenticated: the sheet alone', async (t) => {
  const zip = await buildMecResultsPackage(2, [{ position: 0, archivo: 'lote.zip', folioControl: '', errors: ['Archivo no válido: el archivo ZIP está dañado o no se puede leer'] }], []);
  const entries = await readZipEntries(zip);
  t.same(entries.map((e) => e.name), ['ResultadoCargaCertificados2.xls']);
});
