/**
 * SEP's results sheet as a binary Excel 97 (BIFF8) workbook with one sheet `Resultado` (spec
 * met-titulos.md §1.6, [V] twice), shared by the MET and MEC descarga packages: a header row, then
 * one row per file. SEP's file is written by Apache POI HSSF on WebLogic: codepage 1200, Arial
 * fonts, strings in the shared string table (LABELSST cells), numbers as NUMBER cells, author /
 * last author `weblogic`.
 *
 * Why not `XLSX.write(wb, { bookType: 'biff8' })`: SheetJS 0.20.3's BIFF writer allocates a fresh
 * 16 KiB block for every record it writes and keeps them all until the end, i.e. ~64 KiB per row
 * here (measured: 1,000 rows → +70 MB RSS; 20,000 rows → 3 s and +1.3 GB RSS), and its LABEL
 * path truncates strings to 255 characters. So the Workbook stream is written here, record by
 * record into one growing Buffer, following the record sequence POI/SheetJS emit; SheetJS's own
 * CFB (OLE2) library packs the container, and SheetJS writes the summary-information streams
 * (author) once. Tests read the result back with SheetJS `XLSX.read`.
 */
import * as XLSX from '@e965/xlsx';
import yazl from 'yazl';

const RESULTS_SHEET_NAME = 'Resultado';
const RESULTS_AUTHOR = 'weblogic';

/** One sheet row: a string is a text cell, a number a NUMBER cell. */
export type ResultsSheetRow = ReadonlyArray<string | number>;

/** BIFF8 rows are 0..65535: one header row leaves 65,535 result rows. */
const MAX_RESULT_ROWS = 65535;

/** The .xls (an OLE2 compound file holding a BIFF8 `Workbook` stream) with `header` then `rows`. */
export function buildResultsSheet(header: readonly string[], rows: readonly ResultsSheetRow[]): Buffer {
  if (rows.length > MAX_RESULT_ROWS) {
    throw new RangeError(`a BIFF8 sheet holds at most ${MAX_RESULT_ROWS} result rows, got ${rows.length}`);
  }
  const workbook = writeWorkbookStream(header, rows);
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, '/Workbook', workbook);
  for (const [name, content] of summaryStreams()) CFB.utils.cfb_add(cfb, `/${name}`, content);
  const out = CFB.write(cfb, { type: 'buffer' });
  return Buffer.isBuffer(out) ? out : Buffer.from(out);
}

/** A zip (deflate) of `entries` at its root, in the order given: what a descarga returns (before base64). */
export async function zipPackage(entries: ReadonlyArray<{ readonly name: string; readonly data: Buffer }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const mtime = new Date();
  for (const entry of entries) zip.addBuffer(entry.data, entry.name, { compress: true, mtime });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// ------------------------------------------------------------------------------------ CFB glue

interface CfbEntry { readonly name: string; readonly content?: Uint8Array | number[] | null; readonly type?: number }
interface CfbContainer { readonly FileIndex: CfbEntry[]; readonly FullPaths: string[] }
interface CfbApi {
  read(data: Uint8Array, opts: { type: 'buffer' }): CfbContainer;
  write(cfb: CfbContainer, opts: { type: 'buffer' }): Uint8Array;
  utils: {
    cfb_new(): CfbContainer;
    cfb_add(cfb: CfbContainer, path: string, content: Uint8Array): unknown;
  };
}
const CFB = XLSX.CFB as CfbApi;

let summaryCache: ReadonlyArray<readonly [string, Buffer]> | undefined;

/**
 * `\u0005SummaryInformation` (Author, LastAuthor = weblogic) and `\u0005DocumentSummaryInformation`,
 * produced once by SheetJS from a one-cell workbook (a few ms, once per process).
 */
function summaryStreams(): ReadonlyArray<readonly [string, Buffer]> {
  if (summaryCache) return summaryCache;
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['x']]), RESULTS_SHEET_NAME);
  wb.Props = { Author: RESULTS_AUTHOR, LastAuthor: RESULTS_AUTHOR };
  const bytes = XLSX.write(wb, { bookType: 'biff8', type: 'buffer' }) as Buffer;
  const cfb = CFB.read(bytes, { type: 'buffer' });
  const out: Array<readonly [string, Buffer]> = [];
  for (const entry of cfb.FileIndex) {
    if (entry.type === 2 && entry.name.startsWith('\u0005') && entry.content) {
      out.push([entry.name, Buffer.from(entry.content)]);
    }
  }
  summaryCache = out;
  return out;
}

