/**
 * SEP-compatible MET SOAP endpoint (spec met-titulos.md §1). It only translates: SOAP 1.1 envelope
 * → MetService call → SEP-shaped response.
 *
 *   GET  /met-ws/services/TitulosElectronicos.wsdl, or any GET under /met-ws/services with a `wsdl`
 *        query key (`?wsdl`, `?WSDL`): the WSDL. Production variant by default; the QA variant (no
 *        `cancelarTituloInstitucion`) when the query has `variant=qa` or the Host header starts
 *        with `metqa` (SEP's QA host is metqa.siged.sep.gob.mx); `variant=prod` forces production.
 *        soap:address = `<scheme>://<host>/met-ws/services/` of the request.
 *   POST /met-ws/services and ANY path below it: clients post to `/met-ws/services/`,
 *        `/met-ws/services/TitulosElectronicos` and even `…/TitulosElectronicos.wsdl` (spec §1.3).
 *        Dispatch is on the Body's first element, never on path or SOAPAction, and the
 *        Content-Type is not checked (the envelope decides; a SOAP 1.2 envelope gets a
 *        VersionMismatch fault).
 *
 * Body handling (this plugin's encapsulated scope replaces every content-type parser): the raw
 * bytes are read with `maxEnvelopeBytes` enforced BEFORE buffering (Content-Length) and while
 * streaming (chunked); `Content-Encoding: gzip | x-gzip | deflate | br` is inflated with the same
 * cap counted on the inflated bytes. With a Content-Length the body is copied into one
 * preallocated Buffer (no 2× peak).
 *
 * Replies: 200 `text/xml; charset=utf-8` with the response envelope; one-way
 * `cancelarTituloInstitucion` → 202 Accepted, empty body (what Spring-WS answers when an endpoint
 * returns no response message). Every error is a SOAP 1.1 fault with HTTP 500 (SOAP 1.1 §6.2),
 * including an oversize body (`env:Client`, faultstring naming the limit, `Connection: close`).
 * Unexpected exceptions → `env:Server` with a generic text and the request id, logged with
 * `request.log.error`; never a stack trace, never HTML.
 */
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable, Transform } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type {
  CancelaOutcome, CargaOutcome, ConsultaOutcome, DescargaOutcome, MetService,
} from '../../titulos/met-service.js';
import { parseMetEnvelope, type MetRequest } from './envelope.js';
import { CANCELA_CODIGO, ESTATUS_LOTE, MET_MESSAGES } from './messages.js';
import {
  cancelaResponse, cargaResponse, consultaResponse, descargaResponse, soapFault, SOAP_CONTENT_TYPE, type FaultCode,
} from './responses.js';
import { buildResultsPackage } from './results-package.js';
import { renderWsdl, soapAddress, type WsdlVariant } from './wsdl.js';

export interface MetSoapPluginOptions {
  readonly service: MetService;
  /** Largest accepted request body in bytes (after inflating a compressed body). */
  readonly maxEnvelopeBytes: number;
}

export const MET_SERVICES_PATH = '/met-ws/services';

/** A request problem detected before the envelope is parsed (size, encoding): an `env:Client` fault. */
export class SoapRequestError extends Error {
  constructor(readonly faultstring: string, readonly closeConnection = false) {
    super(faultstring);
    this.name = 'SoapRequestError';
  }
}

