/**
 * Untrusted bytes of a study-plan layout (an .xlsx workbook, or the same data as JSON) → the rows of
 * the layout sheets as text (PlanSource), or the file-level problem that stops the reading.
 * Validation of the rows is src/domain/planes/import-plan.ts's job; both formats reach it through
 * the same PlanSource shape.
 *
 * An .xlsx is a zip, and SheetJS inflates zip entries without bounds (it trusts the local headers and
 * runs zlib to the end of the stream). So SheetJS never sees the uploaded zip: yauzl reads the
 * central directory (entry count, declared sizes, encryption, method), inflates only the XML parts
 * while counting bytes against the caps (a lying header cannot make us hold more), checks each CRC,
 * and the parts are re-zipped uncompressed (yazl, stored) for SheetJS to parse. Rows are counted in
 * the worksheet XML before SheetJS builds a single cell.
 *
 * Cell text (docs/plan-layout.md "Cell values"):
 * - text cells: the text as typed (the import trims surrounding whitespace);
 * - number cells: the value written with at most 15 significant digits (what Excel shows), without
 *   float noise and never in exponent form: 6 typed with the format 0.00 reads `6`, 6.25 reads
 *   `6.25`; the number format is ignored;
 * - number cells with a date format: the date, AAAA-MM-DD (1900 and 1904 date systems);
 * - booleans: TRUE / FALSE; Excel error values and formulas without a cached value: PLAN-CELL.
 *
 * Never throws and never rejects: every failure is a RowError.
 */
import { crc32 } from 'node:zlib';
import type { Readable } from 'node:stream';
import * as XLSX from '@e965/xlsx';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import yazl from 'yazl';
import { layoutSheetName } from '../domain/planes/import-plan.js';
import type { PlanRow, PlanSheet, PlanSource } from '../domain/planes/import-plan.js';
import type { PlanErrorCode, RowError } from '../domain/planes/plan-errors.js';

