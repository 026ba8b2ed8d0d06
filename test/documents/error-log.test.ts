import t from 'tap';
import * as XLSX from '@e965/xlsx';
import { ERROR_LOG_HEADER, ERROR_LOG_SHEET, MAX_CELL_CHARS, errorLogCsv, errorLogXlsx, type ErrorLogRow } from '../../src/documents/error-log.js';

const ROWS: ErrorLogRow[] = [
  {
    archivo: 'certificado-001.xml',
    folioControl: 'DEC-000001',
    estatus: 'ERROR',
    checks: [
      { code: 'DEC-ELEMENT', status: 'ok', explanation: 'every element is present' },
      {
        code: 'DEC-PROMEDIO',
        status: 'error',
        node: 'Asignaturas',
        attribute: 'promedio',
        expected: '8.55',
        found: '8.56',
        explanation: 'promedio is not the truncated mean',
        sepMessage: 'El promedio no corresponde a las calificaciones, "verifique"',
      },
      { code: 'DEC-CAT-OBSERVACIONES', status: 'warning', node: 'Asignatura[3]', explanation: 'observación 103 may be withdrawn' },
      {
        code: 'DEC-CALIFICACION-RANGO',
        status: 'error',
        node: 'Asignatura[2]',
        attribute: 'calificacion',
        expected: '5 a 10',
        found: '-5',
        explanation: 'calificación outside the scale, line 1\nline 2',
      },
    ],
  },
  { archivo: 'certificado-002.xml', folioControl: '000123', estatus: 'SATISFACTORIO', checks: [{ code: 'DEC-FIRMA-SELLO', status: 'ok', explanation: 'verifies' }] },
  {
    archivo: 'niño, año.xml',
    folioControl: null,
    estatus: 'ERROR',
    checks: [{ code: 'DEC-ROOT', status: 'error', found: '=HYPERLINK("http://x")', explanation: 'not a Dec', sepMessage: 'Documento no válido: ÁÉÍÓÚ Ñ' }],
  },
  { archivo: 'vacío.xml', folioControl: 'DEC-9', estatus: 'ERROR', checks: [] },
];

const EXPECTED: string[][] = [
  [...ERROR_LOG_HEADER],
  ['certificado-001.xml', 'DEC-000001', 'ERROR', 'DEC-PROMEDIO', 'Asignaturas', 'promedio', '8.55', '8.56', 'El promedio no corresponde a las calificaciones, "verifique"'],
  ['certificado-001.xml', 'DEC-000001', 'ERROR', 'DEC-CALIFICACION-RANGO', 'Asignatura[2]', 'calificacion', '5 a 10', '-5', 'calificación outside the scale, line 1\nline 2'],
  ['certificado-002.xml', '000123', 'SATISFACTORIO', '', '', '', '', '', ''],
  ['niño, año.xml', '', 'ERROR', 'DEC-ROOT', '', '', '', '=HYPERLINK("http://x")', 'Documento no válido: ÁÉÍÓÚ Ñ'],
  ['vacío.xml', 'DEC-9', 'ERROR', '', '', '', '', '', ''],
];

function readXlsx(buffer: Buffer): { names: string[]; rows: string[][]; sheet: XLSX.WorkSheet } {
  const wb = XLSX.read(buffer, { type: 'buffer' });
  const sheet = wb.Sheets[ERROR_LOG_SHEET] as XLSX.WorkSheet;
  const rows = XLSX.utils.sheet_to_json<string[]>(sheet, { header: 1, raw: false, defval: '', blankrows: true });
  return { names: wb.SheetNames, rows, sheet };
}

/** RFC 4180 records of a CSV text (no BOM). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      if (c === '\n' || c === '\r' || c === '"') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}

t.test('xlsx: one sheet Errores, one row per error and per clean certificate', async (t) => {
  const buffer = errorLogXlsx(ROWS);
  t.equal(buffer.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx (zip) file');
  const { names, rows, sheet } = readXlsx(buffer);
  t.same(names, ['Errores']);
  t.same(rows, EXPECTED);
  t.equal(sheet['B4']?.t, 's', 'folio 000123 is text, zeros kept');
  t.equal(sheet['B4']?.v, '000123');
  t.equal(sheet['H3']?.t, 's', 'a found value of -5 is text, not a number');
  t.equal(sheet['H5']?.f, undefined, 'a value starting with = is not a formula');
  t.equal(sheet['!autofilter']?.ref, 'A1:I6');
});

t.test('xlsx: an empty upload is the header only; very long values are cut to Excel limit', async (t) => {
  t.same(readXlsx(errorLogXlsx([])).rows, [[...ERROR_LOG_HEADER]]);
  const long = 'x'.repeat(MAX_CELL_CHARS + 10);
  const { rows } = readXlsx(errorLogXlsx([{ archivo: 'a.xml', folioControl: 'F', estatus: 'ERROR', checks: [{ code: 'DEC-PIPE', status: 'error', found: long }] }]));
  const found = rows[1]?.[7] ?? '';
  t.equal(found.length, MAX_CELL_CHARS);
  t.ok(found.endsWith('…'));
});

t.test('csv: BOM, CRLF, RFC 4180 quoting, the same table', async (t) => {
  const csv = errorLogCsv(ROWS);
  t.ok(csv.startsWith('\uFEFF'), 'UTF-8 byte order mark');
  t.same([...Buffer.from(csv, 'utf8').subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  t.ok(csv.endsWith('\r\n'));
  t.equal(csv.split('\r\n')[0], '\uFEFFARCHIVO,FOLIO CONTROL,ESTATUS,CODIGO,NODO,ATRIBUTO,ESPERADO,ENCONTRADO,MENSAJE');
  const records = parseCsv(csv.slice(1));
  const unguard = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);
  t.same(records.map((r) => r.map(unguard)), EXPECTED, 'same rows as the xlsx (after removing the formula guard)');
  t.match(csv, '"niño, año.xml"', 'a comma is quoted');
  t.match(csv, '"El promedio no corresponde a las calificaciones, ""verifique"""', 'quotes doubled');
  t.match(csv, '"calificación outside the scale, line 1\nline 2"', 'a line break stays inside quotes');
});

t.test('csv: formula injection is neutralised', async (t) => {
  const records = parseCsv(errorLogCsv(ROWS).slice(1));
  t.equal(records[2]?.[7], "'-5");
  t.equal(records[4]?.[7], '\'=HYPERLINK("http://x")');
  const risky = ['+1', '@SUM(A1)', '\tcmd', '=1+1'];
  const csv = errorLogCsv([{ archivo: '=evil.xml', folioControl: '+52', estatus: 'ERROR', checks: risky.map((found) => ({ code: 'DEC-PIPE', status: 'error', found })) }]);
  const rows = parseCsv(csv.slice(1)).slice(1);
  for (const row of rows) {
    t.equal(row[0], "'=evil.xml");
    t.equal(row[1], "'+52");
  }
  t.same(rows.map((r) => r[7]), risky.map((v) => `'${v}`));
  t.equal(records[1]?.[6], '8.55', 'ordinary values untouched');
});
