/**
 * Reading untrusted plan-layout uploads: real .xlsx workbooks written with SheetJS, hostile zips
 * written byte by byte, and JSON. Every failure is a clear RowError; nothing throws or rejects.
 */
import { deflateRawSync } from 'node:zlib';
import t from 'tap';
import * as XLSX from '@e965/xlsx';
import type { PlanSheet, PlanSource } from '../../src/domain/planes/import-plan.js';
import type { RowError } from '../../src/domain/planes/plan-errors.js';
import {
  DEFAULT_PLAN_WORKBOOK_LIMITS, numberText, planSourceFromJson, readPlanJson, readPlanUpload, readPlanWorkbook, serialToIsoDate,
} from '../../src/intake/plan-workbook.js';
import type { PlanReadResult, PlanWorkbookLimits } from '../../src/intake/plan-workbook.js';
import { layoutJson, layoutSheets, layoutWorkbook, planWorkbook, samplePlans } from '../support/plan-workbook.js';
import type { LayoutSheets } from '../support/plan-workbook.js';
import { honestZip, rawZip } from './zip-builders.js';

const limits = (overrides: Partial<PlanWorkbookLimits>): PlanWorkbookLimits => ({ ...DEFAULT_PLAN_WORKBOOK_LIMITS, ...overrides });

function source(result: PlanReadResult): PlanSource {
  if (!result.ok) throw new Error(`expected a source, got ${JSON.stringify(result.errors)}`);
  return result.source;
}

function failure(result: PlanReadResult): RowError {
  if (result.ok) throw new Error('expected the reading to fail');
  if (result.errors.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(result.errors)}`);
  return result.errors[0]!;
}

function sheet(src: PlanSource, name: string): PlanSheet {
  const found = src.sheets.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no sheet ${name}`);
  return found;
}

