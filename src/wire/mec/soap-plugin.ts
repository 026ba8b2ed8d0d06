/**
 * The MEC SOAP endpoint: this service's own web service for certificados electrónicos, in the style
 * of SEP's MET (SEP's IPES channel is a portal, so there is no SEP contract to copy). It only
 * translates: SOAP 1.1 envelope → MecSoapUseCases → SEP-shaped response. The HTTP side (any path
 * under /mec-ws/services, body caps, faults only for a malformed, schema-invalid or oversized
 * envelope) is the shared SOAP endpoint's (src/wire/soap/endpoint.ts), exactly as for the MET.
 *
 *   GET  /mec-ws/services/CertificadosElectronicos.wsdl (or `?wsdl`): the WSDL.
 *   POST /mec-ws/services and any path below it: dispatched on the Body's first element.
 *
 * cancelaCertificadoElectronico goes through the app's MecCancellations (48 business hours).
 *
 * Built from the app's services (app.ts registers it with the envelope cap only).
 */
import type { FastifyPluginAsync } from 'fastify';
import { LoginThrottled } from '../../registry/login-throttle.js';
import type { ConsultaOutcome } from '../../titulos/met-service.js';
import { CANCELA_CODIGO, consultaAnswer, ESTATUS_LOTE, MET_MESSAGES } from '../met/messages.js';
import { registerSoapEndpoint } from '../soap/endpoint.js';
import { parseMecEnvelope, type MecRequest } from './envelope.js';
import { ESTATUS_FOLIO, MEC_MESSAGES } from './messages.js';
import { cancelaResponse, cargaResponse, consultaFolioResponse, consultaResponse, descargaResponse } from './responses.js';
import { buildMecResultsPackage } from './results-package.js';
import {
  MecSoapUseCases, type CancelaOutcome, type CargaOutcome, type ConsultaFolioOutcome, type DescargaOutcome,
} from './use-cases.js';
import { MEC_SERVICES_PATH, renderMecWsdl } from './wsdl.js';

export interface MecSoapPluginOptions {
  /** Largest accepted request body in bytes (after inflating a compressed body). */
  readonly maxEnvelopeBytes: number;
}

export const mecSoapPlugin: FastifyPluginAsync<MecSoapPluginOptions> = async (fastify, opts) => {
  const { met, folios, mecCancellations, store } = fastify.services;
  const useCases = new MecSoapUseCases({ met, folios, cancellations: mecCancellations, db: store.db });
  registerSoapEndpoint(fastify, {
    name: 'MEC',
    path: MEC_SERVICES_PATH,
    maxEnvelopeBytes: opts.maxEnvelopeBytes,
    wsdl: (request) => renderMecWsdl(request.protocol, request.host ?? 'localhost'),
    answer: async (body, request) => {
      const parsed = parseMecEnvelope(body);
      if (!parsed.ok) return { kind: 'fault', fault: parsed.fault };
      const req = { ...parsed.request, auth: { ...parsed.request.auth, clientAddress: request.ip } };
      try {
        return { kind: 'response', xml: await dispatch(useCases, req) };
      } catch (err) {
        if (!(err instanceof LoginThrottled)) throw err;
        return { kind: 'response', xml: throttledXml(req, MET_MESSAGES.loginThrottled(err.retryAfterSeconds)) };
      }
    },
  });
};

/** A login refused by the failed-login limit: the operation's failed-login answer with the limit's text (no fault). */
function throttledXml(req: MecRequest, mensaje: string): Buffer {
  switch (req.operation) {
    case 'cargaCertificadoElectronico': return cargaResponse(undefined, mensaje);
    case 'consultaProcesoCertificadoElectronico': return consultaResponse(req.numeroLote, ESTATUS_LOTE.notFinished, mensaje);
    case 'descargaCertificadoElectronico': return descargaResponse(req.numeroLote, mensaje, null);
    case 'consultaFolio': return consultaFolioResponse(req.folio, undefined, mensaje);
    case 'cancelaCertificadoElectronico': return cancelaResponse(CANCELA_CODIGO.unauthenticated, mensaje);
  }
}

