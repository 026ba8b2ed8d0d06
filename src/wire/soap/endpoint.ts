/**
 * The HTTP side of a SEP-style SOAP 1.1 endpoint, shared by the MET and MEC adapters. Call it
 * inside the adapter's own (encapsulated) plugin: it replaces every content-type parser and the
 * error handler of that scope only.
 *
 *   GET  <path>/….wsdl, or any GET under <path> with a `wsdl` query key (`?wsdl`, `?WSDL`): the WSDL.
 *        Any other GET, and PUT/DELETE/PATCH: 405 with a client fault.
 *   POST <path> and ANY path below it: clients post to `<path>/`, `<path>/<Service>` and even
 *        `…/<Service>.wsdl` (spec met-titulos.md §1.3). The adapter dispatches on the Body's first
 *        element, never on path or SOAPAction, and the Content-Type is not checked (the envelope
 *        decides; a SOAP 1.2 envelope gets a VersionMismatch fault).
 *
 * Body handling: the raw bytes are read with `maxEnvelopeBytes` enforced BEFORE buffering
 * (Content-Length) and while streaming (chunked); `Content-Encoding: gzip | x-gzip | deflate | br`
 * is inflated with the same cap counted on the inflated bytes. With a Content-Length the body is
 * copied into one preallocated Buffer (no 2× peak).
 *
 * Replies: 200 `text/xml; charset=utf-8` with the response envelope; a one-way operation → 202
 * Accepted, empty body (what Spring-WS answers when an endpoint returns no response message).
 * Every error is a SOAP 1.1 fault with HTTP 500 (SOAP 1.1 §6.2), including an oversize body
 * (`env:Client`, faultstring naming the limit, `Connection: close`). Unexpected exceptions →
 * `env:Server` with a generic text and the request id, logged with `request.log.error`; never a
 * stack trace, never HTML.
 */
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable, Transform } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EnvelopeFault } from './envelope.js';
import { soapFault, SOAP_CONTENT_TYPE, type FaultCode } from './responses.js';

/** What the adapter answers to one POSTed envelope. */
export type SoapAnswer =
  | { readonly kind: 'response'; readonly xml: Buffer }
  | { readonly kind: 'fault'; readonly fault: EnvelopeFault }
  /** A one-way operation: HTTP 202, no body. */
  | { readonly kind: 'accepted' };

export interface SoapEndpointOptions {
  /** Short name for logs and setup errors, e.g. `MET`. */
  readonly name: string;
  /** Where the service lives, e.g. `/met-ws/services` (no trailing slash). */
  readonly path: string;
  /** Largest accepted request body in bytes (after inflating a compressed body). */
  readonly maxEnvelopeBytes: number;
  /** The WSDL text to serve for this request (its soap:address follows the request's host). */
  readonly wsdl: (request: FastifyRequest) => string;
  /** Answers the raw request body (the adapter parses it; the body may be overwritten in place). */
  /** `request` is the HTTP request (its peer address feeds the failed-login limit). */
  readonly answer: (body: Buffer, request: FastifyRequest) => Promise<SoapAnswer>;
}

/** A request problem detected before the envelope is parsed (size, encoding): an `env:Client` fault. */
class SoapRequestError extends Error {
  constructor(readonly faultstring: string, readonly closeConnection = false) {
    super(faultstring);
    this.name = 'SoapRequestError';
  }
}

const METHOD_NOT_ALLOWED =
  'Método HTTP no permitido; use POST con un sobre SOAP 1.1 / HTTP method not allowed; POST a SOAP 1.1 envelope';

/** Registers the body parser, error handler and routes of one SOAP endpoint on `fastify`'s scope. */
export function registerSoapEndpoint(fastify: FastifyInstance, opts: SoapEndpointOptions): void {
  const { name, path, maxEnvelopeBytes } = opts;
  if (!Number.isSafeInteger(maxEnvelopeBytes) || maxEnvelopeBytes <= 0) {
    throw new Error(`${name} SOAP endpoint: maxEnvelopeBytes must be a positive integer`);
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
    request.log.error({ err, reqId: request.id }, `${name} SOAP request failed`);
    return sendFault(reply, 'Server',
      `Error interno del servidor; referencia ${request.id} / Internal server error; reference ${request.id}`);
  });

  const getRoute = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (request.url.split('?', 1)[0]?.toLowerCase().endsWith('.wsdl') || hasWsdlQuery(request)) {
      return reply.code(200).header('content-type', SOAP_CONTENT_TYPE).send(opts.wsdl(request));
    }
    return reply.code(405).header('allow', 'POST').header('content-type', SOAP_CONTENT_TYPE).send(soapFault('Client', METHOD_NOT_ALLOWED));
  };

  const postRoute = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const answer = await opts.answer(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), request);
    switch (answer.kind) {
      case 'response': return reply.code(200).header('content-type', SOAP_CONTENT_TYPE).send(answer.xml);
      case 'fault': return sendFault(reply, answer.fault.code, answer.fault.faultstring);
      case 'accepted': return reply.code(202).send();
    }
  };

  const otherRoute = async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
    reply.code(405).header('allow', 'GET, POST').header('content-type', SOAP_CONTENT_TYPE).send(soapFault('Client', METHOD_NOT_ALLOWED));

  for (const url of [path, `${path}/`, `${path}/*`]) {
    fastify.get(url, { schema: { hide: true } }, getRoute);
    fastify.post(url, { schema: { hide: true } }, postRoute);
    fastify.route({ method: ['PUT', 'DELETE', 'PATCH'], url, schema: { hide: true }, handler: otherRoute });
  }
}

function sendFault(reply: FastifyReply, code: FaultCode, faultstring: string): FastifyReply {
  return reply.code(500).header('content-type', SOAP_CONTENT_TYPE).send(soapFault(code, faultstring));
}

function hasWsdlQuery(request: FastifyRequest): boolean {
  const q = request.url.indexOf('?');
  if (q === -1) return false;
  return request.url.slice(q + 1).split('&').some((kv) => kv.split('=', 1)[0]?.toLowerCase() === 'wsdl');
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
function readBody(request: FastifyRequest, payload: Readable, max: number): Promise<Buffer> {
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