export const metSoapPlugin: FastifyPluginAsync<MetSoapPluginOptions> = async (fastify, opts) => {
  const { service, maxEnvelopeBytes } = opts;
  if (!Number.isSafeInteger(maxEnvelopeBytes) || maxEnvelopeBytes <= 0) {
    throw new Error('metSoapPlugin: maxEnvelopeBytes must be a positive integer');
  }

  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request, payload, done) => {
    readBody(request, payload, maxEnvelopeBytes).then((body) => done(null, body), (err: Error) => done(err, undefined));
  });

  fastify.setErrorHandler((err, request, reply) => {
    if (err instanceof SoapRequestError) {
      if (err.closeConnection) void reply.header('connection', 'close');
      return sendFault(reply, 'Client', err.faultstring);
    }
    const e = err as { statusCode?: unknown; code?: unknown; message?: unknown };
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && typeof e.code === 'string' && e.code.startsWith('FST_')) {
      // Fastify's own request errors (e.g. an unparsable Content-Type header).
      return sendFault(reply, 'Client', `Solicitud inválida / Invalid request: ${String(e.message)}`);
    }
    request.log.error({ err, reqId: request.id }, 'MET SOAP request failed');
    return sendFault(reply, 'Server',
      `Error interno del servidor; referencia ${request.id} / Internal server error; reference ${request.id}`);
  });

  const wsdlRoute = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const variant = wsdlVariant(request);
    const wsdl = renderWsdl(variant, soapAddress(request.protocol, request.host ?? 'localhost'));
    return reply.code(200).header('content-type', SOAP_CONTENT_TYPE).send(wsdl);
  };

  const getRoute = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (request.url.split('?', 1)[0]?.toLowerCase().endsWith('.wsdl') || hasWsdlQuery(request)) {
      return wsdlRoute(request, reply);
    }
    return reply.code(405).header('allow', 'POST').header('content-type', SOAP_CONTENT_TYPE).send(
      soapFault('Client', 'Método HTTP no permitido; use POST con un sobre SOAP 1.1 / HTTP method not allowed; POST a SOAP 1.1 envelope'));
  };

  const postRoute = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const parsed = parseMetEnvelope(body);
    if (!parsed.ok) return sendFault(reply, parsed.fault.code, parsed.fault.faultstring);
    const req = parsed.request;
    if (req.operation === 'cancelarTituloInstitucion') {
      // One-way: no response message whatever the outcome.
      await service.cancela(req.auth, req.folioControl, req.motCancelacion, req.cveInstitucion);
      return reply.code(202).send();
    }
    const xml = await dispatch(service, req);
    return reply.code(200).header('content-type', SOAP_CONTENT_TYPE).send(xml);
  };

  const otherRoute = async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
    reply.code(405).header('allow', 'GET, POST').header('content-type', SOAP_CONTENT_TYPE).send(
      soapFault('Client', 'Método HTTP no permitido; use POST con un sobre SOAP 1.1 / HTTP method not allowed; POST a SOAP 1.1 envelope'));

  for (const url of [MET_SERVICES_PATH, `${MET_SERVICES_PATH}/`, `${MET_SERVICES_PATH}/*`]) {
    fastify.get(url, { schema: { hide: true } }, getRoute);
    fastify.post(url, { schema: { hide: true } }, postRoute);
    fastify.route({ method: ['PUT', 'DELETE', 'PATCH'], url, schema: { hide: true }, handler: otherRoute });
  }
};

function sendFault(reply: FastifyReply, code: FaultCode, faultstring: string): FastifyReply {
  return reply.code(500).header('content-type', SOAP_CONTENT_TYPE).send(soapFault(code, faultstring));
}

function hasWsdlQuery(request: FastifyRequest): boolean {
  const q = request.url.indexOf('?');
  if (q === -1) return false;
  return request.url.slice(q + 1).split('&').some((kv) => kv.split('=', 1)[0]?.toLowerCase() === 'wsdl');
}

function wsdlVariant(request: FastifyRequest): WsdlVariant {
  const query = request.query as Record<string, unknown> | undefined;
  const v = typeof query?.['variant'] === 'string' ? query['variant'].toLowerCase() : undefined;
  if (v === 'qa' || v === 'prod') return v;
  return (request.host ?? '').toLowerCase().startsWith('metqa') ? 'qa' : 'prod';
}

// ------------------------------------------------------------------------------------ dispatch

async function dispatch(service: MetService, req: Exclude<MetRequest, { operation: 'cancelarTituloInstitucion' }>): Promise<Buffer> {
  switch (req.operation) {
    case 'cargaTituloElectronico':
      return cargaXml(await service.carga(req.auth, req.nombreArchivo, req.archivo), req.nombreArchivo);
    case 'consultaProcesoTituloElectronico':
      return consultaXml(await service.consulta(req.auth, req.numeroLote));
    case 'descargaTituloElectronico':
      return descargaXml(await service.descarga(req.auth, req.numeroLote));
    case 'cancelaTituloElectronico':
      return cancelaXml(await service.cancela(req.auth, req.folioControl, req.motCancelacion));
  }
}

export function cargaXml(outcome: CargaOutcome, nombreArchivo: string): Buffer {
  switch (outcome.kind) {
    case 'accepted': return cargaResponse(outcome.numeroLote, MET_MESSAGES.cargaAccepted(nombreArchivo, outcome.numeroLote));
    case 'unauthenticated': return cargaResponse(undefined, MET_MESSAGES.authFailed());
    case 'invalid-request': return cargaResponse(undefined, outcome.reason);
  }
}

export function consultaXml(outcome: ConsultaOutcome): Buffer {
  const n = outcome.numeroLote;
  switch (outcome.kind) {
    case 'processed': return consultaResponse(n, ESTATUS_LOTE.processed, MET_MESSAGES.consultaProcessed(n));
    case 'processing': return consultaResponse(n, ESTATUS_LOTE.notFinished, MET_MESSAGES.consultaProcessing(n));
    case 'not-found': return consultaResponse(n, ESTATUS_LOTE.notFinished, MET_MESSAGES.loteNotFound(n));
    case 'unauthenticated': return consultaResponse(n, ESTATUS_LOTE.notFinished, MET_MESSAGES.authFailed());
    case 'forbidden': return consultaResponse(n, ESTATUS_LOTE.notFinished, MET_MESSAGES.forbidden(outcome.cveInstitucion));
  }
}