export interface PlanWorkbookLimits {
  /** Bytes of the uploaded file (xlsx or JSON). */
  readonly maxBytes: number;
  /** Entries in the xlsx zip's central directory. */
  readonly maxEntries: number;
  /** Inflated bytes of one XML part of the xlsx (a worksheet, the shared strings), counted while inflating. */
  readonly maxEntryBytes: number;
  /** Inflated bytes of all XML parts together. */
  readonly maxTotalBytes: number;
  /** Sheets in the workbook (JSON: keys of the document). */
  readonly maxSheets: number;
  /** Data rows per sheet: the last data row of a workbook sheet is Excel row maxRowsPerSheet + 1. */
  readonly maxRowsPerSheet: number;
  /** Non-blank headers per layout sheet. */
  readonly maxColumns: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_PLAN_WORKBOOK_LIMITS: PlanWorkbookLimits = {
  maxBytes: 10 * MiB,
  maxEntries: 1000,
  maxEntryBytes: 32 * MiB,
  maxTotalBytes: 96 * MiB,
  maxSheets: 50,
  maxRowsPerSheet: 50_000,
  maxColumns: 100,
};

export type PlanReadResult =
  | { readonly ok: true; readonly source: PlanSource }
  | { readonly ok: false; readonly errors: RowError[] };

/** Sniffs the bytes (never the file name): a zip is read as .xlsx, a document starting with `{` as JSON. */
export async function readPlanUpload(bytes: Buffer, limits: PlanWorkbookLimits = DEFAULT_PLAN_WORKBOOK_LIMITS): Promise<PlanReadResult> {
  if (isZip(bytes)) return readPlanWorkbook(bytes, limits);
  if (firstNonBlank(bytes) === 0x7b) return readPlanJson(bytes, limits);
  return readPlanWorkbook(bytes, limits);
}

// ------------------------------------------------------------------ xlsx

/** An .xlsx workbook → the layout sheets' rows. Resolves, never rejects. */
export async function readPlanWorkbook(bytes: Buffer, limits: PlanWorkbookLimits = DEFAULT_PLAN_WORKBOOK_LIMITS): Promise<PlanReadResult> {
  try {
    const size = sizeProblem(bytes, limits);
    if (size !== undefined) return size;
    if (!isZip(bytes)) return notXlsx(bytes);
    const parts = await inflateParts(bytes, limits);
    if (!parts.ok) return parts;
    const kind = workbookKind(parts.parts);
    if (kind !== undefined) return kind;
    const tooManyRows = rowLimitProblem(parts.parts, limits);
    if (tooManyRows !== undefined) return tooManyRows;
    const rebuilt = await storedZip(parts.parts);
    return parseWorkbook(rebuilt, limits);
  } catch (err) {
    return fileFailure('PLAN-FILE-CORRUPT', `The workbook cannot be read: ${messageOf(err)}.`, 'a readable .xlsx workbook', messageOf(err));
  }
}

function sizeProblem(bytes: Buffer, limits: PlanWorkbookLimits): PlanReadResult | undefined {
  if (bytes.length === 0) return fileFailure('PLAN-FILE-FORMAT', 'The file is empty.', 'an .xlsx workbook or a JSON document', '0 bytes');
  if (bytes.length > limits.maxBytes) {
    return fileFailure('PLAN-FILE-TOO-LARGE', `The file is ${bytes.length} bytes; the limit is ${limits.maxBytes}.`,
      `at most ${limits.maxBytes} bytes`, `${bytes.length} bytes`);
  }
  return undefined;
}

function notXlsx(bytes: Buffer): PlanReadResult {
  const cfb = bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
  if (cfb) {
    return fileFailure('PLAN-FILE-FORMAT',
      'The file is an Excel 97-2003 workbook (.xls) or a password-protected workbook; save it as an .xlsx workbook without a password.',
      'an .xlsx workbook (a zip starting with "PK")', 'an OLE2 compound file (.xls or encrypted .xlsx)');
  }
  return fileFailure('PLAN-FILE-FORMAT', 'The file is neither an .xlsx workbook nor a JSON document.',
    'an .xlsx workbook (a zip starting with "PK") or a JSON object', `first bytes ${hexOf(bytes.subarray(0, 8))}`);
}

type Parts = Map<string, Buffer>;
type PartsResult = { readonly ok: true; readonly parts: Parts } | { readonly ok: false; readonly errors: RowError[] };

/** Only XML parts are read (worksheets, shared strings, styles, workbook, relationships, content types). */
const XML_PART = /\.(?:xml|rels)$/i;

/**
 * Inflates the xlsx's XML parts with yauzl: the central directory is judged first (count, encryption,
 * method, declared sizes), then each part is inflated with its bytes counted; yauzl also fails an
 * entry that inflates past its declared size. Resolves, never rejects.
 */
function inflateParts(bytes: Buffer, limits: PlanWorkbookLimits): Promise<PartsResult> {
  return new Promise((resolve) => {
    let settled = false;
    let zipfile: ZipFile | undefined;
    const streams = new Set<Readable>();
    const finish = (result: PartsResult): void => {
      if (settled) return;
      settled = true;
      for (const s of streams) s.destroy();
      try {
        zipfile?.close();
      } catch {
        // best effort
      }
      resolve(result);
    };
    const corrupt = (err: unknown, where = ''): void =>
      finish(fileFailure('PLAN-FILE-CORRUPT', `The workbook's zip cannot be read${where}: ${messageOf(err)}.`, 'a readable .xlsx workbook', messageOf(err)));
    const limit = (message: string, expected: string, found: string): void => finish(fileFailure('PLAN-FILE-LIMIT', message, expected, found));
    const guard = (fn: () => void): void => {
      try {
        fn();
      } catch (err) {
        corrupt(err);
      }
    };

    const planned: Entry[] = [];
    const names = new Set<string>();
    let declared = 0;
    guard(() => yauzl.fromBuffer(bytes, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zip) => guard(() => {
      if (err !== null || zip === undefined) return corrupt(err);
      zipfile = zip;
      zip.on('error', (e: unknown) => corrupt(e));
      if (zip.entryCount > limits.maxEntries) {
        return limit(`The workbook's zip holds ${zip.entryCount} entries; the limit is ${limits.maxEntries}.`,
          `at most ${limits.maxEntries} entries`, `${zip.entryCount} entries`);
      }
      zip.on('entry', (entry: Entry) => guard(() => {
        if (settled) return;
        const name = entry.fileName;
        if (names.has(name)) return corrupt(new Error(`the entry "${name}" appears twice`));
        names.add(name);
        if (!name.endsWith('/') && XML_PART.test(name)) {
          if (entry.isEncrypted()) return corrupt(new Error(`the entry "${name}" is encrypted`));
          if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
            return corrupt(new Error(`the entry "${name}" uses compression method ${entry.compressionMethod}`));
          }
          if (entry.uncompressedSize > limits.maxEntryBytes) {
            return limit(`The workbook part "${name}" declares ${entry.uncompressedSize} bytes inflated; the limit per part is ${limits.maxEntryBytes}.`,
              `at most ${limits.maxEntryBytes} bytes per part`, `${entry.uncompressedSize} bytes declared`);
          }
          declared += entry.uncompressedSize;
          if (declared > limits.maxTotalBytes) {
            return limit(`The workbook's parts declare more than ${limits.maxTotalBytes} bytes inflated in all (reached at "${name}").`,
              `at most ${limits.maxTotalBytes} bytes in all`, `${declared} bytes declared`);
          }
          planned.push(entry);
        }
        zip.readEntry();
      }));
      zip.on('end', () => guard(() => inflateNext(zip, 0, new Map(), 0)));
      zip.readEntry();
    })));

    const inflateNext = (zip: ZipFile, index: number, parts: Parts, total: number): void => {
      if (settled) return;
      const entry = planned[index];
      if (entry === undefined) return finish({ ok: true, parts });
      const name = entry.fileName;
      zip.openReadStream(entry, (err, stream) => guard(() => {
        if (settled) {
          stream?.destroy();
          return;
        }
        if (err !== null || stream === undefined) return corrupt(err, ` (entry "${name}")`);
        streams.add(stream);
        const chunks: Buffer[] = [];
        let size = 0;
        let crc = 0;
        stream.on('error', (e: unknown) => corrupt(e, ` (entry "${name}")`));
        stream.on('data', (chunk: Buffer) => guard(() => {
          if (settled) return;
          size += chunk.length;
          if (size > limits.maxEntryBytes || total + size > limits.maxTotalBytes) {
            return limit(`The workbook part "${name}" inflates past the limits (${limits.maxEntryBytes} bytes per part, ${limits.maxTotalBytes} in all).`,
              `at most ${limits.maxEntryBytes} bytes per part`, `more than ${size} bytes inflated`);
          }
          crc = crc32(chunk, crc);
          chunks.push(chunk);
        }));
        stream.on('end', () => guard(() => {
          if (settled) return;
          streams.delete(stream);
          if (crc >>> 0 !== entry.crc32 >>> 0) return corrupt(new Error(`the entry "${name}" fails its CRC-32 check`));
          parts.set(name, Buffer.concat(chunks, size));
          inflateNext(zip, index + 1, parts, total + size);
        }));
      }));
    };
  });
}

