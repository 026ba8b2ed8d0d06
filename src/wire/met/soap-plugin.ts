/**
 * SEP-compatible MET SOAP endpoint (spec met-titulos.md §1). It only translates: SOAP 1.1 envelope
 * → MetService call → SEP-shaped response. The HTTP side (paths, body caps, faults) is the shared
 * SOAP endpoint's (src/wire/soap/endpoint.ts), under /met-ws/services.
 *
 * WSDL: production variant by default; the QA variant (no `cancelarTituloInstitucion`) when the
 * query has `variant=qa` or the Host header starts with `metqa` (SEP's QA host is
 * metqa.siged.sep.gob.mx); `variant=prod` forces production. soap:address =
 * `<scheme>://<host>/met-ws/services/` of the request.
 *
 * One-way `cancelarTituloInstitucion` → 202 Accepted, empty body, whatever the outcome.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { LoginThrottled } from '../../registry/login-throttle.js';
import type {
  CancelaOutcome, CargaOutcome, ConsultaOutcome, DescargaOutcome, MetService,
} from '../../titulos/met-service.js';
import { registerSoapEndpoint, type SoapAnswer } from '../soap/endpoint.js';
import { parseMetEnvelope, type MetRequest } from './envelope.js';
import { CANCELA_CODIGO, consultaAnswer, ESTATUS_LOTE, MET_MESSAGES } from './messages.js';
import { cancelaResponse, cargaResponse, consultaResponse, descargaResponse } from './responses.js';
import { buildResultsPackage } from './results-package.js';
import { MET_SERVICES_PATH, renderWsdl, soapAddress, type WsdlVariant } from './wsdl.js';

export interface MetSoapPluginOptions {
  readonly service: MetService;
  /** Largest accepted request body in bytes (after inflating a compressed body). */
  readonly maxEnvelopeBytes: number;
}

export const metSoapPlugin: FastifyPluginAsync<MetSoapPluginOptions> = async (fastify, opts) => {
  const { service } = opts;
  registerSoapEndpoint(fastify, {
    name: 'MET',
    path: MET_SERVICES_PATH,
    maxEnvelopeBytes: opts.maxEnvelopeBytes,
    wsdl: (request) => renderWsdl(wsdlVariant(request), soapAddress(request.protocol, request.host ?? 'localhost')),
    answer: async (body, request): Promise<SoapAnswer> => {
      const parsed = parseMetEnvelope(body);
      if (!parsed.ok) return { kind: 'fault', fault: parsed.fault };
      const req = { ...parsed.request, auth: { ...parsed.request.auth, clientAddress: request.ip } };
      try {
        if (req.operation === 'cancelarTituloInstitucion') {
          // One-way: no response message whatever the outcome.
          await service.cancela(req.auth, req.folioControl, req.motCancelacion, req.cveInstitucion);
          return { kind: 'accepted' };
        }
        return { kind: 'response', xml: await dispatch(service, req) };
      } catch (err) {
        if (!(err instanceof LoginThrottled)) throw err;
        if (req.operation === 'cancelarTituloInstitucion') return { kind: 'accepted' };
        return { kind: 'response', xml: throttledXml(req, MET_MESSAGES.loginThrottled(err.retryAfterSeconds)) };
      }
    },
  });
};

function wsdlVariant(request: FastifyRequest): WsdlVariant {
  const query = request.query as Record<string, unknown> | undefined;
  const v = typeof query?.['variant'] === 'string' ? query['variant'].toLowerCase() : undefined;
  if (v === 'qa' || v === 'prod') return v;
  return (request.host ?? '').toLowerCase().startsWith('metqa') ? 'qa' : 'prod';
}

// ------------------------------------------------------------------------------------ dispatch

/** A login refused by the failed-login limit: the operation's failed-login answer with the limit's text (no fault). */
function throttledXml(req: Exclude<MetRequest, { operation: 'cancelarTituloInstitucion' }>, mensaje: string): Buffer {
  switch (req.operation) {
    case 'cargaTituloElectronico': return cargaResponse(undefined, mensaje);
    case 'consultaProcesoTituloElectronico': return consultaResponse(req.numeroLote, ESTATUS_LOTE.notFinished, mensaje);
    case 'descargaTituloElectronico': return descargaResponse(req.numeroLote, mensaje, null);
    case 'cancelaTituloElectronico': return cancelaResponse(CANCELA_CODIGO.unauthenticated, mensaje);
  }
}

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
  const { estatusLote, mensaje } = consultaAnswer(outcome);
  return consultaResponse(outcome.numeroLote, estatusLote, mensaje);
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