// ------------------------------------------------------------------------------------ BIFF8

/** A growing little-endian byte writer. */
class Bytes {
  buf: Buffer;
  pos = 0;
  constructor(initial: number) { this.buf = Buffer.alloc(initial); }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v: number): void { this.ensure(1); this.buf[this.pos++] = v & 0xff; }
  u16(v: number): void { this.ensure(2); this.buf.writeUInt16LE(v & 0xffff, this.pos); this.pos += 2; }
  u32(v: number): void { this.ensure(4); this.buf.writeUInt32LE(v >>> 0, this.pos); this.pos += 4; }
  f64(v: number): void { this.ensure(8); this.buf.writeDoubleLE(v, this.pos); this.pos += 8; }
  /** Characters of `s` from `from` (count `n`), 1 byte each (latin1) or 2 (UTF-16LE). */
  chars(s: string, from: number, n: number, wide: boolean): void {
    const bytes = wide ? 2 * n : n;
    this.ensure(bytes);
    this.pos += this.buf.write(s.slice(from, from + n), this.pos, bytes, wide ? 'utf16le' : 'latin1');
  }
  result(): Buffer { return this.buf.subarray(0, this.pos); }
}

const MAX_RECORD_DATA = 8224;

class BiffWriter {
  readonly b: Bytes;
  private recStart = -1;
  constructor(initial: number) { this.b = new Bytes(initial); }

  /** Opens a record; its length is patched by `end()`. Returns the stream offset of its header. */
  begin(type: number): number {
    if (this.recStart !== -1) throw new Error('record already open');
    const at = this.b.pos;
    this.b.u16(type);
    this.b.u16(0);
    this.recStart = at;
    return at;
  }
  end(): void {
    const len = this.b.pos - this.recStart - 4;
    if (len > MAX_RECORD_DATA) throw new Error(`BIFF record too long: ${len}`);
    this.b.buf.writeUInt16LE(len, this.recStart + 2);
    this.recStart = -1;
  }
  /** Bytes still free in the open record. */
  room(): number { return MAX_RECORD_DATA - (this.b.pos - this.recStart - 4); }

  rec(type: number, fill?: (b: Bytes) => void): void {
    this.begin(type);
    fill?.(this.b);
    this.end();
  }
  recU16(type: number, v: number): void { this.rec(type, (b) => b.u16(v)); }
}

function isWide(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u00ff]/.test(s);
}

/** ShortXLUnicodeString: cch (1 byte), fHighByte, characters. */
function shortString(b: Bytes, s: string): void {
  const wide = isWide(s);
  b.u8(s.length);
  b.u8(wide ? 1 : 0);
  b.chars(s, 0, s.length, wide);
}

/** Excel's limit for one cell's text. */
const MAX_CELL_CHARS = 32767;
const XF_CELL = 15; // the default cell XF, as POI writes it
const T = {
  BOF: 0x0809, EOF: 0x000a, INTERFACEHDR: 0x00e1, MMS: 0x00c1, INTERFACEEND: 0x00e2, WRITEACCESS: 0x005c,
  CODEPAGE: 0x0042, DSF: 0x0161, RRTABID: 0x013d, FNGROUPCOUNT: 0x009c, WINPROTECT: 0x0019, PROTECT: 0x0012,
  PASSWORD: 0x0013, PROT4REV: 0x01af, PROT4REVPASS: 0x01bc, WINDOW1: 0x003d, BACKUP: 0x0040, HIDEOBJ: 0x008d,
  DATE1904: 0x0022, CALCPRECISION: 0x000e, REFRESHALL: 0x01b7, BOOKBOOL: 0x00da, FONT: 0x0031, XF: 0x00e0,
  STYLE: 0x0293, USESELFS: 0x0160, BOUNDSHEET8: 0x0085, COUNTRY: 0x008c, SST: 0x00fc, CONTINUE: 0x003c,
  EXTSST: 0x00ff, CALCMODE: 0x000d, CALCCOUNT: 0x000c, CALCREFMODE: 0x000f, CALCITER: 0x0011,
  CALCDELTA: 0x0010, CALCSAVERECALC: 0x005f, PRINTROWCOL: 0x002a, PRINTGRID: 0x002b, GRIDSET: 0x0082,
  GUTS: 0x0080, DEFAULTROWHEIGHT: 0x0225, WSBOOL: 0x0081, HCENTER: 0x0083, VCENTER: 0x0084,
  DEFCOLWIDTH: 0x0055, DIMENSIONS: 0x0200, LABELSST: 0x00fd, NUMBER: 0x0203, WINDOW2: 0x023e,
} as const;

