/**
 * Benchmark fixtures: one minted signer, valid signed títulos with distinct folioControl values,
 * and the zips that carry them. Everything here runs BEFORE any timed section.
 *
 * The títulos come from the project's own test fixture (test/support/titulo-fixture.ts), which signs
 * over a cadena it builds independently of src/, so a valid result in the benchmark is a real pass.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { mexicoCityDate } from '../src/domain/dates.js';
import { mintEfirma, type MintedCredential } from '../test/support/pki.js';
import { buildTitulo, DEFAULT_CVE_INSTITUCION, tituloXml } from '../test/support/titulo-fixture.js';

export const BENCH_CVE_INSTITUCION = DEFAULT_CVE_INSTITUCION;
export const BENCH_USUARIO = `usuariomet.qa${BENCH_CVE_INSTITUCION}`;
export const BENCH_PASSWORD = 'bench-password-1';

/** The service date the títulos are valid for (the app's clock is the system clock). */
export function benchToday(): string {
  return mexicoCityDate(new Date());
}

/** One FIEL of a persona física, registered as the institution's only responsible signer. */
export function mintSigner(): MintedCredential {
  return mintEfirma();
}

/** A short tag that makes folios unique across runs against one database. */
export function runTag(): string {
  return `${Date.now().toString(36).slice(-5)}${randomBytes(2).toString('hex')}`.toUpperCase();
}

/** `count` distinct folioControl values: `<prefix>-000001` … */
export function folios(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(6, '0')}`);
}

/** A valid, signed TituloElectronico as UTF-8 bytes. */
export function tituloBytes(signer: MintedCredential, today: string, folioControl: string): Buffer {
  const built = buildTitulo({
    today,
    signers: [signer],
    edit: (values) => {
      values.root['folioControl'] = folioControl;
      values.institucion['cveInstitucion'] = BENCH_CVE_INSTITUCION;
    },
  });
  return Buffer.from(tituloXml(built.root), 'utf8');
}

export interface LoteZip {
  readonly zip: Buffer;
  readonly folios: readonly string[];
  readonly names: readonly string[];
  /** Sum of the XML documents' sizes (inflated bytes). */
  readonly xmlBytes: number;
}

/** A zip (deflate, level 6 as zip tools default to) of one valid título per folio. */
export function loteZip(signer: MintedCredential, today: string, folioList: readonly string[]): Promise<LoteZip> {
  return documentsZip(folioList, (folio) => ({ name: `TITULO_${folio}.xml`, bytes: tituloBytes(signer, today, folio) }));
}

/** A zip (deflate, level 6) of one document per folio, built by `document`, in folio order. */
export async function documentsZip(folioList: readonly string[], document: (folio: string, index: number) => { name: string; bytes: Buffer }): Promise<LoteZip> {
  const zip = new yazl.ZipFile();
  const names: string[] = [];
  let xmlBytes = 0;
  const mtime = new Date();
  folioList.forEach((folio, index) => {
    const { name, bytes } = document(folio, index);
    names.push(name);
    xmlBytes += bytes.length;
    zip.addBuffer(bytes, name, { compress: true, mtime });
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return { zip: Buffer.concat(chunks), folios: folioList, names, xmlBytes };
}


export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A private temporary directory, removed by the returned function. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `metmec-bench-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export { readZipEntries } from '../test/support/zip-entries.js';