const WORKBOOK_TYPES = [
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml',
  'application/vnd.ms-excel.sheet.macroEnabled.main+xml',
  'application/vnd.ms-excel.template.macroEnabled.main+xml',
];

/** A file-level problem unless the zip is an Office Open XML workbook. */
function workbookKind(parts: Parts): PlanReadResult | undefined {
  const types = parts.get('[Content_Types].xml')?.toString('utf8');
  if (types === undefined) {
    return fileFailure('PLAN-FILE-FORMAT',
      'The file is a zip but not an Excel workbook (it has no [Content_Types].xml; an OpenDocument .ods must be saved as .xlsx).',
      'an .xlsx workbook', 'a zip without [Content_Types].xml');
  }
  if (WORKBOOK_TYPES.some((t) => types.includes(t))) return undefined;
  // Checked only now: SheetJS's own .xlsx files declare the .xlsb type as a Default for *.bin.
  if (types.includes('application/vnd.ms-excel.sheet.binary.macroEnabled.main')) {
    return fileFailure('PLAN-FILE-FORMAT', 'The file is an Excel binary workbook (.xlsb); save it as .xlsx.', 'an .xlsx workbook', 'an .xlsb workbook');
  }
  return fileFailure('PLAN-FILE-FORMAT', 'The file is an Office document but not an Excel workbook.', 'an .xlsx workbook',
    'a zip whose [Content_Types].xml declares no workbook');
}

