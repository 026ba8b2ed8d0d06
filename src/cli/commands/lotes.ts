import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import XLSX from '@e965/xlsx';
import yauzl from 'yauzl';
import { CliError, EXIT } from '../cli-error.js';
import type { Connection } from '../connection.js';
import { uploadOf } from '../input.js';

interface Check {
  code: string;
  status: string;
  node?: string;
  attribute?: string;
  expected?: string;
  found?: string;
  explanation?: string;
  detail?: Record<string, unknown>;
}
export interface LoteView {
  numeroLote: number;
  environment: string;
  status: string;
  nombreArchivo: string;
  receivedAt: string;
  processedAt: string | null;
  counts: { total: number; registered: number; rejected: number } | null;
  documents?: Array<{ archivo: string; estatus: number; descripcion: string; folioControl: string; checks: Check[] }>;
}

/** `upload FILE [--wait]`: sends a zip or one XML as a lote; prints numeroLote (and results with --wait). */
export async function upload(connection: Connection, file: string, options: { wait: boolean; verbose: boolean }): Promise<number> {
  const { bytes, contentType, nombreArchivo } = uploadOf(file);
  const query = new URLSearchParams({ nombreArchivo });
  if (options.wait) query.set('wait', 'true');
  const body = await connection.json<LoteView | { numeroLote: number; status: string; environment: string }>(`/api/v1/met/lotes?${query}`, {
    method: 'POST',
    auth: 'basic',
    headers: { 'content-type': contentType },
    body: bytes,
  });
  if ('counts' in body) return printLote(body, options.verbose);
  console.log(`numeroLote ${body.numeroLote} (${body.environment}): ${body.status}`);
  return EXIT.OK;
}

/** `status LOTE`: the lote's status and, when processed, each file's result and problems. */
export async function status(connection: Connection, numeroLote: number, verbose: boolean): Promise<number> {
  const lote = await connection.json<LoteView>(`/api/v1/met/lotes/${numeroLote}`, { method: 'GET', auth: 'basic' });
  return printLote(lote, verbose);
}

/** `download LOTE [--out FILE]`: saves SEP's results package and prints its sheet. */
export async function download(connection: Connection, numeroLote: number, out: string | undefined): Promise<number> {
  const zip = await connection.bytes(`/api/v1/met/lotes/${numeroLote}/resultado`, { method: 'GET', auth: 'basic' });
  const target = resolve(out ?? `ResultadoCargaTitulos${numeroLote}.zip`);
  writeFileSync(target, zip);
  const { name, bytes } = await singleEntry(zip);
  const workbook = XLSX.read(bytes, { type: 'buffer' });
  const sheetName = workbook.SheetNames[0] ?? '';
  const rows = XLSX.utils.sheet_to_json<string[]>(workbook.Sheets[sheetName]!, { header: 1, raw: false });
  console.log(`${target} → ${name} (sheet ${sheetName})`);
  for (const row of rows) console.log(row.join(' | '));
  return rows.slice(1).some((r) => String(r[1]) !== '1') ? EXIT.PROBLEMS : EXIT.OK;
}

/** A lote's (or a folio upload's) status, counts and, per file, its result and problems; 1 when any file was rejected. */
export function printLote(lote: LoteView, verbose: boolean): number {
  console.log(`numeroLote ${lote.numeroLote} (${lote.environment}) ${lote.nombreArchivo}: ${lote.status}`);
  if (!lote.counts || !lote.documents) return EXIT.OK;
  console.log(`  ${lote.counts.registered} registered, ${lote.counts.rejected} rejected of ${lote.counts.total}`);
  for (const doc of lote.documents) {
    console.log(`  [${doc.estatus}] ${doc.archivo} ${doc.folioControl ? `(${doc.folioControl}) ` : ''}— ${doc.descripcion}`);
    for (const check of doc.checks.filter((c) => c.status === 'error' || (verbose && c.status !== 'ok'))) {
      const where = [check.node, check.attribute].filter(Boolean).join('/@');
      console.log(`      ${check.status.toUpperCase()} ${check.code}${where ? ` at ${where}` : ''}: ${check.explanation ?? ''}`);
      if (check.expected !== undefined) console.log(`        expected: ${JSON.stringify(check.expected)}`);
      if (check.found !== undefined) console.log(`        found:    ${JSON.stringify(check.found)}`);
      if (typeof check.detail?.['cadena'] === 'string') console.log(`        cadena:   ${check.detail['cadena']}`);
    }
  }
  return lote.counts.rejected > 0 ? EXIT.PROBLEMS : EXIT.OK;
}

function singleEntry(zip: Buffer): Promise<{ name: string; bytes: Buffer }> {
  return new Promise((resolvePromise, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(new CliError(`the results package is not a zip: ${error?.message}`));
      file.once('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(new CliError(`cannot read ${entry.fileName}: ${streamError?.message}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            file.close();
            resolvePromise({ name: entry.fileName, bytes: Buffer.concat(chunks) });
          });
        });
      });
      file.once('error', reject);
      file.readEntry();
    });
  });
}
