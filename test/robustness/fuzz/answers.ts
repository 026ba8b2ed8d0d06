/**
 * The documented shapes of what the fuzzer gets back: a processed lote's JSON detail (REST), a REST
 * error body, and the MET SOAP answers (read with the fuzzer's own XML scanner, not src/wire). Each
 * checker returns the problems found, never throws.
 */
import type { XmlElement } from '../../../src/intake/xml-tree.js';
import { readTree } from './verify.js';

export interface LoteDocument {
  position: number;
  archivo: string;
  estatus: number;
  descripcion: string;
  folioControl: string;
  checks: Array<{ code: string; status: string }>;
}

export interface LoteDetail {
  numeroLote: number;
  status: string;
  nombreArchivo: string;
  counts: { total: number; registered: number; rejected: number } | null;
  documents?: LoteDocument[];
}

export const TITULO_OK = 'Título electrónico registrado exitosamente';
export const DEC_OK = 'SATISFACTORIO';
const STATUSES = new Set(['ok', 'error', 'warning', 'skipped']);

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Problems with a processed lote detail (GET /lotes/{n}, POST …?wait=true answered 200). */
export function loteDetailProblems(body: unknown, kind: 'titulo' | 'dec', nombreArchivo: string): string[] {
  const p: string[] = [];
  const d = body as LoteDetail;
  if (typeof d !== 'object' || d === null) return ['the body is not a JSON object'];
  if (!isInt(d.numeroLote) || d.numeroLote < 1) p.push(`numeroLote ${JSON.stringify(d.numeroLote)}`);
  if (d.status !== 'processed') p.push(`status ${JSON.stringify(d.status)}`);
  if (d.nombreArchivo !== nombreArchivo) p.push(`nombreArchivo ${JSON.stringify(d.nombreArchivo)}, uploaded as ${nombreArchivo}`);
  const c = d.counts;
  const docs = d.documents;
  if (!c || !isInt(c.total) || !isInt(c.registered) || !isInt(c.rejected)) return [...p, `counts ${JSON.stringify(c)}`];
  if (!Array.isArray(docs)) return [...p, 'no documents'];
  if (c.total !== c.registered + c.rejected) p.push(`counts ${JSON.stringify(c)} do not add up`);
  if (docs.length !== c.total) p.push(`${docs.length} documents, counts.total ${c.total}`);
  if (docs.filter((x) => x.estatus === 1).length !== c.registered) p.push('counts.registered differs from the documents with estatus 1');
  if (docs.length === 0) p.push('a processed lote with no row at all');
  const positions = new Set<number>();
  for (const doc of docs) {
    const where = `document ${doc.position} (${JSON.stringify(doc.archivo)})`;
    if (!isInt(doc.position) || positions.has(doc.position)) p.push(`${where}: position repeated or not an integer`);
    positions.add(doc.position);
    if (typeof doc.archivo !== 'string' || typeof doc.folioControl !== 'string') p.push(`${where}: archivo or folioControl not a string`);
    if (doc.estatus !== 1 && doc.estatus !== 2) p.push(`${where}: estatus ${doc.estatus}`);
    if (typeof doc.descripcion !== 'string' || doc.descripcion.trim() === '') p.push(`${where}: empty descripcion`);
    if (!Array.isArray(doc.checks) || doc.checks.some((k) => typeof k.code !== 'string' || !STATUSES.has(k.status))) {
      p.push(`${where}: checks are not {code, status}`);
      continue;
    }
    const errors = doc.checks.filter((k) => k.status === 'error');
    if (doc.estatus === 1) {
      if (errors.length > 0) p.push(`${where}: accepted with errors ${errors.map((k) => k.code).join(',')}`);
      if (doc.descripcion !== (kind === 'titulo' ? TITULO_OK : DEC_OK)) p.push(`${where}: accepted with descripcion ${JSON.stringify(doc.descripcion)}`);
    } else if (errors.length === 0) {
      p.push(`${where}: rejected without any error check (${JSON.stringify(doc.descripcion)})`);
    }
    if (errors.some((k) => k.code === 'PKG-INTERNAL')) p.push(`${where}: PKG-INTERNAL (the lote crashed its worker)`);
  }
  return p;
}

/** Problems with a REST error body (`{ error: { code, message }, requestId }`). */
export function errorBodyProblems(body: unknown): string[] {
  const e = (body as { error?: { code?: unknown; message?: unknown }; requestId?: unknown } | null)?.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || e.message === '') return [`not the documented error body: ${JSON.stringify(body).slice(0, 300)}`];
  if (typeof (body as { requestId?: unknown }).requestId !== 'string') return ['error body without requestId'];
  return [];
}

// ------------------------------------------------------------------------------------------ SOAP

const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const SEP_NS = 'http://ws.web.mec.sep.mx/schemas';

/** The operation response element of a SOAP answer, or the problem with it. */
export function soapResponse(body: string, operation: string): { ok: true; fields: Map<string, string> } | { ok: false; problem: string } {
  let root: XmlElement;
  try {
    root = readTree(body);
  } catch (error) {
    return { ok: false, problem: `not XML: ${(error as Error).message}: ${body.slice(0, 200)}` };
  }
  if (root.name !== 'Envelope' || root.namespace !== SOAP_ENV) return { ok: false, problem: `root ${root.namespace} ${root.name}` };
  const soapBody = root.children.find((c) => c.name === 'Body' && c.namespace === SOAP_ENV);
  const response = soapBody?.children[0];
  if (!response || soapBody.children.length !== 1) return { ok: false, problem: 'Body does not hold exactly one element' };
  if (response.name === 'Fault') return { ok: false, problem: `fault: ${body.slice(0, 300)}` };
  if (response.name !== `${operation}Response` || response.namespace !== SEP_NS) return { ok: false, problem: `answer ${response.namespace} ${response.name}` };
  const fields = new Map<string, string>();
  for (const c of response.children) {
    if (c.children.length > 0 || fields.has(c.name)) return { ok: false, problem: `unexpected element ${c.name}` };
    fields.set(c.name, c.text);
  }
  return { ok: true, fields };
}