const ROW_TAG = /<(?:[A-Za-z_][\w.-]*:)?row(?=[\s>/])([^>]*)>/g;
const ROW_NUMBER = /(?:^|\s)r\s*=\s*["']\s*([0-9]+)\s*["']/;

/**
 * Counts rows in the worksheet XML before SheetJS parses it (SheetJS's sheetRows option cuts
 * silently when a sheet has no <dimension>). A row without `r` is the previous row + 1, as in SheetJS.
 */
function rowLimitProblem(parts: Parts, limits: PlanWorkbookLimits): PlanReadResult | undefined {
  const lastRow = limits.maxRowsPerSheet + 1;
  const names = sheetNamesByPart(parts);
  for (const [path, data] of parts) {
    const xml = data.toString('latin1');
    if (!xml.includes('sheetData')) continue;
    let row = 0;
    ROW_TAG.lastIndex = 0;
    for (let m = ROW_TAG.exec(xml); m !== null; m = ROW_TAG.exec(xml)) {
      const r = ROW_NUMBER.exec(m[1] ?? '');
      row = r !== null ? Number(r[1]) : row + 1;
      if (row > lastRow) {
        const sheet = names.get(path);
        const what = sheet !== undefined ? `The sheet "${sheet}"` : `The worksheet part "${path}"`;
        return fileFailure('PLAN-FILE-LIMIT', `${what} has rows beyond row ${lastRow}; the limit is ${limits.maxRowsPerSheet} data rows per sheet.`,
          `at most ${limits.maxRowsPerSheet} data rows (Excel rows 2 to ${lastRow})`, `row ${row}`);
      }
    }
  }
  return undefined;
}

/** Best effort: worksheet part path → sheet name, from xl/workbook.xml and its relationships. */
function sheetNamesByPart(parts: Parts): Map<string, string> {
  const out = new Map<string, string>();
  const workbook = parts.get('xl/workbook.xml')?.toString('utf8');
  const rels = parts.get('xl/_rels/workbook.xml.rels')?.toString('utf8');
  if (workbook === undefined || rels === undefined) return out;
  const targets = new Map<string, string>();
  for (const m of rels.matchAll(/<(?:[\w.-]+:)?Relationship\b([^>]*)>/g)) {
    const id = attr(m[1] ?? '', 'Id');
    const target = attr(m[1] ?? '', 'Target');
    if (id !== undefined && target !== undefined) targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  for (const m of workbook.matchAll(/<(?:[\w.-]+:)?sheet\b([^>]*)>/g)) {
    const name = attr(m[1] ?? '', 'name');
    const id = attr(m[1] ?? '', 'r:id') ?? attr(m[1] ?? '', 'id');
    const target = id === undefined ? undefined : targets.get(id);
    if (name !== undefined && target !== undefined) out.set(target, unescapeXml(name));
  }
  return out;
}

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name.replace(/[.:]/g, '\\$&')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs);
  return m === null ? undefined : (m[1] ?? m[2]);
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '');
}

