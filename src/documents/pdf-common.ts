/**
 * What the printable documents share: page sizes, WinAnsi-safe text, Spanish dates, the QR code and
 * a small top-down layout helper over pdfkit with explicit page breaks.
 *
 * Only pdfkit's standard fonts are used (Helvetica, Helvetica-Bold, Helvetica-Oblique, Courier):
 * nothing to embed or ship, and their WinAnsi encoding covers Spanish (á é í ó ú ü ñ, ¿ ¡, and the
 * capitals). Anything outside WinAnsi is printed as `?` (see pdfText).
 *
 * Every page is laid out with zero pdfkit margins and positions computed here, so pdfkit never adds
 * a page on its own: page breaks happen only in Layout.ensure.
 */
import PDFDocument from 'pdfkit';
import * as QRCode from 'qrcode';

const POINTS_PER_MM = 72 / 25.4;
const mm = (value: number): number => Math.round(value * POINTS_PER_MM * 100) / 100;

/** México's "oficio" sheet, 216 × 340 mm: 612.28 × 963.78 pt. */
export const OFICIO: readonly [number, number] = [mm(216), mm(340)];
/** US letter, 8.5 × 11 in (215.9 × 279.4 mm): 612 × 792 pt. */
export const CARTA: readonly [number, number] = [612, 792];

export const FONT = 'Helvetica';
export const FONT_BOLD = 'Helvetica-Bold';
export const FONT_ITALIC = 'Helvetica-Oblique';
export const FONT_MONO = 'Courier';
/** Courier's advance width is 600/1000 em for every glyph. */
const MONO_ADVANCE = 0.6;

export const GRAY = '#555555';
export const LIGHT = '#e8e8e8';
export const RULE = '#999999';

/** Printed on every page: a document from the emulator is never an official one. */
export const EMULATOR_NOTICE = 'Representación impresa generada por METMEC, emulador de pruebas de los servicios de la SEP. Sin validez oficial.';

// WinAnsi (CP1252) characters outside Latin-1's printable ranges.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * Text the standard fonts can show: NFC (so a decomposed "a + ◌́" becomes "á"), control characters
 * and line breaks as spaces, anything outside WinAnsi as `?`.
 */
export function pdfText(value: string): string {
  let out = '';
  for (const ch of value.normalize('NFC')) {
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0x09 || code === 0x0a || code === 0x0d) out += ' ';
    else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else out += '?';
  }
  return out;
}

/** At most `max` characters, the cut marked with `...`: a document value never takes over a page. */
export function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, Math.max(0, max - 3))}...`;
}

/** Longest value printed in a field or a table cell (sellos are printed whole). */
export const MAX_FIELD_CHARS = 300;

// ------------------------------------------------------------------------------------ dates

export const MESES = ['ENERO', 'FEBRERO', 'MARZO', 'ABRIL', 'MAYO', 'JUNIO', 'JULIO', 'AGOSTO', 'SEPTIEMBRE', 'OCTUBRE', 'NOVIEMBRE', 'DICIEMBRE'] as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}:\d{2})Z?)?$/;

function dateParts(value: string): { year: string; month: string; day: number; time: string | undefined } | undefined {
  const m = DATE.exec(value);
  if (!m) return undefined;
  const month = MESES[Number(m[2]) - 1];
  const day = Number(m[3]);
  if (month === undefined || day < 1 || day > 31) return undefined;
  return { year: m[1] as string, month, day, time: m[4] };
}

/** `2014-08-29T00:00:00` → `AGOSTO DE 2014` (how the printed DEC shows the RVOE date, spec §1.5); as written when unreadable. */
export function mesAnio(value: string): string {
  const p = dateParts(value);
  return p ? `${p.month} DE ${p.year}` : value;
}

/** `2020-03-06T00:00:00` → `6 DE MARZO DE 2020`; as written when unreadable. */
export function fechaLarga(value: string): string {
  const p = dateParts(value);
  return p ? `${p.day} DE ${p.month} DE ${p.year}` : value;
}

/** `2025-06-16T10:30:00` → `16 DE JUNIO DE 2025, 10:30:00 H`; the time only when written. */
export function fechaHora(value: string): string {
  const p = dateParts(value);
  if (!p) return value;
  return p.time === undefined ? fechaLarga(value) : `${fechaLarga(value)}, ${p.time} H`;
}

// ------------------------------------------------------------------------------------ QR

/** Error correction M, a 2-module quiet zone (the page around it is white), 6 px per module. */
export const QR_OPTIONS = Object.freeze({ errorCorrectionLevel: 'M', margin: 2, scale: 6 } as const);

/** A PNG of the QR code for `text`; RangeError when the text does not fit in a QR code (about 2,300 bytes). */
export async function qrPng(text: string): Promise<Buffer> {
  try {
    return await QRCode.toBuffer(text, { type: 'png', ...QR_OPTIONS });
  } catch (error) {
    throw new RangeError(`cannot encode a ${Buffer.byteLength(text)}-byte text in a QR code: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