async function dispatch(useCases: MecSoapUseCases, req: MecRequest): Promise<Buffer> {
  switch (req.operation) {
    case 'cargaCertificadoElectronico':
      return cargaXml(await useCases.carga(req.auth, req.folio, req.nombreArchivo, req.archivo), req.nombreArchivo);
    case 'consultaProcesoCertificadoElectronico':
      return consultaXml(await useCases.consulta(req.auth, req.numeroLote));
    case 'descargaCertificadoElectronico':
      return descargaXml(await useCases.descarga(req.auth, req.numeroLote));
    case 'consultaFolio':
      return consultaFolioXml(await useCases.consultaFolio(req.auth, req.folio), req.folio);
    case 'cancelaCertificadoElectronico':
      return cancelaXml(await useCases.cancela(req.auth, req.folioControl, req.motivo));
  }
}

function cargaXml(outcome: CargaOutcome, nombreArchivo: string): Buffer {
  switch (outcome.kind) {
    case 'accepted':
      return cargaResponse(
        { numeroLote: outcome.numeroLote, intento: outcome.attempt, intentosRestantes: outcome.attemptsLeft },
        MEC_MESSAGES.cargaAccepted(nombreArchivo, outcome.numeroLote, outcome.folio, outcome.attempt));
    case 'unauthenticated': return cargaResponse(undefined, MET_MESSAGES.authFailed());
    case 'refused': return cargaResponse(undefined, MEC_MESSAGES.cargaRefused(outcome.refusal, nombreArchivo));
  }
}

/** The MET's answers, word for word: estatusLote 1 only once the lote is processed. */
function consultaXml(outcome: ConsultaOutcome): Buffer {
  const { estatusLote, mensaje } = consultaAnswer(outcome);
  return consultaResponse(outcome.numeroLote, estatusLote, mensaje);
}

async function descargaXml(outcome: DescargaOutcome): Promise<Buffer> {
  const n = outcome.numeroLote;
  switch (outcome.kind) {
    case 'ready': return descargaResponse(n, MET_MESSAGES.descargaReady(n), await buildMecResultsPackage(n, outcome.results, outcome.sealed));
    case 'processing': return descargaResponse(n, MET_MESSAGES.descargaNotReady(n), null);
    case 'not-found': return descargaResponse(n, MET_MESSAGES.loteNotFound(n), null);
    case 'unauthenticated': return descargaResponse(n, MET_MESSAGES.authFailed(), null);
    case 'forbidden': return descargaResponse(n, MET_MESSAGES.forbidden(outcome.cveInstitucion), null);
  }
}

function consultaFolioXml(outcome: ConsultaFolioOutcome, folio: string): Buffer {
  switch (outcome.kind) {
    case 'found': {
      const f = outcome.facts;
      return consultaFolioResponse(folio, {
        estatusFolio: ESTATUS_FOLIO[f.state],
        certificados: f.certificados,
        certificadosAutenticados: f.authenticated,
        certificadosPendientes: f.certificados - f.authenticated,
        intentosUsados: f.attemptsUsed,
        intentosRestantes: f.attemptsLeft,
      }, MEC_MESSAGES.folioStatus(f));
    }
    case 'unauthenticated': return consultaFolioResponse(folio, undefined, MET_MESSAGES.authFailed());
    case 'refused': return consultaFolioResponse(folio, undefined, MEC_MESSAGES.folioRefused(outcome.refusal));
  }
}

/** The MET's cancela codes where the case is the same (0 done, 1 unknown, 2 already, 3 bad motive, 4 login). */
function cancelaXml(outcome: CancelaOutcome): Buffer {
  switch (outcome.kind) {
    case 'requested':
      return cancelaResponse(CANCELA_CODIGO.cancelled, MEC_MESSAGES.cancelRequested(outcome.folioControl, outcome.effectiveAt), outcome.effectiveAt);
    case 'not-found': return cancelaResponse(CANCELA_CODIGO.notFound, MEC_MESSAGES.cancelNotFound(outcome.folioControl));
    case 'pending':
      return cancelaResponse(CANCELA_CODIGO.alreadyCancelled, MEC_MESSAGES.cancelPending(outcome.folioControl, outcome.effectiveAt), outcome.effectiveAt);
    case 'already-cancelled': return cancelaResponse(CANCELA_CODIGO.alreadyCancelled, MET_MESSAGES.cancelAlreadyCancelled(outcome.folioControl));
    case 'invalid-motivo': return cancelaResponse(CANCELA_CODIGO.invalidMotivo, MEC_MESSAGES.cancelMotivoTooLong(outcome.maxLength));
    case 'unauthenticated': return cancelaResponse(CANCELA_CODIGO.unauthenticated, MET_MESSAGES.authFailed());
  }
}