/** The XML parts as an uncompressed zip: SheetJS then inflates nothing. */
function storedZip(parts: Parts): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    const mtime = new Date(Date.UTC(2000, 0, 1));
    for (const [name, data] of parts) zip.addBuffer(data, name, { compress: false, mtime });
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function parseWorkbook(zip: Buffer, limits: PlanWorkbookLimits): PlanReadResult {
  let names: string[];
  try {
    names = XLSX.read(zip, { type: 'buffer', bookSheets: true }).SheetNames ?? [];
  } catch (err) {
    return fileFailure('PLAN-FILE-CORRUPT', `The workbook cannot be read: ${messageOf(err)}.`, 'a readable .xlsx workbook', messageOf(err));
  }
  if (names.length > limits.maxSheets) {
    return fileFailure('PLAN-FILE-LIMIT', `The workbook has ${names.length} sheets; the limit is ${limits.maxSheets}.`,
      `at most ${limits.maxSheets} sheets`, `${names.length} sheets`);
  }
  const wanted = names.filter((n) => layoutSheetName(n) !== undefined);
  if (wanted.length === 0) return { ok: true, source: { format: 'xlsx', sheetNames: names, sheets: [], cellErrors: [] } };
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(zip, {
      type: 'buffer',
      sheets: wanted,
      cellNF: true,
      cellDates: false,
      cellHTML: false,
      cellText: false,
      cellStyles: false,
      dense: true,
      sheetRows: limits.maxRowsPerSheet + 2,
    });
  } catch (err) {
    return fileFailure('PLAN-FILE-CORRUPT', `The workbook cannot be read: ${messageOf(err)}.`, 'a readable .xlsx workbook', messageOf(err));
  }
  const date1904 = wb.Workbook?.WBProps?.date1904 === true;
  const sheets: PlanSheet[] = [];
  const cellErrors: RowError[] = [];
  for (const original of wanted) {
    const ws = wb.Sheets[original];
    const name = layoutSheetName(original)!;
    if (ws === undefined) {
      sheets.push({ name, headers: [], rows: [] });
      continue;
    }
    const read = readSheet(name, ws, date1904, limits, cellErrors);
    if (!read.ok) return read;
    sheets.push(read.sheet);
  }
  return { ok: true, source: { format: 'xlsx', sheetNames: names, sheets, cellErrors } };
}

type SheetResult = { readonly ok: true; readonly sheet: PlanSheet } | { readonly ok: false; readonly errors: RowError[] };

