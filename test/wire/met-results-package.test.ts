import t from 'tap';
import yauzl from 'yauzl';
import * as XLSX from '@e965/xlsx';
import type { ResultRow } from '../../src/titulos/met-service.js';
import { buildResultsPackage, buildResultsXls } from '../../src/wire/met/results-package.js';

interface Entry { readonly name: string; readonly compressionMethod: number; readonly data: Buffer }

function unzip(zip: Buffer): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) { reject(err ?? new Error('no zip')); return; }
      const out: Entry[] = [];
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) { reject(e ?? new Error('no stream')); return; }
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.push({ name: entry.fileName, compressionMethod: entry.compressionMethod, data: Buffer.concat(chunks) });
            file.readEntry();
          });
        });
      });
      file.on('end', () => resolve(out));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

/** The BIFF version and substream type from the BOF record at the start of the Workbook stream. */
function workbookBof(xls: Buffer): { vers: number; dt: number } {
  const cfb = XLSX.CFB.read(xls, { type: 'buffer' }) as { FileIndex: Array<{ name: string; content: Uint8Array }> };
  const wb = cfb.FileIndex.find((e) => e.name === 'Workbook');
  if (!wb) throw new Error('no Workbook stream');
  const b = Buffer.from(wb.content);
  return { vers: b.readUInt16LE(4), dt: b.readUInt16LE(6) };
}

function rowsOf(n: number): ResultRow[] {
  return Array.from({ length: n }, (_, i) => ({
    archivo: `titulo_${i}.xml`,
    estatus: (i % 3 === 0 ? 2 : 1) as 1 | 2,
    descripcion: i % 3 === 0 ? `Folio de control previamente registrado: ${String(i).padStart(4, '0')}` : 'Título electrónico registrado exitosamente',
    folioControl: String(i).padStart(4, '0'),
  }));
}

t.test('SEP-shaped package: one root entry ResultadoCargaTitulos<N>.xls, BIFF8, sheet Resultado', async (t) => {
  const rows: ResultRow[] = [
    { archivo: 'abc.xml', estatus: 2, descripcion: 'Folio de control previamente registrado: 0001', folioControl: '0001' },
    { archivo: 'NIÑO Ñandú.xml', estatus: 1, descripcion: 'Título electrónico registrado exitosamente', folioControl: 'CBGE17028750' },
    { archivo: '14-060521.zip', estatus: 2, descripcion: 'Paquete inválido', folioControl: '' },
  ];
  const zip = await buildResultsPackage(143041, rows);
  const entries = await unzip(zip);
  t.equal(entries.length, 1);
  const entry = entries[0];
  if (!entry) return;
  t.equal(entry.name, 'ResultadoCargaTitulos143041.xls');
  t.equal(entry.compressionMethod, 8, 'deflate');
  t.same([...entry.data.subarray(0, 8)], [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 'OLE2 compound file');
  t.same(workbookBof(entry.data), { vers: 0x0600, dt: 0x0005 }, 'BIFF8 workbook globals');

  const wb = XLSX.read(entry.data, { type: 'buffer' });
  t.same(wb.SheetNames, ['Resultado']);
  t.equal(wb.Props?.Author, 'weblogic');
  t.equal(wb.Props?.LastAuthor, 'weblogic');
  const ws = wb.Sheets['Resultado'];
  if (!ws) return;
  t.equal(ws['!ref'], 'A1:D4');
  t.same(['A1', 'B1', 'C1', 'D1'].map((a) => ws[a]?.v), ['ARCHIVO', 'ESTATUS', 'DESCRIPCION', 'FOLIO CONTROL']);
  t.same(XLSX.utils.sheet_to_json(ws, { header: 1, raw: true }).slice(1), [
    ['abc.xml', 2, 'Folio de control previamente registrado: 0001', '0001'],
    ['NIÑO Ñandú.xml', 1, 'Título electrónico registrado exitosamente', 'CBGE17028750'],
    ['14-060521.zip', 2, 'Paquete inválido', ''],
  ]);
  t.equal(ws['B2']?.t, 'n', 'ESTATUS is a NUMBER cell');
  t.equal(ws['B2']?.v, 2);
  t.equal(ws['D2']?.t, 's', 'folio 0001 stays a text cell');
  t.equal(ws['D2']?.v, '0001');
  t.equal(ws['A3']?.t, 's');
});

t.test('long and non-Latin-1 strings survive the SST CONTINUE split', async (t) => {
  const long = 'Validación RENAPO, nombre no válido en el nodo Profesionista: ' + 'ÑÁÉ€'.repeat(3000);
  const rows: ResultRow[] = [...rowsOf(500), { archivo: 'x'.repeat(9000), estatus: 2, descripcion: long, folioControl: '€1' }];
  const wb = XLSX.read(buildResultsXls(rows), { type: 'buffer' });
  const ws = wb.Sheets['Resultado'];
  t.equal(ws?.['A502']?.v, 'x'.repeat(9000));
  t.equal(ws?.['C502']?.v, long);
  t.equal(ws?.['D502']?.v, '€1');
  t.equal(ws?.['D501']?.v, '0499');
  t.equal(ws?.['B501']?.v, 1);
});

// Sizes only: speed is the benchmark's business (npm run bench), never a timed unit test.
t.test('1,000 and 20,000 rows are written whole', async (t) => {
  for (const n of [1000, 20000]) {
    const rows = rowsOf(n);
    const xls = buildResultsXls(rows);
    const zip = await buildResultsPackage(1, rows);
    t.ok(zip.length < xls.length, `the package deflates the sheet (${xls.length} → ${zip.length} bytes)`);
    const ws = XLSX.read(xls, { type: 'buffer' }).Sheets['Resultado'];
    t.equal(ws?.['!ref'], `A1:D${n + 1}`);
    t.equal(ws?.[`D${n + 1}`]?.v, String(n - 1).padStart(4, '0'));
  }
});

t.test('more rows than BIFF8 holds is refused', async (t) => {
  t.throws(() => buildResultsXls(new Array<ResultRow>(65536).fill({ archivo: 'a', estatus: 1, descripcion: 'd', folioControl: 'f' })), RangeError);
});
