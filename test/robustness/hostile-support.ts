/**
 * Shared machinery of the hostile-input suite (test/robustness/hostile-*.test.ts): a tally of attacks
 * (tried / rejected with their specific code / crashes), the real service's two doors for a lote (the
 * REST upload and the MET SOAP carga, both through app.inject), and the service in a child process
 * for measuring the largest attack's rejection time and peak RSS.
 *
 * "Crash" means what a client would see as the service failing rather than refusing: an HTTP 5xx on
 * the REST API, an `env:Server` fault or a non-SOAP 500 on the SOAP endpoint, a dropped connection
 * or no answer at all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { REPO_ROOT, typescriptNodeArgs } from '../jobs/fixtures/child-process.js';

export const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SEP_NS = 'http://ws.web.mec.sep.mx/schemas';
export const MET_SOAP_PATH = '/met-ws/services/';

/** What one attack came to, as a client saw it. */
export interface Answer {
  /** The specific code: a PKG- or XML- check code, a REST error code, or `env:Client …` for a SOAP fault. */
  readonly code: string;
  readonly crashed: boolean;
  /** Free text for the assertion message. */
  readonly detail?: string;
}

export class AttackTally {
  tried = 0;
  rejected = 0;
  crashes = 0;

  /** Runs one attack, asserts its specific code and counts it. `expected` may list acceptable codes only when the bytes decide deterministically between them. */
  async expect(t: Test, name: string, expected: string | RegExp, attack: () => Promise<Answer>): Promise<Answer> {
    this.tried++;
    let answer: Answer;
    try {
      answer = await attack();
    } catch (error) {
      answer = { code: 'CRASH', crashed: true, detail: error instanceof Error ? error.message : String(error) };
    }
    if (answer.crashed) this.crashes++;
    const matches = typeof expected === 'string' ? answer.code === expected : expected.test(answer.code);
    if (matches && !answer.crashed) this.rejected++;
    t.ok(matches && !answer.crashed, `${name}: ${answer.code}${answer.detail ? ` (${answer.detail})` : ''}`);
    if (typeof expected === 'string') t.equal(answer.code, expected, `${name}: the specific code`);
    return answer;
  }

  figures(): { attacksTried: number; attacksRejected: number; crashes: number } {
    return { attacksTried: this.tried, attacksRejected: this.rejected, crashes: this.crashes };
  }
}

// ------------------------------------------------------------------------------------ REST

interface Check {
  readonly code: string;
  readonly status: string;
  readonly found?: string;
  readonly node?: string;
}
interface LoteDocument {
  readonly archivo: string;
  readonly estatus: number;
  readonly descripcion: string;
  readonly checks: readonly Check[];
}
export interface LoteDetail {
  readonly numeroLote: number;
  readonly status: string;
  readonly documents?: readonly LoteDocument[];
}

/** The first error of each document of a processed lote ("" for a document without errors). */
export function firstErrors(detail: LoteDetail): string[] {
  return (detail.documents ?? []).map((d) => d.checks.find((c) => c.status === 'error')?.code ?? '');
}

/** The one code a lote came to: its single document's first error, or every document's joined by ",". */
function loteAnswer(detail: LoteDetail): Answer {
  const codes = firstErrors(detail);
  const first = detail.documents?.[0];
  return { code: codes.join(','), crashed: codes.includes('PKG-INTERNAL'), detail: first ? `${first.archivo}: ${first.descripcion}` : 'no documents' };
}

