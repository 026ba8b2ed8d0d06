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
import yauzl from 'yauzl';
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
export async function loteZip(signer: MintedCredential, today: string, folioList: readonly string[]): Promise<LoteZip> {
  const zip = new yazl.ZipFile();
  const names: string[] = [];
  let xmlBytes = 0;
  const mtime = new Date();
  for (const folio of folioList) {
    const bytes = tituloBytes(signer, today, folio);
    const name = `TITULO_${folio}.xml`;
    names.push(name);
    xmlBytes += bytes.length;
    zip.addBuffer(bytes, name, { compress: true, mtime });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return { zip: Buffer.concat(chunks), folios: folioList, names, xmlBytes };
}

/** The inflated entries of a zip, in order (for checking downloaded results). */
export function readZipEntries(zip: Buffer): Promise<Array<{ name: string; data: Buffer }>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error ?? new Error('no zipfile'));
      const entries: Array<{ name: string; data: Buffer }> = [];
      file.on('error', reject);
      file.on('entry', (entry: yauzl.Entry) =>
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            file.readEntry();
          });
        }),
      );
      file.on('end', () => resolve(entries));
      file.readEntry();
    });
  });
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
