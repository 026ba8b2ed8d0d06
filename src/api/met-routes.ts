import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Credentials } from '../titulos/met-service.js';
import { buildResultsPackage } from '../wire/met/results-package.js';
import { ApiError } from './errors.js';
import { acceptUploads, authenticateBasic, basicCredentials, defaultUploadName, RAW_UPLOAD_TYPES, readUpload } from './uploads.js';
import { ChecksQuery, LoteDetailSchema, loteView, waitForLote, WaitQuery } from './lote-view.js';


/**
 * The institution's REST/JSON face of the MET: the same lotes as the SOAP service (same credentials,
 * same numeroLote sequence), with every problem of every file explained.
 */
export const metRestRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { met, config } = app.services;
  const uploadLimit = config.limits.maxUploadBytes;

  await acceptUploads(app, uploadLimit);
  const principalOf = (request: FastifyRequest) => authenticateBasic(request, met);

  app.post(
    '/lotes',
    {
      bodyLimit: uploadLimit,
      schema: {
        summary: 'Upload a lote: one TituloElectronico XML or a zip of them (raw body or multipart field "archivo")',
        tags: ['títulos'],
        security: [{ webService: [] }],
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
      const upload = await readUpload(request, uploadLimit);
      const nombreArchivo = request.query.nombreArchivo ?? upload.filename ?? defaultUploadName(request.headers['content-type']);
      const credentials = basicCredentials(request.headers.authorization) as Credentials;
      const outcome = await met.upload(credentials, nombreArchivo, upload.bytes, 'rest');
      if (outcome.kind === 'unauthenticated') throw new ApiError('UNAUTHENTICATED', 'credentials were rejected');
      if (outcome.kind === 'invalid-request') throw new ApiError('INVALID', outcome.reason);
      if (request.query.wait) {
        const detail = await waitForLote(app.services, principal, outcome.numeroLote, 'titulos', request.query);
        if (detail?.status === 'processed') return reply.status(200).send(detail);
      }
      return reply
        .status(202)
        .header('location', `/api/v1/met/lotes/${outcome.numeroLote}`)
        .send({ numeroLote: outcome.numeroLote, environment: principal.environment, status: 'received' });
    },
  );

  app.get(
    '/lotes/:numeroLote',
    {
      schema: {
        summary: 'Status of a lote and, once processed, every file with every check',
        tags: ['títulos'],
        security: [{ webService: [] }],
        params: Type.Object({ numeroLote: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({ checks: ChecksQuery, ...WaitQuery }),
        response: { 200: LoteDetailSchema },
      },
    },
    async (request) => {
      const principal = await principalOf(request);
      const detail = await loteView(app.services, principal, request.params.numeroLote, 'titulos', request.query);
      if (!detail) throw new ApiError('NOT_FOUND', `lote ${request.params.numeroLote} does not exist for ${principal.usuario} in ${principal.environment}`);
      return detail;
    },
  );

  app.get(
    '/lotes/:numeroLote/resultado',
    {
      schema: {
        summary: "SEP's results package: a zip holding ResultadoCargaTitulos<numeroLote>.xls",
        tags: ['títulos'],
        security: [{ webService: [] }],
        params: Type.Object({ numeroLote: Type.Integer({ minimum: 1 }) }),
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request);
      const credentials = basicCredentials(request.headers.authorization) as Credentials;
      const outcome = await met.descarga(credentials, request.params.numeroLote);
      if (outcome.kind === 'not-found' || outcome.kind === 'forbidden') {
        throw new ApiError('NOT_FOUND', `lote ${request.params.numeroLote} does not exist for ${principal.usuario}`);
      }
      if (outcome.kind !== 'ready') throw new ApiError('INVALID', `lote ${request.params.numeroLote} is not processed yet`, { status: 'processing' });
      const zip = await buildResultsPackage(outcome.numeroLote, outcome.rows);
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="ResultadoCargaTitulos${outcome.numeroLote}.zip"`)
        .send(zip);
    },
  );

  app.get(
    '/titulos/:folioControl',
    {
      schema: {
        summary: 'Every registration of a folioControl of this institution (current first, then cancelled ones)',
        tags: ['títulos'],
        security: [{ webService: [] }],
        params: Type.Object({ folioControl: Type.String({ minLength: 1 }) }),
      },
    },
    async (request) => {
      const principal = await principalOf(request);
      const registrations = await app.services.met.titulos(principal, request.params.folioControl);
      if (registrations.length === 0) throw new ApiError('NOT_FOUND', `folioControl ${request.params.folioControl} was never registered in ${principal.environment}`);
      return { folioControl: request.params.folioControl, registrations };
    },
  );

  app.post(
    '/titulos/:folioControl/cancelacion',
    {
      schema: {
        summary: 'Cancel a registered título (motCancelacion R1–R5 or C1); the folio may then be registered again',
        tags: ['títulos'],
        security: [{ webService: [] }],
        params: Type.Object({ folioControl: Type.String({ minLength: 1 }) }),
        body: Type.Object({ motCancelacion: Type.String() }, { additionalProperties: false }),
      },
    },
    async (request) => {
      await principalOf(request);
      const credentials = basicCredentials(request.headers.authorization) as Credentials;
      const outcome = await met.cancela(credentials, request.params.folioControl, request.body.motCancelacion);
      switch (outcome.kind) {
        case 'cancelled':
          return { folioControl: outcome.folioControl, status: 'cancelled' };
        case 'not-found':
          throw new ApiError('NOT_FOUND', `folioControl ${outcome.folioControl} is not registered`);
        case 'already-cancelled':
          throw new ApiError('INVALID', `folioControl ${outcome.folioControl} is already cancelled`);
        case 'invalid-motivo':
          throw new ApiError('INVALID', 'motCancelacion is not in the catalog', { expected: 'R1, R2, R3, R4, R5 or C1', found: outcome.motCancelacion });
        default:
          throw new ApiError('FORBIDDEN', 'these credentials cannot cancel this título');
      }
    },
  );
};