/** POST /api/v1/met/lotes?wait=true with a raw body; the lote's codes, or the REST error code. */
export async function restUpload(app: FastifyInstance, auth: Record<string, string>, bytes: Buffer, nombreArchivo: string, contentType = 'application/zip'): Promise<Answer> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/met/lotes?wait=true&checks=problems&nombreArchivo=${encodeURIComponent(nombreArchivo)}`,
    headers: { ...auth, 'content-type': contentType },
    payload: bytes,
  });
  if (res.statusCode >= 500) return { code: `HTTP ${res.statusCode}`, crashed: true, detail: res.body.slice(0, 200) };
  if (res.statusCode !== 200) {
    const error = (res.json() as { error?: { code?: string } }).error;
    return { code: error?.code ?? `HTTP ${res.statusCode}`, crashed: false, detail: `HTTP ${res.statusCode}` };
  }
  const detail = res.json() as LoteDetail;
  if (detail.status !== 'processed') return { code: `not processed (${detail.status})`, crashed: true };
  return loteAnswer(detail);
}

/** GET /api/v1/met/lotes/{n} until the worker has processed it (the worker polls every 20 ms in tests). */
export async function processedLote(app: FastifyInstance, auth: Record<string, string>, numeroLote: number, timeoutMs = 30_000): Promise<LoteDetail> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/met/lotes/${numeroLote}?checks=problems`, headers: auth });
    if (res.statusCode !== 200) throw new Error(`GET lote ${numeroLote}: HTTP ${res.statusCode} ${res.body.slice(0, 200)}`);
    const detail = res.json() as LoteDetail;
    if (detail.status === 'processed') return detail;
    if (performance.now() > deadline) throw new Error(`lote ${numeroLote} not processed after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ------------------------------------------------------------------------------------ SOAP

export interface Credentials {
  readonly usuario: string;
  readonly password: string;
}

/** A real cargaTituloElectronico envelope. */
export function cargaEnvelope(credentials: Credentials, nombreArchivo: string, archivoBase64: string): string {
  return `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:sch="${SEP_NS}"><soapenv:Header/><soapenv:Body><sch:cargaTituloElectronicoRequest>` +
    `<sch:nombreArchivo>${nombreArchivo}</sch:nombreArchivo><sch:archivoBase64>${archivoBase64}</sch:archivoBase64>` +
    `<sch:autenticacion><sch:usuario>${credentials.usuario}</sch:usuario><sch:password>${credentials.password}</sch:password></sch:autenticacion>` +
    '</sch:cargaTituloElectronicoRequest></soapenv:Body></soapenv:Envelope>';
}

/** A real consultaProcesoTituloElectronico envelope. */
export function consultaEnvelope(credentials: Credentials, numeroLote: number): string {
  return `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:sch="${SEP_NS}"><soapenv:Body><sch:consultaProcesoTituloElectronicoRequest>` +
    `<sch:numeroLote>${numeroLote}</sch:numeroLote><sch:autenticacion><sch:usuario>${credentials.usuario}</sch:usuario>` +
    `<sch:password>${credentials.password}</sch:password></sch:autenticacion></sch:consultaProcesoTituloElectronicoRequest></soapenv:Body></soapenv:Envelope>`;
}

/** A SOAP answer as a client sees it: `env:Client <faultstring>` for a fault, `response` otherwise. */
export function soapAnswer(status: number, contentType: string | undefined, body: string): Answer {
  const fault = /^<env:Envelope xmlns:env="http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/"><env:Header\/><env:Body><env:Fault><faultcode>env:(\w+)<\/faultcode><faultstring>([^<]*)<\/faultstring>/.exec(body);
  if (status === 500 && fault && contentType?.startsWith('text/xml')) {
    return { code: `env:${fault[1]!} ${fault[2]!}`, crashed: fault[1] === 'Server' };
  }
  if (status === 200) return { code: 'response', crashed: false, detail: body.slice(0, 300) };
  return { code: `HTTP ${status}`, crashed: status >= 500, detail: body.slice(0, 200) };
}

/** cargaTituloElectronico through the real SOAP endpoint; the numeroLote, or the fault as an Answer. */
export async function soapCarga(app: FastifyInstance, credentials: Credentials, nombreArchivo: string, archivo: Buffer): Promise<{ numeroLote: number } | Answer> {
  const res = await app.inject({
    method: 'POST',
    url: MET_SOAP_PATH,
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    payload: cargaEnvelope(credentials, nombreArchivo, archivo.toString('base64')),
  });
  const answer = soapAnswer(res.statusCode, res.headers['content-type'] as string | undefined, res.body);
  if (answer.code !== 'response') return answer;
  const lote = /<numeroLote>(\d+)<\/numeroLote>/.exec(res.body);
  if (!lote) return { code: 'no numeroLote', crashed: false, detail: res.body.slice(0, 300) };
  return { numeroLote: Number(lote[1]) };
}

/** An upload through the SOAP carga, then the lote's codes read from the REST view of the same lote. */
export async function soapUpload(app: FastifyInstance, credentials: Credentials, auth: Record<string, string>, nombreArchivo: string, archivo: Buffer): Promise<Answer> {
  const carga = await soapCarga(app, credentials, nombreArchivo, archivo);
  if (!('numeroLote' in carga)) return carga;
  return loteAnswer(await processedLote(app, auth, carga.numeroLote));
}

// ------------------------------------------------------------------------------------ raw HTTP

export interface RawResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
  readonly ms: number;
}

/**
 * One POST over a real socket, the body written in `chunks` (chunked when `contentLength` is not
 * given). Resolves at the answer even when the server stops reading early (an oversized body), and
 * rejects only when no answer comes (a dropped connection) or after `timeoutMs` (a hang).
 */
export function rawPost(url: string, headers: Record<string, string>, chunks: Iterable<Buffer | string>, timeoutMs = 60_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let settled = false;
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(parts).toString('utf8'), ms: performance.now() - started });
        req.destroy();
      });
    });
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(new Error(`no answer after ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      // Writing into a connection the server already answered and closed: the answer counts.
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(error);
      }
    });
    void (async () => {
      for (const chunk of chunks) {
        if (settled || req.destroyed) return;
        if (!req.write(chunk)) await Promise.race([once(req, 'drain'), once(req, 'close')]);
      }
      if (!settled && !req.destroyed) req.end();
    })().catch(() => undefined);
  });
}

