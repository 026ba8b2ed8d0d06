/**
 * The institution's side of the MET benchmarks: SOAP calls to the service, logged in as the bench
 * institution's QA user. Two clients with one interface:
 *
 * - `raw` (the default): SEP-shaped SOAP 1.1 envelopes, as SoapUI and SEP's own examples write
 *   them, posted over a keep-alive connection, the answer's few fields read by name. Its cost is
 *   about what any client must spend (the envelope around the base64, the socket).
 * - `node-soap`: a client generated from the WSDL the service serves (what the tests drive). It
 *   spends ≈80 ms of CPU per 1,000-título carga building and parsing envelopes; on a machine where
 *   it shares the service's two cores, that CPU is taken from the service (bench/README.md).
 */
import { Agent, request } from 'node:http';
import * as soap from 'soap';
import { BENCH_PASSWORD, BENCH_USUARIO } from './fixtures.js';

export interface MetClient {
  carga(nombreArchivo: string, archivoBase64: string): Promise<number>;
  consulta(numeroLote: number): Promise<number>;
  /** The results package (zip) as bytes. */
  descarga(numeroLote: number): Promise<Buffer>;
}

export type SoapClientKind = 'raw' | 'node-soap';

export function soapClientKind(value = process.env['BENCH_SOAP_CLIENT'] ?? 'raw'): SoapClientKind {
  if (value !== 'raw' && value !== 'node-soap') throw new Error(`BENCH_SOAP_CLIENT must be raw or node-soap, got ${value}`);
  return value;
}

export function metClient(baseUrl: string, kind: SoapClientKind = soapClientKind()): Promise<MetClient> {
  return kind === 'raw' ? Promise.resolve(rawMetClient(baseUrl)) : nodeSoapMetClient(baseUrl);
}

// ------------------------------------------------------------------------------ raw

const SCHEMAS = 'http://ws.web.mec.sep.mx/schemas';

function envelope(operation: string, fields: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sch="${SCHEMAS}">` +
    `<soapenv:Header/><soapenv:Body><sch:${operation}Request>${fields}` +
    `<sch:autenticacion><sch:usuario>${BENCH_USUARIO}</sch:usuario><sch:password>${BENCH_PASSWORD}</sch:password></sch:autenticacion>` +
    `</sch:${operation}Request></soapenv:Body></soapenv:Envelope>`
  );
}

/** The text of the answer's first element with this local name (any prefix); undefined when absent. */
function field(answer: string, name: string): string | undefined {
  const open = new RegExp(`<(?:[\\w.-]+:)?${name}>`).exec(answer);
  if (open === null) return undefined;
  const start = open.index + open[0].length;
  return answer.slice(start, answer.indexOf('<', start));
}

function rawMetClient(baseUrl: string): MetClient {
  const url = new URL('/met-ws/services/', baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const post = (body: Buffer): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""', 'content-length': body.length } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${field(text, 'faultstring') ?? text.slice(0, 300)}`));
            else resolve(text);
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const postOperation = (operation: string, fields: string): Promise<string> => post(Buffer.from(envelope(operation, fields), 'utf8'));

  return {
    async carga(nombreArchivo, archivoBase64) {
      const [head, tail] = envelope('cargaTituloElectronico', `<sch:nombreArchivo>${nombreArchivo}</sch:nombreArchivo><sch:archivoBase64>\u0000</sch:archivoBase64>`).split('\u0000');
      const answer = await post(Buffer.concat([Buffer.from(head!, 'utf8'), Buffer.from(archivoBase64, 'latin1'), Buffer.from(tail!, 'utf8')]));
      const numeroLote = Number(field(answer, 'numeroLote'));
      if (!(numeroLote > 0)) throw new Error(`carga was refused: ${field(answer, 'mensaje')}`);
      return numeroLote;
    },
    async consulta(numeroLote) {
      return Number(field(await postOperation('consultaProcesoTituloElectronico', `<sch:numeroLote>${numeroLote}</sch:numeroLote>`), 'estatusLote'));
    },
    async descarga(numeroLote) {
      const answer = await postOperation('descargaTituloElectronico', `<sch:numeroLote>${numeroLote}</sch:numeroLote>`);
      const base64 = field(answer, 'titulosBase64');
      if (!base64) throw new Error(`descarga returned no results package: ${field(answer, 'mensaje')}`);
      return Buffer.from(base64, 'base64');
    },
  };
}

// ------------------------------------------------------------------------------ node-soap

type Op = (args: unknown, options?: object) => Promise<[Record<string, unknown>, string]>;

/** A node-soap client from the served WSDL. */
async function nodeSoapMetClient(baseUrl: string): Promise<MetClient> {
  const client = await soap.createClientAsync(`${baseUrl}/met-ws/services/TitulosElectronicos.wsdl`);
  client.setEndpoint(`${baseUrl}/met-ws/services/`);
  const op = (name: string): Op => {
    const fn = (client as unknown as Record<string, Op | undefined>)[`${name}Async`];
    if (!fn) throw new Error(`the WSDL has no operation ${name}`);
    return fn.bind(client);
  };
  const carga = op('cargaTituloElectronico');
  const consulta = op('consultaProcesoTituloElectronico');
  const descarga = op('descargaTituloElectronico');
  const autenticacion = { usuario: BENCH_USUARIO, password: BENCH_PASSWORD };
  // axios (under node-soap) must not cap a 70 MB request body.
  const big = { maxBodyLength: Infinity, maxContentLength: Infinity };
  return {
    async carga(nombreArchivo, archivoBase64) {
      const [result] = await carga({ nombreArchivo, archivoBase64, autenticacion }, big);
      const numeroLote = Number(result['numeroLote']);
      if (!(numeroLote > 0)) throw new Error(`carga was refused: ${String(result['mensaje'])}`);
      return numeroLote;
    },
    async consulta(numeroLote) {
      const [result] = await consulta({ numeroLote, autenticacion });
      return Number(result['estatusLote']);
    },
    async descarga(numeroLote) {
      const [result] = await descarga({ numeroLote, autenticacion }, big);
      const base64 = result['titulosBase64'];
      if (typeof base64 !== 'string' || base64.length === 0) {
        throw new Error(`descarga returned no results package: ${String(result['mensaje'])}`);
      }
      return Buffer.from(base64, 'base64');
    },
  };
}