// ------------------------------------------------------------------------------------ document

export interface DocumentInfo {
  readonly title: string;
  readonly subject: string;
}

export function newDocument(size: readonly [number, number], info: DocumentInfo): PDFKit.PDFDocument {
  return new PDFDocument({
    size: [size[0], size[1]],
    margin: 0,
    bufferPages: true,
    autoFirstPage: true,
    lang: 'es-MX',
    info: { Title: pdfText(info.title), Subject: pdfText(info.subject), Author: 'METMEC (emulador)', Creator: 'metmec', Producer: 'metmec (pdfkit)' },
  });
}

/** Ends the document and resolves with its bytes. Call before drawing anything (it starts reading). */
export function collect(doc: PDFKit.PDFDocument): { readonly done: Promise<Buffer> } {
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { done };
}

export interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface TextStyle {
  readonly font?: string;
  readonly size?: number;
  readonly color?: string;
  readonly align?: 'left' | 'center' | 'right';
}

const shown = (value: string): string => (value === '' ? ' ' : clip(value, MAX_FIELD_CHARS));

/**
 * A cursor that writes top-down inside `box` and moves to a new page when the next block does not
 * fit. `onNewPage` draws the continuation header and returns where the content starts.
 */
export class Layout {
  y: number;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly box: Box,
    private readonly onNewPage: (layout: Layout) => void = () => {},
  ) {
    this.y = box.top;
  }

  get width(): number {
    return this.box.right - this.box.left;
  }

  /** Starts a new page when `height` more points do not fit; true when it did. */
  ensure(height: number): boolean {
    if (this.y + height <= this.box.bottom) return false;
    this.doc.addPage();
    this.y = this.box.top;
    this.onNewPage(this);
    return true;
  }

  style(s: TextStyle): this {
    this.doc
      .font(s.font ?? FONT)
      .fontSize(s.size ?? 9)
      .fillColor(s.color ?? 'black');
    return this;
  }

  /** Height of `text` wrapped at `width` in style `s`. */
  measure(text: string, width: number, s: TextStyle = {}): number {
    this.style(s);
    return this.doc.heightOfString(pdfText(text), { width, lineGap: 0 });
  }

  /** Draws `text` at (x, y) wrapped at `width`, without moving the cursor; returns its height. */
  textAt(text: string, x: number, y: number, width: number, s: TextStyle = {}): number {
    const clean = pdfText(text);
    this.style(s);
    const height = this.doc.heightOfString(clean, { width, lineGap: 0 });
    this.doc.text(clean, x, y, { width, align: s.align ?? 'left', lineGap: 0 });
    return height;
  }

  /** A paragraph across the box; moves the cursor below it (plus `after`). */
  paragraph(text: string, s: TextStyle = {}, after = 2): void {
    const height = this.measure(text, this.width, s);
    this.ensure(height);
    this.textAt(text, this.box.left, this.y, this.width, s);
    this.y += height + after;
  }

  /** A section title with a rule under it. */
  heading(text: string, keepWith = 24): void {
    this.ensure(14 + keepWith);
    this.y += 4;
    this.textAt(text, this.box.left, this.y, this.width, { font: FONT_BOLD, size: 9 });
    this.y += 11;
    this.doc.moveTo(this.box.left, this.y).lineTo(this.box.right, this.y).lineWidth(0.5).strokeColor(RULE).stroke();
    this.y += 3;
  }

  /**
   * Label/value pairs in `columns` columns (each pair: bold label above the value). A row moves to
   * the next page as a whole.
   */
  fields(pairs: ReadonlyArray<readonly [string, string]>, columns = 2, s: { size?: number } = {}): void {
    const size = s.size ?? 8.5;
    const gap = 10;
    const colWidth = (this.width - gap * (columns - 1)) / columns;
    for (let i = 0; i < pairs.length; i += columns) {
      const row = pairs.slice(i, i + columns);
      const heights = row.map(([label, value]) => this.measure(label, colWidth, { font: FONT_BOLD, size: size - 1.5 }) + this.measure(shown(value), colWidth, { size }));
      const height = Math.max(...heights) + 4;
      this.ensure(height);
      row.forEach(([label, value], k) => {
        const x = this.box.left + k * (colWidth + gap);
        const labelHeight = this.textAt(label, x, this.y, colWidth, { font: FONT_BOLD, size: size - 1.5, color: GRAY });
        this.textAt(shown(value), x, this.y + labelHeight, colWidth, { size });
      });
      this.y += height;
    }
  }

  /**
   * A long unbroken value (a sello) in Courier, cut into lines that fit the width exactly (Courier is
   * monospaced), under a bold label. Lines move to the next page one by one.
   */
  monoBlock(label: string, value: string, size = 6.5): void {
    const perLine = Math.max(1, Math.floor(this.width / (size * MONO_ADVANCE)));
    const clean = pdfText(value);
    const lines: string[] = [];
    for (let i = 0; i < clean.length; i += perLine) lines.push(clean.slice(i, i + perLine));
    if (lines.length === 0) lines.push('');
    const lineHeight = size * 1.2;
    this.ensure(10 + lineHeight * Math.min(lines.length, 3));
    this.textAt(label, this.box.left, this.y, this.width, { font: FONT_BOLD, size: 7, color: GRAY });
    this.y += 9;
    for (const line of lines) {
      this.ensure(lineHeight);
      this.style({ font: FONT_MONO, size });
      this.doc.text(line, this.box.left, this.y, { lineBreak: false });
      this.y += lineHeight;
    }
    this.y += 3;
  }
}