/** A workbook written by SheetJS from raw worksheets. */
function rawWorkbook(sheets: Record<string, XLSX.WorkSheet>, date1904 = false): Buffer {
  const wb = XLSX.utils.book_new();
  for (const [name, ws] of Object.entries(sheets)) XLSX.utils.book_append_sheet(wb, ws, name);
  if (date1904) wb.Workbook = { WBProps: { date1904: true } };
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

/** Rewrites one part of an .xlsx (SheetJS's CFB zip writer). */
function editPart(xlsx: Buffer, path: string, edit: (xml: string) => string): Buffer {
  const zip = XLSX.CFB.read(xlsx, { type: 'buffer' });
  const entry = XLSX.CFB.find(zip, path);
  if (entry === null) throw new Error(`no part ${path}`);
  entry.content = Buffer.from(edit(Buffer.from(entry.content as Uint8Array).toString('utf8')), 'utf8');
  return XLSX.CFB.write(zip, { type: 'buffer', fileType: 'zip' }) as Buffer;
}

// ------------------------------------------------------------------ valid input

t.test('an .xlsx is read into the layout sheets only, with Excel row numbers', async (t) => {
  const src = source(await readPlanWorkbook(planWorkbook()));
  t.equal(src.format, 'xlsx');
  t.strictSame(src.sheetNames, ['ENTIDAD FEDERATIVA', 'TIPO ASIGNATURA', 'CARRERAS', 'NUMERO DE RVOE', 'ASIGNATURAS', 'PROGRAMAS DE ESTUDIO', 'PLANES']);
  t.strictSame(src.sheets.map((s) => s.name), ['CARRERAS', 'NUMERO DE RVOE', 'ASIGNATURAS', 'PROGRAMAS DE ESTUDIO', 'PLANES']);
  const rvoe = sheet(src, 'NUMERO DE RVOE');
  t.strictSame(rvoe.headers, ['NO_RVOE', 'FECHA_RVOE', 'CALIF_MINIMA', 'CALIF_MAXIMA', 'MINIMA_APROBATORIA', 'ID_CARRERA', 'ACUERDO']);
  t.strictSame(rvoe.rows.map((r) => [r.sheet, r.row, { ...r.cells }]), [
    ['NUMERO DE RVOE', 2, { NO_RVOE: '20140252', FECHA_RVOE: '2014-08-29', CALIF_MINIMA: '5', CALIF_MAXIMA: '10', MINIMA_APROBATORIA: '6', ID_CARRERA: '1' }],
    ['NUMERO DE RVOE', 3, { NO_RVOE: 'ACUERDO 1980', FECHA_RVOE: '1980-05-12', CALIF_MINIMA: '5', CALIF_MAXIMA: '10', MINIMA_APROBATORIA: '7', ID_CARRERA: '2' }],
  ]);
  t.strictSame(src.cellErrors, []);
});

t.test('cell values: numbers without float noise or exponent, dates from date cells, text as typed', async (t) => {
  const ws: XLSX.WorkSheet = {
    A1: { t: 's', v: ' ID_CARRERA ' }, B1: { t: 's', v: 'CREDITOS' }, C1: { t: 's', v: 'FECHA_RVOE' }, D1: { t: 's', v: 'DESCRIPCION' },
    E1: { t: 's', v: '__proto__' }, G1: { t: 's', v: 'CLAVE_PLAN' },
    A2: { t: 'n', v: 6, z: '0.00' }, B2: { t: 'n', v: 0.1 + 0.2 }, C2: { t: 'n', v: 41880, z: 'dd/mm/yyyy' }, D2: { t: 's', v: '  DERECHO  ' },
    E2: { t: 's', v: 'x' }, F2: { t: 's', v: 'no header: ignored' }, G2: { t: 'b', v: true },
    A3: { t: 'n', v: 1e21 }, B3: { t: 'n', v: 6.25 }, C3: { t: 'n', v: 41880.75, z: 'yyyy-mm-dd hh:mm' }, D3: { t: 'n', v: 1.5e-7 },
    // row 4 blank: skipped, row numbers kept
    A5: { t: 'n', v: -0 }, B5: { t: 'n', v: 8.5, z: '0.00' }, C5: { t: 'n', v: 1, z: 'yyyy-mm-dd' }, D5: { t: 'n', v: 20140252 },
    '!ref': 'A1:G5',
  };
  const src = source(await readPlanWorkbook(rawWorkbook({ CARRERAS: ws })));
  const s = sheet(src, 'CARRERAS');
  t.strictSame(s.headers, ['ID_CARRERA', 'CREDITOS', 'FECHA_RVOE', 'DESCRIPCION', '__proto__', 'CLAVE_PLAN']);
  t.strictSame(s.rows.map((r) => [r.row, { ...r.cells }]), [
    [2, { ID_CARRERA: '6', CREDITOS: '0.3', FECHA_RVOE: '2014-08-29', DESCRIPCION: '  DERECHO  ', ['__proto__']: 'x', CLAVE_PLAN: 'TRUE' }],
    [3, { ID_CARRERA: '1000000000000000000000', CREDITOS: '6.25', FECHA_RVOE: '2014-08-29', DESCRIPCION: '0.00000015' }],
    [5, { ID_CARRERA: '0', CREDITOS: '8.5', FECHA_RVOE: '1900-01-01', DESCRIPCION: '20140252' }],
  ]);
  t.equal(Object.getPrototypeOf(s.rows[0]!.cells), null, 'cells are a plain record: a __proto__ header is a column like any other');
});

t.test('the 1904 date system', async (t) => {
  const ws: XLSX.WorkSheet = { A1: { t: 's', v: 'FECHA_RVOE' }, A2: { t: 'n', v: 40418, z: 'yyyy-mm-dd' }, '!ref': 'A1:A2' };
  const src = source(await readPlanWorkbook(rawWorkbook({ 'NUMERO DE RVOE': ws }, true)));
  t.strictSame({ ...sheet(src, 'NUMERO DE RVOE').rows[0]!.cells }, { FECHA_RVOE: '2014-08-29' });
});

t.test('Excel error values and formulas without a stored result are PLAN-CELL, cell by cell', async (t) => {
  const ws: XLSX.WorkSheet = {
    A1: { t: 's', v: 'ID_CARRERA' }, B1: { t: 's', v: 'CREDITOS' },
    A2: { t: 'e', v: 0x07 }, B2: { t: 'n', v: 6 },
    A3: { t: 'n', v: 2 }, B3: { t: 'n', f: 'SUM(B1:B2)' },
    '!ref': 'A1:B3',
  };
  const src = source(await readPlanWorkbook(rawWorkbook({ ASIGNATURAS: ws })));
  t.strictSame(src.cellErrors.map((e) => [e.sheet, e.row, e.column, e.code, e.found]), [
    ['ASIGNATURAS', 2, 'ID_CARRERA', 'PLAN-CELL', '#DIV/0!'],
    ['ASIGNATURAS', 3, 'CREDITOS', 'PLAN-CELL', '=SUM(B1:B2)'],
  ]);
  t.strictSame(sheet(src, 'ASIGNATURAS').rows.map((r) => ({ ...r.cells })), [{ ID_CARRERA: '', CREDITOS: '6' }, { ID_CARRERA: '2', CREDITOS: '' }]);
});

t.test('numberText and serialToIsoDate', (t) => {
  const cases: [number, string][] = [
    [6, '6'], [6.25, '6.25'], [0.1 + 0.2, '0.3'], [306.25, '306.25'], [1e21, '1000000000000000000000'], [1.5e-7, '0.00000015'],
    [-2.5e-7, '-0.00000025'], [123456789012345680000, '123456789012346000000'], [-0, '0'], [20140252, '20140252'], [2.675, '2.675'],
  ];
  for (const [n, text] of cases) t.equal(numberText(n), text, String(n));
  t.equal(serialToIsoDate(1, false), '1900-01-01');
  t.equal(serialToIsoDate(59, false), '1900-02-28');
  t.equal(serialToIsoDate(60, false), '1900-02-29', "Excel's fictitious day, left for the import to reject");
  t.equal(serialToIsoDate(61, false), '1900-03-01');
  t.equal(serialToIsoDate(41880.99, false), '2014-08-29');
  t.equal(serialToIsoDate(2958465, false), '9999-12-31');
  t.equal(serialToIsoDate(2958466, false), undefined);
  t.equal(serialToIsoDate(0, false), undefined);
  t.equal(serialToIsoDate(0, true), '1904-01-01');
  t.end();
});

t.test('readPlanUpload sniffs the bytes, not a file name', async (t) => {
  t.equal(source(await readPlanUpload(planWorkbook())).format, 'xlsx');
  const json = layoutJson(layoutSheets(samplePlans()));
  t.equal(source(await readPlanUpload(json)).format, 'json');
  t.equal(source(await readPlanUpload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' \r\n'), json]))).format, 'json', 'BOM and blanks');
});