function readSheet(name: string, ws: XLSX.WorkSheet, date1904: boolean, limits: PlanWorkbookLimits, cellErrors: RowError[]): SheetResult {
  const lastIndex = limits.maxRowsPerSheet; // 0-based index of the last allowed data row
  const full = typeof ws['!fullref'] === 'string' ? XLSX.utils.decode_range(ws['!fullref']) : undefined;
  const tooMany = (row: number): SheetResult => fileFailure('PLAN-FILE-LIMIT',
    `The sheet "${name}" has rows beyond row ${lastIndex + 1}; the limit is ${limits.maxRowsPerSheet} data rows per sheet.`,
    `at most ${limits.maxRowsPerSheet} data rows (Excel rows 2 to ${lastIndex + 1})`, `row ${row}`);
  if (full !== undefined && full.e.r > lastIndex) return tooMany(full.e.r + 1);

  // Dense mode: '!data'[r][c]. Both levels may be sparse arrays, so only their own keys are visited.
  const data: unknown = (ws as XLSX.DenseSheet)['!data'];
  const byRow = new Map<number, Map<number, XLSX.CellObject>>();
  if (Array.isArray(data)) {
    for (const rKey of Object.keys(data)) {
      const r = Number(rKey);
      const cells: unknown = data[r];
      if (!Number.isInteger(r) || r < 0 || !Array.isArray(cells)) continue;
      if (r > lastIndex) return tooMany(r + 1);
      const row = new Map<number, XLSX.CellObject>();
      for (const cKey of Object.keys(cells)) {
        const c = Number(cKey);
        const cell: unknown = cells[c];
        if (Number.isInteger(c) && c >= 0 && typeof cell === 'object' && cell !== null) row.set(c, cell as XLSX.CellObject);
      }
      if (row.size > 0) byRow.set(r, row);
    }
  }

  const headerCells = byRow.get(0) ?? new Map<number, XLSX.CellObject>();
  const headerByColumn = new Map<number, string>();
  for (const [c, cell] of [...headerCells].sort((a, b) => a[0] - b[0])) {
    const text = cellText(cell, date1904);
    const header = text.ok ? text.text.trim() : '';
    if (header !== '') headerByColumn.set(c, header);
  }
  if (headerByColumn.size > limits.maxColumns) {
    return fileFailure('PLAN-FILE-LIMIT', `The sheet "${name}" has ${headerByColumn.size} column headers; the limit is ${limits.maxColumns}.`,
      `at most ${limits.maxColumns} columns`, `${headerByColumn.size} columns`);
  }

  const rows: PlanRow[] = [];
  for (const r of [...byRow.keys()].filter((r) => r > 0).sort((a, b) => a - b)) {
    const cells: Record<string, string> = Object.create(null) as Record<string, string>;
    let blank = true;
    for (const [c, cell] of byRow.get(r)!) {
      const header = headerByColumn.get(c);
      if (header === undefined || Object.prototype.hasOwnProperty.call(cells, header)) continue;
      const text = cellText(cell, date1904);
      if (!text.ok) {
        cellErrors.push({ sheet: name, row: r + 1, column: header, code: 'PLAN-CELL', expected: 'a value', found: text.found, message: `${header}: ${text.message}` });
        cells[header] = '';
        blank = false;
        continue;
      }
      cells[header] = text.text;
      if (text.text.trim() !== '') blank = false;
    }
    if (!blank) rows.push({ sheet: name, row: r + 1, cells });
  }
  return { ok: true, sheet: { name, headers: [...headerByColumn.values()], rows } };
}

/** Excel's error values by their BIFF code (SheetJS keeps the code in `v` when cellText is off). */
const EXCEL_ERRORS = new Map<number, string>([
  [0x00, '#NULL!'], [0x07, '#DIV/0!'], [0x0f, '#VALUE!'], [0x17, '#REF!'], [0x1d, '#NAME?'], [0x24, '#NUM!'], [0x2a, '#N/A'],
  [0x2b, '#GETTING_DATA'],
]);

export type CellText = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string; readonly found: string };

/** A cell's value as text (see the header comment for the rules). */
export function cellText(cell: XLSX.CellObject, date1904: boolean): CellText {
  const v: unknown = cell.v;
  switch (cell.t) {
    case 'z':
      return { ok: true, text: '' };
    case 'e':
      if (v === undefined && cell.f !== undefined) {
        return { ok: false, message: `the cell holds the formula =${clip(String(cell.f))} without a computed value; save the workbook from Excel so it stores the result, or type the value.`, found: `=${clip(String(cell.f))}` };
      }
      {
        const text = typeof v === 'number' ? (EXCEL_ERRORS.get(v) ?? `#ERROR(${v})`) : '#ERROR';
        return { ok: false, message: `the cell holds the Excel error ${text}; fix the formula or type the value.`, found: text };
      }
    case 'b':
      return { ok: true, text: v === true ? 'TRUE' : 'FALSE' };
    case 'n':
      if (typeof v !== 'number') return { ok: true, text: '' };
      if (typeof cell.z === 'string' && XLSX.SSF.is_date(cell.z) === true) {
        const date = serialToIsoDate(v, date1904);
        if (date !== undefined) return { ok: true, text: date };
      }
      return { ok: true, text: numberText(v) };
    case 'd':
      if (v instanceof Date && !Number.isNaN(v.getTime())) return { ok: true, text: v.toISOString().slice(0, 10) };
      return { ok: true, text: typeof v === 'string' ? v : '' };
    default:
      return { ok: true, text: v === undefined || v === null ? '' : String(v) };
  }
}

