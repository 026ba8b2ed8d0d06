/**
 * What DGAIR hands back for a solicitud (spec met-titulos.md §2.8: W1 imports "DGAIR's ZIP of
 * authenticated XMLs and a separate ZIP of PDF constancias"): one zip of XMLs and one of PDFs,
 * each entry named after the título's folioControl.
 */
import yazl from 'yazl';
import { parseSafeXml } from '../intake/xml.js';

export interface AuthenticatedTitulo {
  readonly folio_control: string;
  readonly folio_digital: string;
  readonly xml: Uint8Array;
}

const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/**
 * `<folioControl>.<ext>`; a folioControl that is not a safe flat file name (a path separator, a
 * leading dot, a space…) gets those characters replaced and the folioDigital appended, so names
 * stay distinct.
 */
export function entryName(t: Pick<AuthenticatedTitulo, 'folio_control' | 'folio_digital'>, extension: 'xml' | 'pdf'): string {
  if (SAFE_NAME.test(t.folio_control)) return `${t.folio_control}.${extension}`;
  const safe = t.folio_control.slice(0, 60).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\./, '_');
  return `${safe}-${t.folio_digital}.${extension}`;
}

export function bytesOf(xml: Uint8Array): Buffer {
  return Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength);
}

export async function titulosZip(titulos: readonly AuthenticatedTitulo[]): Promise<Buffer> {
  return zip(titulos.map((t) => ({ name: entryName(t, 'xml'), bytes: bytesOf(t.xml) })));
}

/** The constancia of a stored authenticated título, its QR pointing at `verifyUrl`. */
export async function constanciaPdf(xml: Uint8Array, verifyUrl: string): Promise<Buffer> {
  const parsed = parseSafeXml(xml);
  if (!parsed.ok) throw new Error('a stored authenticated título does not parse');
  // Loaded on first use: the PDF libraries are a tenth of the service's memory at rest.
  const { renderConstanciaTituloPdf } = await import('../documents/constancia-titulo-pdf.js');
  return renderConstanciaTituloPdf(parsed.root, { verifyUrl });
}

export async function constanciasZip(titulos: readonly AuthenticatedTitulo[], verifyUrl: (folioDigital: string) => string): Promise<Buffer> {
  const entries: Array<{ name: string; bytes: Buffer }> = [];
  for (const t of titulos) entries.push({ name: entryName(t, 'pdf'), bytes: await constanciaPdf(t.xml, verifyUrl(t.folio_digital)) });
  return zip(entries);
}

async function zip(entries: ReadonlyArray<{ name: string; bytes: Buffer }>): Promise<Buffer> {
  const file = new yazl.ZipFile();
  const mtime = new Date();
  for (const e of entries) file.addBuffer(e.bytes, e.name, { compress: true, mtime });
  file.end();
  const chunks: Buffer[] = [];
  for await (const chunk of file.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