function bof(w: BiffWriter, dt: 0x0005 | 0x0010): void {
  // BIFF8, POI's build/year/history values.
  w.rec(T.BOF, (b) => { b.u16(0x0600); b.u16(dt); b.u16(0x10d3); b.u16(0x07cc); b.u32(0x00000041); b.u32(0x00000006); });
}

function xf(w: BiffWriter, style: boolean, usedAttrib: number): void {
  w.rec(T.XF, (b) => {
    b.u16(0); // ifnt
    b.u16(0); // ifmt: General
    b.u16(style ? 0xfff5 : 0x0001); // fLocked; style: fStyle + ixfParent 0xFFF; cell: parent XF 0
    b.u8(0x20); // alc general, alcV bottom
    b.u8(0); // trot
    b.u8(0); // indent, shrink, read order
    b.u8(usedAttrib);
    b.u32(0); // borders
    b.u32(0); // border colours, fill pattern none
    b.u16(0x20c0); // icvFore 64, icvBack 65
  });
}

interface SstIndex { readonly strings: string[]; readonly ids: Map<string, number>; total: number }

function sstId(sst: SstIndex, s: string): number {
  sst.total++;
  let id = sst.ids.get(s);
  if (id === undefined) {
    id = sst.strings.length;
    sst.strings.push(s);
    sst.ids.set(s, id);
  }
  return id;
}

/** SST + CONTINUE records, then ExtSST. Strings never split their 3-byte header; chars split with a new flags byte. */
function writeSst(w: BiffWriter, sst: SstIndex): void {
  const n = sst.strings.length;
  const dsst = Math.max(8, Math.ceil(n / 128));
  const buckets: Array<readonly [number, number]> = [];
  let recAt = w.begin(T.SST);
  w.b.u32(sst.total);
  w.b.u32(n);
  for (let k = 0; k < n; k++) {
    const s = sst.strings[k] as string;
    const wide = isWide(s);
    const cs = wide ? 2 : 1;
    if (w.room() < 3 + cs) { w.end(); recAt = w.begin(T.CONTINUE); }
    if (k % dsst === 0) buckets.push([w.b.pos, w.b.pos - recAt]);
    w.b.u16(s.length);
    w.b.u8(wide ? 1 : 0);
    let i = 0;
    while (i < s.length) {
      const fit = Math.floor(w.room() / cs);
      if (fit === 0) {
        w.end();
        recAt = w.begin(T.CONTINUE);
        w.b.u8(wide ? 1 : 0);
        continue;
      }
      const take = Math.min(fit, s.length - i);
      w.b.chars(s, i, take, wide);
      i += take;
    }
  }
  w.end();
  w.rec(T.EXTSST, (b) => {
    b.u16(dsst);
    for (const [ib, cbOffset] of buckets) { b.u32(ib); b.u16(cbOffset); b.u16(0); }
  });
}