const DAY_MS = 86_400_000;
const LAST_EXCEL_SERIAL = 2_958_465; // 9999-12-31

/**
 * An Excel date serial → AAAA-MM-DD (time of day dropped). 1900 system: serial 1 is 1900-01-01 and
 * serial 60 is Excel's fictitious 1900-02-29 (returned as such, so the import rejects it). 1904
 * system: serial 0 is 1904-01-01.
 */
export function serialToIsoDate(serial: number, date1904: boolean): string | undefined {
  if (!Number.isFinite(serial)) return undefined;
  const day = Math.floor(serial);
  if (day > LAST_EXCEL_SERIAL) return undefined;
  if (date1904) return day < 0 ? undefined : new Date(Date.UTC(1904, 0, 1) + day * DAY_MS).toISOString().slice(0, 10);
  if (day < 1) return undefined;
  if (day === 60) return '1900-02-29';
  return new Date(Date.UTC(1899, 11, day < 60 ? 31 : 30) + day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A number as Excel shows it with the General format: at most 15 significant digits, no float
 * noise (0.1+0.2 → `0.3`), no exponent (1e21 → `1000000000000000000000`), `-0` → `0`.
 */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const rounded = Number(n.toPrecision(15));
  const s = Object.is(rounded, -0) ? '0' : String(rounded);
  const m = /^(-?)([0-9])(?:\.([0-9]+))?e([+-][0-9]+)$/.exec(s);
  if (m === null) return s;
  const [, sign, lead, rest = '', exp] = m;
  const digits = `${lead}${rest}`;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

// ------------------------------------------------------------------ JSON

/** A JSON layout document (UTF-8 bytes or text) → the layout sheets' rows. */
export function readPlanJson(input: Buffer | string, limits: PlanWorkbookLimits = DEFAULT_PLAN_WORKBOOK_LIMITS): PlanReadResult {
  try {
    let text: string;
    if (typeof input === 'string') {
      const length = Buffer.byteLength(input, 'utf8');
      if (length > limits.maxBytes) {
        return fileFailure('PLAN-FILE-TOO-LARGE', `The document is ${length} bytes; the limit is ${limits.maxBytes}.`,
          `at most ${limits.maxBytes} bytes`, `${length} bytes`);
      }
      text = input;
    } else {
      const size = sizeProblem(input, limits);
      if (size !== undefined) return size;
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
      } catch {
        return fileFailure('PLAN-FILE-FORMAT', 'The JSON document is not valid UTF-8.', 'UTF-8 text', 'bytes that are not UTF-8');
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return fileFailure('PLAN-FILE-FORMAT', `The document is not valid JSON: ${messageOf(err)}.`, 'a JSON object', messageOf(err));
    }
    return planSourceFromJson(value, limits);
  } catch (err) {
    return fileFailure('PLAN-FILE-FORMAT', `The JSON document cannot be read: ${messageOf(err)}.`, 'a JSON object', messageOf(err));
  }
}

/**
 * An already parsed JSON document (`{ "CARRERAS": [ { "ID_CARRERA": "1", … } ], … }`) → the layout
 * sheets' rows. Values may be strings or numbers (numbers as numberText writes them); null and absent
 * keys are blank. Row numbers are array index + 2, as the same data in a workbook would have.
 */
export function planSourceFromJson(value: unknown, limits: PlanWorkbookLimits = DEFAULT_PLAN_WORKBOOK_LIMITS): PlanReadResult {
  if (!isPlainObject(value)) {
    return fileFailure('PLAN-FILE-FORMAT', 'The JSON document must be an object with one array of rows per sheet name.',
      '{ "CARRERAS": [ { … } ], "NUMERO DE RVOE": [ … ], … }', jsonKind(value));
  }
  const sheetNames = Object.keys(value);
  if (sheetNames.length > limits.maxSheets) {
    return fileFailure('PLAN-FILE-LIMIT', `The document has ${sheetNames.length} sheets; the limit is ${limits.maxSheets}.`,
      `at most ${limits.maxSheets} sheets`, `${sheetNames.length} sheets`);
  }
  const errors: RowError[] = [];
  const sheets: PlanSheet[] = [];
  const cellErrors: RowError[] = [];
  for (const key of sheetNames) {
    const name = layoutSheetName(key);
    if (name === undefined) continue;
    const list: unknown = value[key];
    if (!Array.isArray(list)) {
      errors.push({ sheet: name, row: 0, code: 'PLAN-FILE-FORMAT', expected: 'an array of row objects', found: jsonKind(list),
        message: `"${key}" must be an array of row objects.` });
      continue;
    }
    if (list.length > limits.maxRowsPerSheet) {
      errors.push({ sheet: name, row: 0, code: 'PLAN-FILE-LIMIT', expected: `at most ${limits.maxRowsPerSheet} rows`, found: `${list.length} rows`,
        message: `"${key}" has ${list.length} rows; the limit is ${limits.maxRowsPerSheet} per sheet.` });
      continue;
    }
    const headers: string[] = [];
    const known = new Set<string>();
    const rows: PlanRow[] = [];
    let tooWide = false;
    list.forEach((item: unknown, index: number) => {
      const rowNumber = index + 2;
      if (tooWide) return;
      if (!isPlainObject(item)) {
        cellErrors.push({ sheet: name, row: rowNumber, code: 'PLAN-CELL', expected: 'an object of column: value', found: jsonKind(item),
          message: `Row ${rowNumber} of "${key}" must be an object of column: value.` });
        return;
      }
      const cells: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [rawHeader, raw] of Object.entries(item)) {
        const header = rawHeader.trim();
        if (header === '' || Object.prototype.hasOwnProperty.call(cells, header)) continue;
        if (!known.has(header)) {
          known.add(header);
          headers.push(header);
          if (headers.length > limits.maxColumns) {
            tooWide = true;
            return;
          }
        }
        if (typeof raw === 'string') cells[header] = raw;
        else if (typeof raw === 'number') cells[header] = numberText(raw);
        else if (raw === null) continue; // blank, like an empty cell: absent
        else {
          cells[header] = '';
          cellErrors.push({ sheet: name, row: rowNumber, column: header, code: 'PLAN-CELL', expected: 'a string or a number', found: jsonKind(raw),
            message: `${header}: the value is ${jsonKind(raw)}; write text or a number.` });
        }
      }
      rows.push({ sheet: name, row: rowNumber, cells });
    });
    if (tooWide) {
      errors.push({ sheet: name, row: 0, code: 'PLAN-FILE-LIMIT', expected: `at most ${limits.maxColumns} columns`, found: `more than ${limits.maxColumns} columns`,
        message: `"${key}" has more than ${limits.maxColumns} distinct columns.` });
      continue;
    }
    sheets.push({ name, headers, rows });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, source: { format: 'json', sheetNames, sheets, cellErrors } };
}

// ------------------------------------------------------------------ helpers

function fileFailure(code: PlanErrorCode, message: string, expected: string, found: string): { ok: false; errors: RowError[] } {
  return { ok: false, errors: [{ sheet: '', row: 0, code, expected, found: clip(found), message }] };
}

/** A local file header or an empty archive's end record. */
function isZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b &&
    ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06));
}

/** The first byte after an optional UTF-8 BOM and JSON whitespace, or -1. */
function firstNonBlank(bytes: Buffer): number {
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return b;
  }
  return -1;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return `a ${typeof v}`;
}

function hexOf(bytes: Buffer): string {
  return bytes.toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === null || err === undefined ? 'unknown error' : String(err);
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