// ------------------------------------------------------------------ not a workbook

t.test('files that are not an .xlsx are refused clearly', async (t) => {
  const cases: [string, Buffer, string, RegExp][] = [
    ['empty', Buffer.alloc(0), 'PLAN-FILE-FORMAT', /empty/],
    ['text', Buffer.from('ID_CARRERA,CLAVE_PLAN\n1,2014\n'), 'PLAN-FILE-FORMAT', /neither an \.xlsx workbook nor a JSON/],
    ['PNG', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'PLAN-FILE-FORMAT', /neither/],
    ['.xls', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]), 'PLAN-FILE-FORMAT', /\.xls\).*save it as an \.xlsx/],
    ['truncated zip', planWorkbook().subarray(0, 700), 'PLAN-FILE-CORRUPT', /cannot be read/],
  ];
  for (const [name, bytes, code, message] of cases) {
    const e = failure(await readPlanUpload(bytes));
    t.equal(e.code, code, name);
    t.match(e.message, message, name);
    t.equal(e.sheet, '', name);
    t.equal(e.row, 0, name);
  }
});

t.test('a zip that is not a workbook, an OpenDocument file, an .xlsb', async (t) => {
  const plain = failure(await readPlanWorkbook(await honestZip([{ name: 'notas.txt', data: 'hola' }])));
  t.equal(plain.code, 'PLAN-FILE-FORMAT');
  t.match(plain.message, /not an Excel workbook/);
  const ods = failure(await readPlanWorkbook(await honestZip([{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', compress: false }, { name: 'content.xml', data: '<x/>' }])));
  t.match(ods.message, /\.ods must be saved as \.xlsx/);
  const xlsb = failure(await readPlanWorkbook(await honestZip([{
    name: '[Content_Types].xml',
    data: '<Types><Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>',
  }])));
  t.match(xlsb.message, /\.xlsb/);
});

t.test('the size cap comes first', async (t) => {
  const e = failure(await readPlanUpload(planWorkbook(), limits({ maxBytes: 1000 })));
  t.equal(e.code, 'PLAN-FILE-TOO-LARGE');
  t.equal(e.expected, 'at most 1000 bytes');
  const j = failure(readPlanJson('{"CARRERAS":[]}', limits({ maxBytes: 10 })));
  t.equal(j.code, 'PLAN-FILE-TOO-LARGE');
});

// ------------------------------------------------------------------ hostile zips

const CONTENT_TYPES = '<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>';

t.test('a part declaring a huge inflated size is refused before anything is inflated', async (t) => {
  const zip = rawZip([
    { name: '[Content_Types].xml', content: CONTENT_TYPES },
    { name: 'xl/worksheets/sheet1.xml', content: '<worksheet/>', method: 8, uncompressedSize: 0xfffffff0 },
  ]);
  const e = failure(await readPlanWorkbook(zip));
  t.equal(e.code, 'PLAN-FILE-LIMIT');
  t.match(e.message, /xl\/worksheets\/sheet1\.xml.*declares 4294967280 bytes/);
});

t.test('a deflate bomb that declares its size honestly is refused by the per-part cap', async (t) => {
  const bomb = Buffer.alloc(4 * 1024 * 1024);
  const zip = rawZip([{ name: '[Content_Types].xml', content: CONTENT_TYPES }, { name: 'xl/sharedStrings.xml', content: bomb, method: 8 }]);
  const e = failure(await readPlanWorkbook(zip, limits({ maxEntryBytes: 1024 * 1024 })));
  t.equal(e.code, 'PLAN-FILE-LIMIT');
  t.match(e.found ?? '', /declared/);
});

t.test('a deflate bomb that lies about its size is stopped while inflating', async (t) => {
  const bomb = Buffer.alloc(64 * 1024 * 1024);
  const zip = rawZip([
    { name: '[Content_Types].xml', content: CONTENT_TYPES },
    { name: 'xl/worksheets/sheet1.xml', content: bomb, method: 8, data: deflateRawSync(bomb), uncompressedSize: 1000 },
  ]);
  t.ok(zip.length < 200 * 1024, 'small on the wire');
  const e = failure(await readPlanWorkbook(zip));
  t.equal(e.code, 'PLAN-FILE-CORRUPT');
  t.match(e.message, /sheet1\.xml/);
});

t.test('the total inflated cap, the entry count cap, and a corrupt CRC', async (t) => {
  const part = Buffer.alloc(600 * 1024, 0x20);
  const two = rawZip([
    { name: '[Content_Types].xml', content: CONTENT_TYPES },
    { name: 'xl/a.xml', content: part, method: 8 },
    { name: 'xl/b.xml', content: part, method: 8 },
  ]);
  const total = failure(await readPlanWorkbook(two, limits({ maxTotalBytes: 1024 * 1024 })));
  t.equal(total.code, 'PLAN-FILE-LIMIT');
  t.match(total.message, /in all/);

  const entries = failure(await readPlanWorkbook(planWorkbook(), limits({ maxEntries: 5 })));
  t.equal(entries.code, 'PLAN-FILE-LIMIT');
  t.match(entries.message, /entries; the limit is 5/);

  const crc = failure(await readPlanWorkbook(rawZip([{ name: '[Content_Types].xml', content: CONTENT_TYPES, crc: 1234 }])));
  t.equal(crc.code, 'PLAN-FILE-CORRUPT');
  t.match(crc.message, /CRC-32/);
});

t.test('garbage that starts like a zip never throws', async (t) => {
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const real = planWorkbook();
  for (let i = 0; i < 25; i++) {
    const bytes = Buffer.from(real);
    for (let k = 0; k < 20; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    bytes[0] = 0x50; bytes[1] = 0x4b; bytes[2] = 0x03; bytes[3] = 0x04;
    const result = await readPlanUpload(bytes);
    if (!result.ok) t.ok(result.errors.every((e) => e.code.startsWith('PLAN-FILE-') && e.message.length > 0), `case ${i}`);
    else t.pass(`case ${i} still readable`);
  }
});

// ------------------------------------------------------------------ limits on sheets, rows, columns

function planesRows(n: number): LayoutSheets {
  return { PLANES: Array.from({ length: n }, (_, i) => ({ ID_CARRERA: 1, CLAVE_PLAN: `P${i}`, ID_TIPO_PERIODO: 91, ID_NIVEL_ESTUDIOS: 81, NUMERO_CICLOS: 9 })) };
}

t.test('rows per sheet: the limit counts data rows, with or without a <dimension>', async (t) => {
  const small = limits({ maxRowsPerSheet: 3 });
  t.equal(sheet(source(await readPlanWorkbook(layoutWorkbook(planesRows(3)), small)), 'PLANES').rows.length, 3, 'exactly the limit is fine');
  const over = layoutWorkbook(planesRows(5));
  const e = failure(await readPlanWorkbook(over, small));
  t.equal(e.code, 'PLAN-FILE-LIMIT');
  t.match(e.message, /The sheet "PLANES" has rows beyond row 4; the limit is 3 data rows/);
  const noDimension = editPart(over, '/xl/worksheets/sheet1.xml', (xml) => xml.replace(/<dimension[^>]*\/>/, ''));
  t.notMatch(noDimension.toString('latin1'), /<dimension/, 'stored without a dimension');
  t.equal(failure(await readPlanWorkbook(noDimension, small)).code, 'PLAN-FILE-LIMIT');
  // A single far row, after a gap, without row numbers SheetJS would cut silently.
  const far = editPart(layoutWorkbook(planesRows(1)), '/xl/worksheets/sheet1.xml',
    (xml) => xml.replace(/<dimension[^>]*\/>/, '').replace('</sheetData>', '<row r="900"><c r="A900"><v>1</v></c></row></sheetData>'));
  t.match(failure(await readPlanWorkbook(far, small)).found ?? '', /row 900/);
});

t.test('sheets and columns limits', async (t) => {
  const sheets = failure(await readPlanWorkbook(planWorkbook(), limits({ maxSheets: 3 })));
  t.equal(sheets.code, 'PLAN-FILE-LIMIT');
  t.match(sheets.message, /7 sheets; the limit is 3/);
  const columns = failure(await readPlanWorkbook(planWorkbook(), limits({ maxColumns: 4 })));
  t.equal(columns.code, 'PLAN-FILE-LIMIT');
  t.match(columns.message, /"CARRERAS" has 5 column headers; the limit is 4/);
});

// ------------------------------------------------------------------ JSON

t.test('JSON: the same rows as the workbook, numbered as in the workbook', async (t) => {
  const sheets = layoutSheets(samplePlans());
  const fromJson = source(readPlanJson(layoutJson(sheets)));
  const fromXlsx = source(await readPlanWorkbook(layoutWorkbook(sheets)));
  t.equal(fromJson.format, 'json');
  t.strictSame(fromJson.sheetNames, fromXlsx.sheetNames);
  const plain = (s: PlanSource): unknown => s.sheets.map((x) => ({ ...x, rows: x.rows.map((r) => ({ ...r, cells: { ...r.cells } })) }));
  t.strictSame(plain(fromJson), plain(fromXlsx));
});

t.test('JSON: values, blanks and bad values', (t) => {
  const src = source(planSourceFromJson({
    PLANES: [
      { ID_CARRERA: 1, ' CLAVE_PLAN ': '2014', NUMERO_CICLOS: 9.0, ID_TIPO_PERIODO: null },
      'not a row',
      { ID_CARRERA: true, CLAVE_PLAN: ['2014'], NUEVA: 'x' },
    ],
    Otra: 'ignored',
  }));
  t.strictSame(src.sheetNames, ['PLANES', 'Otra']);
  const planes = sheet(src, 'PLANES');
  t.strictSame(planes.headers, ['ID_CARRERA', 'CLAVE_PLAN', 'NUMERO_CICLOS', 'ID_TIPO_PERIODO', 'NUEVA']);
  t.strictSame(planes.rows.map((r) => [r.row, { ...r.cells }]), [
    [2, { ID_CARRERA: '1', CLAVE_PLAN: '2014', NUMERO_CICLOS: '9' }],
    [4, { ID_CARRERA: '', CLAVE_PLAN: '', NUEVA: 'x' }],
  ]);
  t.strictSame(src.cellErrors.map((e) => [e.row, e.column ?? null, e.code]), [[3, null, 'PLAN-CELL'], [4, 'ID_CARRERA', 'PLAN-CELL'], [4, 'CLAVE_PLAN', 'PLAN-CELL']]);
  t.end();
});

t.test('JSON: documents of the wrong shape', (t) => {
  const cases: [string, PlanReadResult, string, RegExp][] = [
    ['not JSON', readPlanJson('{"CARRERAS": ['), 'PLAN-FILE-FORMAT', /not valid JSON/],
    ['not UTF-8', readPlanJson(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 'PLAN-FILE-FORMAT', /UTF-8/],
    ['an array', readPlanJson('[{"ID_CARRERA": 1}]'), 'PLAN-FILE-FORMAT', /must be an object/],
    ['a sheet that is not an array', readPlanJson('{"CARRERAS": {"ID_CARRERA": 1}}'), 'PLAN-FILE-FORMAT', /"CARRERAS" must be an array/],
    ['too many rows', planSourceFromJson({ PLANES: [{}, {}, {}] }, limits({ maxRowsPerSheet: 2 })), 'PLAN-FILE-LIMIT', /3 rows; the limit is 2/],
    ['too many sheets', planSourceFromJson({ a: 1, b: 2, c: 3 }, limits({ maxSheets: 2 })), 'PLAN-FILE-LIMIT', /3 sheets/],
    ['deeply nested', readPlanJson(`${'['.repeat(200_000)}${']'.repeat(200_000)}`), 'PLAN-FILE-FORMAT', /./],
  ];
  for (const [name, result, code, message] of cases) {
    const e = failure(result);
    t.equal(e.code, code, name);
    t.match(e.message, message, name);
  }
  t.end();
});
