/**
 * The certificados (MEC) commands, over the service's REST API with the web-service credentials:
 * folios, uploads against a folio and their results, downloads and cancellations.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, EXIT } from '../cli-error.js';
import type { Connection } from '../connection.js';
import { uploadOf } from '../input.js';
import { printLote, type LoteView } from './lotes.js';

interface FolioView {
  folio: string;
  environment: string;
  certificados: number;
  authenticated: number;
  pending: number;
  state: string;
  payment: { method: string | null; lineaCaptura: string | null; activeFrom: string | null };
  attempts: { used: number; left: number; max: number };
  uploads: Array<{ attempt: number; numeroLote: number; nombreArchivo: string; status: string; counts: { total: number; satisfactorio: number; rejected: number } | null }>;
}

interface CertificadoView {
  folioDigital: string;
  folioControl: string;
  estatus: string;
  cancellation: { requestedAt: string; effectiveAt: string } | null;
}

type PaymentMethod = 'linea-de-captura' | 'tarjeta';
export type CancellationTarget = { folioDigital: string } | { folioControl: string } | { folio: string };

const JSON_BODY = { 'content-type': 'application/json' };
const folioPath = (folio: string) => `/api/v1/mec/folios/${encodeURIComponent(folio)}`;

/** `folio new N`: opens a folio for N certificados (a QA user's is a test folio, active at once). */
export async function folioNew(connection: Connection, certificados: number): Promise<number> {
  printFolio(await connection.json<FolioView>('/api/v1/mec/folios', { method: 'POST', auth: 'basic', headers: JSON_BODY, body: JSON.stringify({ certificados }) }));
  return EXIT.OK;
}

/** `folio pay FOLIO --metodo M`: pays a production folio; it activates 48 h (línea de captura) or 24 h (tarjeta) later. */
export async function folioPay(connection: Connection, folio: string, metodo: PaymentMethod): Promise<number> {
  printFolio(await connection.json<FolioView>(`${folioPath(folio)}/pago`, { method: 'POST', auth: 'basic', headers: JSON_BODY, body: JSON.stringify({ metodo }) }));
  return EXIT.OK;
}

/** `folio status FOLIO`: state, payment, attempts used and left, and each upload with its counts. */
export async function folioStatus(connection: Connection, folio: string): Promise<number> {
  printFolio(await connection.json<FolioView>(folioPath(folio), { method: 'GET', auth: 'basic' }));
  return EXIT.OK;
}

function printFolio(f: FolioView): void {
  console.log(`folio ${f.folio} (${f.environment}): ${f.state} — ${f.certificados} certificado(s), ${f.authenticated} authenticated, ${f.pending} pending`);
  const { method, lineaCaptura, activeFrom } = f.payment;
  console.log(`  línea de captura: ${lineaCaptura ?? 'none (a test folio is not paid)'}`);
  console.log(`  payment: ${method ?? `not paid (metmec folio pay ${f.folio} --metodo linea-de-captura|tarjeta)`}${activeFrom ? `, active from ${activeFrom}` : ''}`);
  console.log(`  attempts: ${f.attempts.used} used, ${f.attempts.left} left (of ${f.attempts.max})`);
  for (const u of f.uploads) {
    const counts = u.counts ? ` — ${u.counts.satisfactorio} SATISFACTORIO, ${u.counts.rejected} rejected of ${u.counts.total}` : '';
    console.log(`  [${u.attempt}] numeroLote ${u.numeroLote} ${u.nombreArchivo}: ${u.status}${counts}`);
  }
}

/**
 * `mec-upload FOLIO FILE [--wait]`: one of the folio's (at most three) attempts. With --wait, each
 * certificado's result and, for the SATISFACTORIO ones, the folioDigital to download them by.
 */
export async function mecUpload(connection: Connection, folio: string, file: string, options: { wait: boolean; verbose: boolean }): Promise<number> {
  const { bytes, contentType, nombreArchivo } = uploadOf(file);
  const query = new URLSearchParams({ nombreArchivo });
  if (options.wait) query.set('wait', 'true');
  type Attempt = { attempt: number; attemptsLeft: number };
  const body = await connection.json<(LoteView & Attempt) | ({ numeroLote: number; status: string } & Attempt)>(`${folioPath(folio)}/cargas?${query}`, {
    method: 'POST',
    auth: 'basic',
    headers: { 'content-type': contentType },
    body: bytes,
  });
  console.log(`folio ${folio}: attempt ${body.attempt}, ${body.attemptsLeft} left`);
  if (!('counts' in body)) {
    console.log(`numeroLote ${body.numeroLote}: ${body.status} (see metmec mec-status ${body.numeroLote})`);
    return EXIT.OK;
  }
  const exitCode = printLote(body, options.verbose);
  const authenticated = (body.documents ?? []).filter((d) => d.estatus === 1).map((d) => d.folioControl);
  if (authenticated.length > 0) await printFolioDigitales(connection, folio, authenticated);
  return exitCode;
}