function writeWorkbookStream(header: readonly string[], rows: readonly ResultsSheetRow[]): Buffer {
  // Cells first (their SST ids decide the SST), then globals, then splice the sheet after them.
  const sst: SstIndex = { strings: [], ids: new Map(), total: 0 };
  const sheet = new BiffWriter(256 + rows.length * 60);
  bof(sheet, 0x0010);
  sheet.recU16(T.CALCMODE, 1);
  sheet.recU16(T.CALCCOUNT, 100);
  sheet.recU16(T.CALCREFMODE, 1);
  sheet.recU16(T.CALCITER, 0);
  sheet.rec(T.CALCDELTA, (b) => b.f64(0.001));
  sheet.recU16(T.CALCSAVERECALC, 1);
  sheet.recU16(T.PRINTROWCOL, 0);
  sheet.recU16(T.PRINTGRID, 0);
  sheet.recU16(T.GRIDSET, 1);
  sheet.rec(T.GUTS, (b) => { b.u32(0); b.u32(0); });
  sheet.rec(T.DEFAULTROWHEIGHT, (b) => { b.u16(0); b.u16(0x00ff); });
  sheet.recU16(T.WSBOOL, 0x04c1);
  sheet.recU16(T.HCENTER, 0);
  sheet.recU16(T.VCENTER, 0);
  sheet.recU16(T.DEFCOLWIDTH, 8);
  sheet.rec(T.DIMENSIONS, (b) => { b.u32(0); b.u32(rows.length + 1); b.u16(0); b.u16(header.length); b.u16(0); });
  const label = (r: number, c: number, s: string): void => {
    const id = sstId(sst, s.length > MAX_CELL_CHARS ? s.slice(0, MAX_CELL_CHARS) : s);
    sheet.rec(T.LABELSST, (b) => { b.u16(r); b.u16(c); b.u16(XF_CELL); b.u32(id); });
  };
  const number = (r: number, c: number, v: number): void => {
    sheet.rec(T.NUMBER, (b) => { b.u16(r); b.u16(c); b.u16(XF_CELL); b.f64(v); });
  };
  header.forEach((h, c) => label(0, c, h));
  rows.forEach((row, i) => {
    // A string is always a text cell, even "0001"; only numbers are NUMBER cells.
    row.forEach((cell, c) => (typeof cell === 'number' ? number(i + 1, c, cell) : label(i + 1, c, cell)));
  });
  sheet.rec(T.WINDOW2, (b) => { b.u16(0x06b6); b.u32(0); b.u32(64); b.u32(0); b.u32(0); });
  sheet.rec(T.EOF);
  const sheetBytes = sheet.b.result();

  const g = new BiffWriter(4096 + sst.strings.reduce((a, s) => a + 3 + 2 * s.length, 0) * 1.05);
  bof(g, 0x0005);
  g.recU16(T.INTERFACEHDR, 0x04b0);
  g.recU16(T.MMS, 0);
  g.rec(T.INTERFACEEND);
  g.rec(T.WRITEACCESS, (b) => {
    // XLUnicodeString user name, space-padded to 112 bytes.
    b.u16(RESULTS_AUTHOR.length); b.u8(0); b.chars(RESULTS_AUTHOR, 0, RESULTS_AUTHOR.length, false);
    for (let i = 3 + RESULTS_AUTHOR.length; i < 112; i++) b.u8(0x20);
  });
  g.recU16(T.CODEPAGE, 0x04b0); // 1200 = UTF-16LE, as in SEP's file
  g.recU16(T.DSF, 0);
  g.recU16(T.RRTABID, 0);
  g.recU16(T.FNGROUPCOUNT, 0x000e);
  g.recU16(T.WINPROTECT, 0);
  g.recU16(T.PROTECT, 0);
  g.recU16(T.PASSWORD, 0);
  g.recU16(T.PROT4REV, 0);
  g.recU16(T.PROT4REVPASS, 0);
  g.rec(T.WINDOW1, (b) => {
    b.u16(0x0168); b.u16(0x010e); b.u16(0x3a5c); b.u16(0x23be); b.u16(0x0038); b.u16(0); b.u16(0); b.u16(1); b.u16(0x0258);
  });
  g.recU16(T.BACKUP, 0);
  g.recU16(T.HIDEOBJ, 0);
  g.recU16(T.DATE1904, 0);
  g.recU16(T.CALCPRECISION, 1);
  g.recU16(T.REFRESHALL, 0);
  g.recU16(T.BOOKBOOL, 0);
  for (let i = 0; i < 4; i++) {
    // Arial 10 pt, regular, automatic colour (font index 4 is reserved in BIFF, so four records).
    g.rec(T.FONT, (b) => {
      b.u16(200); b.u16(0); b.u16(0x7fff); b.u16(400); b.u16(0); b.u8(0); b.u8(0); b.u8(0); b.u8(0);
      shortString(b, 'Arial');
    });
  }
  xf(g, true, 0x00); // XF 0: Normal style
  for (let i = 1; i < 15; i++) xf(g, true, 0xf4);
  xf(g, false, 0x00); // XF 15: default cell format
  g.rec(T.STYLE, (b) => { b.u16(0x8000); b.u8(0); b.u8(0xff); }); // built-in "Normal" → XF 0
  g.recU16(T.USESELFS, 0);
  const boundSheetAt = g.b.pos;
  g.rec(T.BOUNDSHEET8, (b) => { b.u32(0); b.u8(0); b.u8(0); shortString(b, RESULTS_SHEET_NAME); });
  g.rec(T.COUNTRY, (b) => { b.u16(1); b.u16(1); });
  writeSst(g, sst);
  g.rec(T.EOF);
  const globals = g.b.result();
  globals.writeUInt32LE(globals.length, boundSheetAt + 4); // lbPlyPos: the sheet's BOF
  return Buffer.concat([globals, sheetBytes]);
}