// ------------------------------------------------------------------------------------ the service in a child

export interface ServiceChild {
  readonly url: string;
  /** The child's RSS now, its kernel high-water mark (maxRSS) and the 5 ms-sampled peak since the last call. */
  memory(): Promise<MemoryFigures>;
  stop(): Promise<void>;
}

/**
 * The real service (buildApp + listen, worker on, embedded PGlite in memory) in its own `node`
 * process with the heap cap `npm start` uses, so its RSS is the service's alone. The web-service
 * user `credentials` of institution `cveInstitucion` is seeded.
 */
export async function startServiceChild(cveInstitucion: string, credentials: Credentials, env: Record<string, string> = {}): Promise<ServiceChild> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, METMEC_DATA_DIR: 'memory://', METMEC_SEED_DEMO: 'false', METMEC_LOG_LEVEL: 'error', ...env };
  delete childEnv['NODE_OPTIONS'];
  delete childEnv['DATABASE_URL'];
  childEnv['TS_NODE_TRANSPILE_ONLY'] ??= '1';
  childEnv['HOSTILE_SEED'] = JSON.stringify({ cveInstitucion, ...credentials });
  const child: ChildProcess = spawn(process.execPath, ['--max-old-space-size=256', ...typescriptNodeArgs(), 'test/robustness/hostile-service-child.ts'], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = once(child, 'exit');
  let exitedYet = false;
  void exited.then(() => {
    exitedYet = true;
    for (const w of waiters.splice(0)) w();
  });

  const line = async (pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      for (const l of out.split('\n').slice(0, -1)) {
        const m = pattern.exec(l);
        if (m) return m;
      }
      if (exitedYet) throw new Error(`the service child exited: ${err.slice(-2000)}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`the service child did not print ${pattern} in ${timeoutMs} ms: ${err.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };

  const url = (await line(/^listening (\S+)$/))[1]!;
  let ask = 0;
  return {
    url,
    async memory() {
      const id = ++ask;
      child.stdin!.write(`memory ${id}\n`);
      return JSON.parse((await line(new RegExp(`^memory ${id} (\\{.*\\})$`)))[1]!) as MemoryFigures;
    },
    async stop() {
      if (exitedYet) return;
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Deterministic pseudo-random bytes (xorshift32), so that every run sends the same attack. */
export function pseudoRandomBytes(length: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export interface MemoryFigures {
  readonly rssMb: number;
  readonly maxRssMb: number;
  readonly sampledPeakMb: number;
}

/**
 * The service's peak RSS while an attack ran, from two readings around it: the kernel's high-water
 * mark when the attack raised it, otherwise (the lifetime peak was set earlier, at start-up) the
 * 5 ms-sampled peak since the first reading.
 */
export function attackPeakMb(before: MemoryFigures, after: MemoryFigures): number {
  return after.maxRssMb > before.maxRssMb + 1 ? after.maxRssMb : after.sampledPeakMb;
}