/**
 * Writes the running footer on every page once the page count is known: the emulator notice, a
 * left text (e.g. the folio) and `HOJA i DE n`.
 */
export function footers(doc: PDFKit.PDFDocument, box: Box, pageHeight: number, left: string): void {
  const range = doc.bufferedPageRange();
  const y = box.bottom + (pageHeight - box.bottom) / 2 - 8;
  const width = box.right - box.left;
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.moveTo(box.left, y - 4).lineTo(box.right, y - 4).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.font(FONT).fontSize(7).fillColor(GRAY);
    doc.text(pdfText(clip(left, 90)), box.left, y, { width: width / 2, lineBreak: false });
    doc.text(`HOJA ${i - range.start + 1} DE ${range.count}`, box.left + width / 2, y, { width: width / 2, align: 'right', lineBreak: false });
    doc.font(FONT_ITALIC).fontSize(6.5).text(pdfText(EMULATOR_NOTICE), box.left, y + 10, { width, align: 'center', lineBreak: false });
  }
}

/** The document's header lines (issuing authority). */
export function letterhead(layout: Layout, lines: readonly string[]): void {
  const [first, ...rest] = lines;
  if (first !== undefined) {
    layout.textAt(first, layout.box.left, layout.y, layout.width, { font: FONT_BOLD, size: 11, align: 'center' });
    layout.y += 14;
  }
  for (const line of rest) {
    layout.y += layout.textAt(line, layout.box.left, layout.y, layout.width, { size: 8, align: 'center', color: GRAY }) + 1;
  }
  layout.y += 6;
}
