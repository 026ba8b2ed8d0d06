/**
 * Reads back the PDFs pdfkit writes (not a general PDF parser): objects with their dictionaries and
 * (inflated) streams, pages in order with their MediaBox, the text lines of each page with their
 * position, and the image XObjects as pixels. Test code only.
 */
import { inflateSync } from 'node:zlib';

export interface PdfObject {
  readonly id: number;
  readonly dict: string;
  /** The stream, inflated when /Filter /FlateDecode; undefined for objects without one. */
  readonly data?: Buffer;
}

export interface TextLine {
  readonly text: string;
  /** Baseline position in PDF user space (origin bottom-left). */
  readonly x: number;
  readonly y: number;
}

export interface PdfPage {
  readonly id: number;
  readonly mediaBox: readonly number[];
  readonly lines: readonly TextLine[];
  readonly images: readonly string[];
}

const OBJ = /(\d+) 0 obj\s*/g;

/** The dictionary starting at `start` (which must be `<<`), balanced on `<<`/`>>`. */
function dictAt(text: string, start: number): string {
  let depth = 0;
  for (let i = start; i < text.length - 1; i++) {
    if (text[i] === '<' && text[i + 1] === '<') {
      depth++;
      i++;
    } else if (text[i] === '>' && text[i + 1] === '>') {
      depth--;
      i++;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  throw new Error(`unbalanced dictionary at ${start}`);
}

export function pdfObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  OBJ.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = OBJ.exec(text)) !== null) {
    const id = Number(m[1]);
    const start = m.index + m[0].length;
    if (!text.startsWith('<<', start)) {
      objects.set(id, { id, dict: text.slice(start, text.indexOf('endobj', start)).trim() });
      continue;
    }
    const dict = dictAt(text, start);
    let after = start + dict.length;
    while (/\s/.test(text[after] ?? '')) after++;
    if (!text.startsWith('stream', after)) {
      objects.set(id, { id, dict });
      OBJ.lastIndex = after;
      continue;
    }
    const length = /\/Length (\d+)/.exec(dict);
    if (!length) throw new Error(`object ${id}: stream without a direct /Length`);
    let dataStart = after + 'stream'.length;
    if (text[dataStart] === '\r') dataStart++;
    if (text[dataStart] === '\n') dataStart++;
    const raw = pdf.subarray(dataStart, dataStart + Number(length[1]));
    const data = /\/Filter \/FlateDecode/.test(dict) ? inflateSync(raw) : raw;
    objects.set(id, { id, dict, data });
    OBJ.lastIndex = dataStart + raw.length;
  }
  return objects;
}

/** Number of page objects (`/Type /Page`, not `/Pages`). */
export function countPageObjects(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type \/Page(?![a-zA-Z])/g) ?? []).length;
}

const ref = (dict: string, key: string): number | undefined => {
  const m = new RegExp(`/${key} (\\d+) 0 R`).exec(dict);
  return m ? Number(m[1]) : undefined;
};

/** Hex strings of a TJ array, decoded as WinAnsi (Latin-1 for every character the documents use). */
function decodeTj(array: string): string {
  let out = '';
  for (const m of array.matchAll(/<([0-9a-fA-F]*)>/g)) out += Buffer.from(m[1] ?? '', 'hex').toString('latin1');
  for (const m of array.matchAll(/\(((?:\\.|[^\\)])*)\)/g)) out += m[1] ?? '';
  return out;
}

/** Text lines of a content stream, in drawing order, with the position of their text matrix. */
export function textLines(content: string): TextLine[] {
  const lines: TextLine[] = [];
  let x = 0;
  let y = 0;
  const re = /(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) Tm|\[((?:<[0-9a-fA-F]*>|\((?:\\.|[^\\)])*\)|\s|-?[\d.]+)*)\]\s*TJ/g;
  for (const m of content.matchAll(re)) {
    if (m[7] === undefined) {
      x = Number(m[5]);
      y = Number(m[6]);
    } else {
      lines.push({ text: decodeTj(m[7]), x, y });
    }
  }
  return lines;
}

/** Pages in document order (the /Kids of the root /Pages). */
export function pdfPages(pdf: Buffer): PdfPage[] {
  const objects = pdfObjects(pdf);
  const tree = [...objects.values()].find((o) => /\/Type \/Pages\b/.test(o.dict));
  if (!tree) throw new Error('no /Pages');
  const kids = /\/Kids \[([^\]]*)\]/.exec(tree.dict)?.[1] ?? '';
  return [...kids.matchAll(/(\d+) 0 R/g)].map((k) => {
    const page = objects.get(Number(k[1]));
    if (!page) throw new Error(`missing page ${k[1]}`);
    const box = /\/MediaBox \[([^\]]*)\]/.exec(page.dict)?.[1] ?? '';
    const contentsId = ref(page.dict, 'Contents');
    const content = contentsId === undefined ? '' : (objects.get(contentsId)?.data?.toString('latin1') ?? '');
    const resources = objects.get(ref(page.dict, 'Resources') ?? -1)?.dict ?? '';
    const xobjects = /\/XObject <<([^>]*)>>/.exec(resources)?.[1] ?? '';
    const used = new Set([...content.matchAll(/\/(\w+) Do/g)].map((d) => d[1]));
    const images = [...xobjects.matchAll(/\/(\w+) (\d+) 0 R/g)].filter((x) => used.has(x[1])).map((x) => x[2] as string);
    return { id: page.id, mediaBox: box.trim().split(/\s+/).map(Number), lines: textLines(content), images };
  });
}

export interface PdfImage {
  readonly id: number;
  readonly width: number;
  readonly height: number;
  readonly colorSpace: string;
  readonly pixels: Buffer;
}

/** Image XObjects (`/Subtype /Image`) with their decoded samples (8 bits per component). */
export function pdfImages(pdf: Buffer): PdfImage[] {
  return [...pdfObjects(pdf).values()]
    .filter((o) => /\/Subtype \/Image\b/.test(o.dict))
    .map((o) => ({
      id: o.id,
      width: Number(/\/Width (\d+)/.exec(o.dict)?.[1]),
      height: Number(/\/Height (\d+)/.exec(o.dict)?.[1]),
      colorSpace: /\/ColorSpace \/(\w+)/.exec(o.dict)?.[1] ?? '',
      pixels: o.data ?? Buffer.alloc(0),
    }));
}

export function allText(pages: readonly PdfPage[]): string {
  return pages.map((p) => p.lines.map((l) => l.text).join('\n')).join('\n');
}

/**
 * Whether an RGB image is the QR code of `text` drawn with `margin` quiet modules and `scale` pixels
 * per module: every module's centre pixel is dark exactly where the symbol has a dark module.
 */
export function isQrOf(image: PdfImage, modules: { readonly size: number; get(row: number, col: number): number | boolean }, margin: number, scale: number): boolean {
  const side = (modules.size + 2 * margin) * scale;
  if (image.colorSpace !== 'DeviceRGB' || image.width !== side || image.height !== side) return false;
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      const px = (margin + col) * scale + Math.floor(scale / 2);
      const py = (margin + row) * scale + Math.floor(scale / 2);
      const dark = (image.pixels[(py * image.width + px) * 3] ?? 255) < 128;
      if (dark !== Boolean(modules.get(row, col))) return false;
    }
  }
  return true;
}
