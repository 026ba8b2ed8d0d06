/**
 * The error log of one MEC upload (spec mec-certificados.md §4.7: MEC's own messages are not public,
 * so the emulator reports per file and per field, "path, attribute, expected vs found"), as an Excel
 * workbook and as CSV with the same columns:
 *
 *   ARCHIVO | FOLIO CONTROL | ESTATUS | CODIGO | NODO | ATRIBUTO | ESPERADO | ENCONTRADO | MENSAJE
 *
 * One row per error check of every certificate, in the order given; a certificate without errors
 * (SATISFACTORIO, or an ERROR that carries no error check) gets one row with the error columns
 * empty, so every uploaded file appears. Warnings, skipped and passed checks are not listed.
 * MENSAJE is SEP's message for the error when there is one, else the English explanation.
 */
import * as XLSX from '@e965/xlsx';
import type { CheckStatus } from '../domain/checks.js';

export interface ErrorLogCheck {
  readonly code: string;
  readonly status: CheckStatus;
  readonly node?: string;
  readonly attribute?: string;
  readonly expected?: string;
  readonly found?: string;
  readonly explanation?: string;
  readonly sepMessage?: string;
}

export interface ErrorLogRow {
  /** The file name inside the upload. */
  readonly archivo: string;
  /** As written in the DEC; null when it could not be read. */
  readonly folioControl: string | null;
  readonly estatus: 'SATISFACTORIO' | 'ERROR';
  readonly checks: readonly ErrorLogCheck[];
}

export const ERROR_LOG_SHEET = 'Errores';
export const ERROR_LOG_HEADER = ['ARCHIVO', 'FOLIO CONTROL', 'ESTATUS', 'CODIGO', 'NODO', 'ATRIBUTO', 'ESPERADO', 'ENCONTRADO', 'MENSAJE'] as const;

/** Excel's limit on the text of one cell. */
export const MAX_CELL_CHARS = 32_767;

/** The table as rows of text, header first: what both formats write. */
export function errorLogTable(rows: readonly ErrorLogRow[]): string[][] {
  const table: string[][] = [[...ERROR_LOG_HEADER]];
  for (const row of rows) {
    const head = [row.archivo, row.folioControl ?? '', row.estatus];
    const errors = row.checks.filter((c) => c.status === 'error');
    if (errors.length === 0) {
      table.push([...head, '', '', '', '', '', '']);
      continue;
    }
    for (const e of errors) {
      table.push([...head, e.code, e.node ?? '', e.attribute ?? '', e.expected ?? '', e.found ?? '', e.sepMessage ?? e.explanation ?? '']);
    }
  }
  return table;
}

const ELLIPSIS = '…';
const fitCell = (value: string): string => (value.length <= MAX_CELL_CHARS ? value : value.slice(0, MAX_CELL_CHARS - ELLIPSIS.length) + ELLIPSIS);

/**
 * The log as an .xlsx workbook with one sheet `Errores`. Every cell is a text cell (a folio such as
 * `000123` keeps its zeros; nothing is evaluated as a formula); values longer than Excel's 32,767
 * characters are cut with `…`. The header row carries an autofilter.
 */
export function errorLogXlsx(rows: readonly ErrorLogRow[]): Buffer {
  const table = errorLogTable(rows).map((r) => r.map(fitCell));
  const sheet = XLSX.utils.aoa_to_sheet(table);
  for (const [address, cell] of Object.entries(sheet)) {
    if (!address.startsWith('!')) (cell as XLSX.CellObject).t = 's';
  }
  const widths = ERROR_LOG_HEADER.map((h, col) => Math.min(60, Math.max(h.length, ...table.slice(1).map((r) => (r[col] ?? '').length)) + 2));
  sheet['!cols'] = widths.map((wch) => ({ wch }));
  sheet['!autofilter'] = { ref: XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: table.length - 1, c: ERROR_LOG_HEADER.length - 1 } }) };
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, sheet, ERROR_LOG_SHEET);
  const out: unknown = XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx', compression: true });
  return Buffer.isBuffer(out) ? out : Buffer.from(out as Uint8Array);
}

/** Leading characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The log as CSV (RFC 4180: comma-separated, fields with `"`, `,`, CR or LF quoted, `"` doubled,
 * CRLF after every record), starting with a UTF-8 byte order mark so Excel reads the accents.
 * Cells starting with = + - @, tab or CR are prefixed with `'` so a spreadsheet shows them as text
 * instead of evaluating them (a found value of `-5` is written `'-5`).
 */
export function errorLogCsv(rows: readonly ErrorLogRow[]): string {
  return `\uFEFF${errorLogTable(rows)
    .map((r) => `${r.map(csvCell).join(',')}\r\n`)
    .join('')}`;
}