export async function descargaXml(outcome: DescargaOutcome): Promise<Buffer> {
  const n = outcome.numeroLote;
  switch (outcome.kind) {
    case 'ready': return descargaResponse(n, MET_MESSAGES.descargaReady(n), await buildResultsPackage(n, outcome.rows));
    case 'processing': return descargaResponse(n, MET_MESSAGES.descargaNotReady(n), null);
    case 'not-found': return descargaResponse(n, MET_MESSAGES.loteNotFound(n), null);
    case 'unauthenticated': return descargaResponse(n, MET_MESSAGES.authFailed(), null);
    case 'forbidden': return descargaResponse(n, MET_MESSAGES.forbidden(outcome.cveInstitucion), null);
  }
}

export function cancelaXml(outcome: CancelaOutcome): Buffer {
  switch (outcome.kind) {
    case 'cancelled': return cancelaResponse(CANCELA_CODIGO.cancelled, MET_MESSAGES.cancelOk(outcome.folioControl));
    case 'not-found': return cancelaResponse(CANCELA_CODIGO.notFound, MET_MESSAGES.cancelNotFound(outcome.folioControl));
    case 'already-cancelled': return cancelaResponse(CANCELA_CODIGO.alreadyCancelled, MET_MESSAGES.cancelAlreadyCancelled(outcome.folioControl));
    case 'invalid-motivo': return cancelaResponse(CANCELA_CODIGO.invalidMotivo, MET_MESSAGES.cancelInvalidMotivo(outcome.motCancelacion));
    case 'unauthenticated': return cancelaResponse(CANCELA_CODIGO.unauthenticated, MET_MESSAGES.authFailed());
    case 'forbidden': return cancelaResponse(CANCELA_CODIGO.forbidden, MET_MESSAGES.forbidden(outcome.cveInstitucion));
  }
}

// ------------------------------------------------------------------------------------ body

function tooLarge(max: number, seen: string): SoapRequestError {
  return new SoapRequestError(
    `La solicitud excede el tamaño máximo de ${max} bytes (${seen}) / The request exceeds the maximum size of ${max} bytes (${seen})`,
    true);
}

/**
 * Reads the raw body with `max` enforced before and while buffering. Resolves with one Buffer
 * (empty when there is no body).
 */
export function readBody(request: FastifyRequest, payload: Readable, max: number): Promise<Buffer> {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const lengthHeader = request.headers['content-length'];
  const declared = lengthHeader === undefined ? undefined : Number(lengthHeader);
  if (declared !== undefined && !(Number.isSafeInteger(declared) && declared >= 0)) {
    return Promise.reject(new SoapRequestError('Content-Length inválido / Invalid Content-Length', true));
  }
  if (declared !== undefined && declared > max) {
    payload.resume(); // discard; the connection is closed after the fault
    return Promise.reject(tooLarge(max, `Content-Length ${declared}`));
  }
  let inflater: Transform | undefined;
  switch (encoding) {
    case 'identity': case '': break;
    case 'gzip': case 'x-gzip': inflater = createGunzip(); break;
    case 'deflate': inflater = createInflate(); break;
    case 'br': inflater = createBrotliDecompress(); break;
    default:
      payload.resume();
      return Promise.reject(new SoapRequestError(
        `Content-Encoding no soportado: ${encoding} / Unsupported Content-Encoding: ${encoding}`, true));
  }

  return new Promise<Buffer>((resolve, reject) => {
    // Identity body of known length: one preallocated buffer. Otherwise: chunks, then one concat.
    const pre = inflater === undefined && declared !== undefined ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const source: Readable = inflater ?? payload;

    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      source.removeListener('data', onData);
      if (inflater) { payload.unpipe(inflater); inflater.destroy(); }
      payload.resume();
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      if (settled) return;
      if (total + chunk.length > max) {
        fail(tooLarge(max, inflater ? 'descomprimida / inflated' : 'chunked'));
        return;
      }
      if (pre) {
        if (total + chunk.length > pre.length) {
          fail(new SoapRequestError('El cuerpo excede su Content-Length / Body longer than its Content-Length', true));
          return;
        }
        chunk.copy(pre, total);
      } else {
        chunks.push(chunk);
      }
      total += chunk.length;
    };
    source.on('data', onData);
    source.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(pre ? pre.subarray(0, total) : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total));
    });
    source.once('close', () => {
      if (!settled) fail(new SoapRequestError('Solicitud interrumpida / Request aborted', true));
    });
    source.once('error', (err: Error) => {
      fail(inflater
        ? new SoapRequestError(`Cuerpo comprimido inválido (${encoding}) / Invalid compressed body (${encoding}): ${err.message}`, true)
        : err);
    });
    if (inflater) {
      let compressed = 0;
      payload.on('data', (c: Buffer) => {
        compressed += c.length;
        if (compressed > max) fail(tooLarge(max, 'comprimida / compressed'));
      });
      payload.once('error', (err: Error) => fail(err));
      payload.pipe(inflater);
    }
  });
}