/** `mec-status LOTE`: an upload's status and, once processed, each certificado's result. */
export async function mecStatus(connection: Connection, numeroLote: number, verbose: boolean): Promise<number> {
  return printLote(await connection.json<LoteView>(`/api/v1/mec/cargas/${numeroLote}`, { method: 'GET', auth: 'basic' }), verbose);
}

/** The folio's certificados, newest first, every page. */
async function folioCertificados(connection: Connection, folio: string): Promise<CertificadoView[]> {
  const items: CertificadoView[] = [];
  let before: number | undefined;
  do {
    const query = new URLSearchParams({ folio, limit: '500', ...(before === undefined ? {} : { before: String(before) }) });
    const page = await connection.json<{ items: CertificadoView[]; next: { before: number } | null }>(`/api/v1/mec/certificados?${query}`, { method: 'GET', auth: 'basic' });
    items.push(...page.items);
    before = page.next?.before;
  } while (before !== undefined);
  return items;
}

async function printFolioDigitales(connection: Connection, folio: string, folioControls: readonly string[]): Promise<void> {
  const certificados = await folioCertificados(connection, folio);
  console.log('  authenticated (metmec certificado FOLIO_DIGITAL --out FILE.pdf):');
  for (const folioControl of folioControls) {
    const newest = certificados.find((c) => c.folioControl === folioControl);
    if (newest) console.log(`    ${newest.folioDigital}  ${folioControl}`);
  }
}

/**
 * `certificado (FOLIO_DIGITAL | --folio-control X) --out FILE.xml|FILE.pdf`: the authenticated
 * certificado as sealed XML (with Dreoe and SepIpes) or as PDF, chosen by the extension of FILE.
 */
export async function certificado(connection: Connection, target: { folioDigital: string } | { folioControl: string }, out: string): Promise<number> {
  const formato = /\.(xml|pdf)$/i.exec(out)?.[1]?.toLowerCase();
  if (!formato) throw new CliError(`--out must name a .xml or .pdf file (it chooses the format); found ${JSON.stringify(out)}`, EXIT.USAGE);
  const folioDigital = 'folioDigital' in target ? target.folioDigital : await folioDigitalOf(connection, target.folioControl);
  const bytes = await connection.bytes(`/api/v1/mec/certificados/${folioDigital}.${formato}`, { method: 'GET', auth: 'basic' });
  const path = resolve(out);
  writeFileSync(path, bytes);
  console.log(`${path}: certificado ${folioDigital} (${formato.toUpperCase()}, ${bytes.length} bytes)`);
  return EXIT.OK;
}

async function folioDigitalOf(connection: Connection, folioControl: string): Promise<string> {
  const query = new URLSearchParams({ folioControl, limit: '1' });
  const page = await connection.json<{ items: CertificadoView[] }>(`/api/v1/mec/certificados?${query}`, { method: 'GET', auth: 'basic' });
  const newest = page.items[0];
  if (!newest) throw new CliError(`no certificado with folioControl ${folioControl} is authenticated for these credentials`);
  return newest.folioDigital;
}

/** `mec-cancel TARGET [--motivo TEXT]`: one certificado, or every one of a folio; effective 48 business hours later. */
export async function mecCancel(connection: Connection, target: CancellationTarget, motivo: string | undefined): Promise<number> {
  const outcome = await connection.json<{ requestedAt: string; effectiveAt: string; certificados: CertificadoView[] }>('/api/v1/mec/cancelaciones', {
    method: 'POST',
    auth: 'basic',
    headers: JSON_BODY,
    body: JSON.stringify({ ...target, ...(motivo === undefined ? {} : { motivo }) }),
  });
  console.log(`cancellation requested at ${outcome.requestedAt}; it takes effect at ${outcome.effectiveAt}`);
  for (const c of outcome.certificados) console.log(`  ${c.folioDigital}  ${c.folioControl}: ${c.estatus}`);
  return EXIT.OK;
}
