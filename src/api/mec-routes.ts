import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { CANCELLATION_RULES, type CancellationTarget } from '../certificados/cancellations.js';
import { certificadoPage, certificadoView } from '../certificados/certificado-view.js';
import { errorLogCsv, errorLogXlsx } from '../documents/error-log.js';
import { parseSafeXml } from '../intake/xml.js';
import { findCertificadoByFolioDigital, listCertificados, listFolios, sealedCertificado } from '../store/repositories/mec.js';
import { ApiError } from './errors.js';
import { ChecksQuery, LoteDetailSchema, loteView, waitForLote, WaitQuery } from './lote-view.js';
import { acceptUploads, authenticateBasic, RAW_UPLOAD_TYPES, readUpload } from './uploads.js';

/** Filters of a certificate listing (institution and operators alike). */
export const CertificadoQuery = Type.Object({
  folioControl: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  folio: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  estatus: Type.Optional(Type.Union([Type.Literal('autenticado'), Type.Literal('cancelacion-pendiente'), Type.Literal('cancelado')])),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});
/**
 * The institution's side of the MEC (certificados electrónicos): folios, uploads against a folio and
 * their per-certificate results. Same web-service credentials as the MET: a QA user works in the
 * test environment (test folios), a production user with paid folios.
 */
export const mecRestRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { met, folios, mecCancellations, config, store, clock } = app.services;
  await acceptUploads(app, config.limits.maxUploadBytes);
  const principalOf = (request: FastifyRequest) => authenticateBasic(request, met);
  const tags = ['certificados'];
  const security = [{ webService: [] }];
  const FolioParams = Type.Object({ folio: Type.String({ minLength: 1 }) });


  app.post(
    '/folios',
    {
      schema: {
        summary: 'Open a folio: a test folio (QA user, up to 100) or a production folio to pay (production user, once access is granted)',
        tags,
        security,
        body: Type.Object({ certificados: Type.Integer({ minimum: 1, maximum: 65_534 }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request);
      const folio = await folios.create(principal, request.body.certificados);
      return reply.status(201).send(await folios.view(folio));
    },
  );

  app.get(
    '/folios',
    { schema: { summary: "This institution's folios in this environment, newest first", tags, security, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }) } },
    async (request) => {
      const principal = await principalOf(request);
      const rows = await listFolios(store.db, { cveInstitucion: principal.cveInstitucion, environment: principal.environment, limit: request.query.limit ?? 50 });
      return Promise.all(rows.map((row) => folios.view(row)));
    },
  );

  app.get('/folios/:folio', { schema: { summary: 'A folio: payment, state, attempts used and left, each upload with its results', tags, security, params: FolioParams } }, async (request) => {
    const principal = await principalOf(request);
    return folios.view(await folios.find(principal, request.params.folio));
  });

  app.post(
    '/folios/:folio/pago',
    {
      schema: {
        summary: 'Pay a production folio: "linea-de-captura" activates it 48 h later, "tarjeta" 24 h later (service clock)',
        tags,
        security,
        params: FolioParams,
        body: Type.Object({ metodo: Type.Union([Type.Literal('linea-de-captura'), Type.Literal('tarjeta')]) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const principal = await principalOf(request);
      return folios.view(await folios.pay(principal, request.params.folio, request.body.metodo));
    },
  );

  app.post(
    '/folios/:folio/cargas',
    {
      bodyLimit: config.limits.maxUploadBytes,
      schema: {
        summary: 'Upload the zip of DEC 3.0 certificates for a folio (exactly the certificates still pending; at most 3 attempts)',
        tags,
        security,
        params: FolioParams,
        consumes: [...RAW_UPLOAD_TYPES, 'multipart/form-data'],
        querystring: Type.Object({
          nombreArchivo: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
          ...WaitQuery,
          checks: ChecksQuery,
        }),
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request);
      const upload = await readUpload(request, config.limits.maxUploadBytes);
      const nombreArchivo = request.query.nombreArchivo ?? upload.filename ?? 'certificados.zip';
      const outcome = await folios.upload(principal, request.params.folio, nombreArchivo, upload.bytes);
      if (outcome.kind === 'rejected') throw new ApiError('REFUSED', outcome.reason, { ...(outcome.check ? { check: outcome.check } : {}), ...outcome.detail });
      if (request.query.wait) {
        const detail = await waitForLote(app.services, principal, outcome.numeroLote, 'certificados', request.query);
        if (detail?.status === 'processed') return reply.status(200).send({ ...detail, attempt: outcome.attempt, attemptsLeft: outcome.attemptsLeft });
      }
      return reply
        .status(202)
        .header('location', `/api/v1/mec/cargas/${outcome.numeroLote}`)
        .send({ numeroLote: outcome.numeroLote, folio: request.params.folio, attempt: outcome.attempt, attemptsLeft: outcome.attemptsLeft, status: 'received' });
    },
  );

  app.get(
    '/cargas/:numeroLote',
    {
      schema: {
        summary: 'An upload: per certificate SATISFACTORIO or every error found (code, node, attribute, expected, found)',
        tags,
        security,
        params: Type.Object({ numeroLote: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({ checks: ChecksQuery, ...WaitQuery }),
        response: { 200: LoteDetailSchema },
      },
    },
    async (request) => {
      const principal = await principalOf(request);
      const detail = await loteView(app.services, principal, request.params.numeroLote, 'certificados', request.query);
      if (!detail) throw new ApiError('NOT_FOUND', `upload ${request.params.numeroLote} does not exist for ${principal.usuario}`);
      return detail;
    },
  );

  app.get(
    '/cargas/:numeroLote/errores.:formato',
    {
      schema: {
        summary: 'The error log of an upload: every error of every certificate, as xlsx or CSV',
        tags,
        security,
        params: Type.Object({ numeroLote: Type.Integer({ minimum: 1 }), formato: Type.Union([Type.Literal('xlsx'), Type.Literal('csv')]) }),
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request);
      const detail = await met.loteDetail(principal, request.params.numeroLote, 'certificados');
      if (!detail) throw new ApiError('NOT_FOUND', `upload ${request.params.numeroLote} does not exist for ${principal.usuario}`);
      if (!detail.documents) throw new ApiError('INVALID', `upload ${request.params.numeroLote} is not processed yet`, { status: detail.status });
      const rows = detail.documents.map((d) => ({
        archivo: d.archivo,
        folioControl: d.folioControl || null,
        estatus: d.estatus === 1 ? ('SATISFACTORIO' as const) : ('ERROR' as const),
        checks: d.checks,
      }));
      const name = `Errores${request.params.numeroLote}.${request.params.formato}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      return request.params.formato === 'xlsx'
        ? reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(errorLogXlsx(rows))
        : reply.type('text/csv; charset=utf-8').send(errorLogCsv(rows));
    },
  );

  app.get(
    '/verificacion/:folioDigital',
    {
      schema: {
        summary: 'Public verification of a printed certificate (the QR code points here): is this folioDigital authenticated, and for whom',
        tags,
        params: Type.Object({ folioDigital: Type.String({ format: 'uuid' }) }),
      },
    },
    async (request) => {
      const row = await findCertificadoByFolioDigital(store.db, request.params.folioDigital);
      if (!row) throw new ApiError('NOT_FOUND', `no certificate was authenticated with folioDigital ${request.params.folioDigital}`);
      const view = certificadoView(row, clock.now());
      return {
        folioDigital: view.folioDigital,
        folioControl: view.folioControl,
        estatus: view.estatus,
        authenticatedAt: view.authenticatedAt,
        cancellation: view.cancellation && { requestedAt: view.cancellation.requestedAt, effectiveAt: view.cancellation.effectiveAt },
        alumno: view.alumno,
        idCampus: view.idCampus,
        environment: view.environment,
      };
    },
  );

  app.get(
    '/certificados',
    {
      schema: {
        summary: "This institution's authenticated certificates in this environment, newest first; page with `before` = the last item's id",
        tags,
        security,
        querystring: CertificadoQuery,
      },
    },
    async (request) => {
      const principal = await principalOf(request);
      const { before, limit = 50, ...filter } = request.query;
      const now = clock.now();
      const rows = await listCertificados(store.db, { ...filter, cveInstitucion: principal.cveInstitucion, environment: principal.environment, beforeId: before, limit, now });
      return certificadoPage(rows, limit, now);
    },
  );

  app.post(
    '/cancelaciones',
    {
      schema: {
        summary: 'Cancel one certificate (folioDigital or folioControl) or every certificate of a folio; effective 48 business hours later',
        tags,
        security,
        body: Type.Object(
          {
            folioDigital: Type.Optional(Type.String({ format: 'uuid' })),
            folioControl: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
            folio: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
            motivo: Type.Optional(Type.String({ minLength: 1, maxLength: CANCELLATION_RULES.maxMotivoLength })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request);
      const { motivo, ...targets } = request.body;
      const given = Object.entries(targets).filter(([, value]) => value !== undefined);
      if (given.length !== 1) {
        throw new ApiError('VALIDATION', 'give exactly one of folioDigital, folioControl or folio', { expected: 1, found: given.map(([name]) => name) });
      }
      const [name, value] = given[0]!;
      const outcome = await mecCancellations.request(principal, { [name]: value } as CancellationTarget, motivo ?? null);
      return reply.status(202).send(outcome);
    },
  );

  app.get(
    '/certificados/:folioDigital.:formato',
    {
      schema: {
        summary: 'An authenticated certificate, as sealed XML (with Dreoe and SepIpes) or as printable PDF',
        tags,
        security,
        params: Type.Object({ folioDigital: Type.String({ format: 'uuid' }), formato: Type.Union([Type.Literal('xml'), Type.Literal('pdf')]) }),
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request);
      const row = await findCertificadoByFolioDigital(store.db, request.params.folioDigital);
      // The caller's institution and environment only: a test user never reads a production certificate.
      if (!row || row.cve_institucion !== principal.cveInstitucion || row.environment !== principal.environment) throw new ApiError('NOT_FOUND', `no certificate ${request.params.folioDigital} for ${principal.usuario}`);
      const xml = await sealedCertificado(store.db, row);
      const name = `${row.folio_control}.${request.params.formato}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (request.params.formato === 'xml') return reply.type('application/xml; charset=utf-8').send(xml);
      const parsed = parseSafeXml(xml);
      if (!parsed.ok) throw new Error(`stored certificate ${row.folio_digital} does not parse`);
      // Loaded on first use: the PDF libraries are a tenth of the service's memory at rest.
      const { renderCertificadoPdf } = await import('../documents/certificado-pdf.js');
      return reply.type('application/pdf').send(await renderCertificadoPdf(parsed.root, { verifyUrl: verificationUrl(request, row.folio_digital) }));
    },
  );
};

/** Where the QR code of a printed certificate points: this service's public verification route. */
export function verificationUrl(request: FastifyRequest, folioDigital: string): string {
  return `${request.protocol}://${request.host}/api/v1/mec/verificacion/${folioDigital}`;
}
