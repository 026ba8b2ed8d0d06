import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { dgairAdminRoutes } from '../admin/dgair-routes.js';
import { bytesOf, constanciaPdf, constanciasZip, titulosZip } from '../dgair/packages.js';
import { DGAIR_RULES } from '../dgair/solicitudes.js';
import { Refusal } from '../refusal.js';
import { authenticatedXmls, findAutenticacion } from '../store/repositories/dgair.js';
import type { DgairSolicitudRow } from '../store/schema.js';
import { autoridadRoutes } from './autoridad-routes.js';
import { FolioDigital, NumeroParams, SolicitudSchema, verificationUrl } from './dgair-schemas.js';
import { ApiError } from './errors.js';
import { authenticateBasic } from './uploads.js';

/**
 * The institution's side of DGAIR's authentication of títulos (spec met-titulos.md §1.10):
 * solicitudes by folioControl, payment, the authenticated XMLs and constancias, and the public
 * verification the constancia's QR code points at. Same web-service credentials as the MET.
 */
export const dgairRestRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { met, dgair, store } = app.services;
  const principalOf = (request: FastifyRequest) => authenticateBasic(request, met);
  const tags = ['títulos: autenticación DGAIR'];
  const security = [{ webService: [] }];

  app.post(
    '/solicitudes',
    {
      schema: {
        summary: 'Ask DGAIR to authenticate registered títulos (federal RVOE) by folioControl; refused as a whole, listing every problem, when any cannot be',
        tags,
        security,
        body: Type.Object(
          { folioControl: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: DGAIR_RULES.maxTitulos }) },
          { additionalProperties: false },
        ),
        response: { 201: SolicitudSchema },
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request);
      const row = await dgair.create(principal, request.body.folioControl);
      return reply.status(201).header('location', `/api/v1/dgair/solicitudes/${row.numero}`).send(await dgair.view(row));
    },
  );

  app.get(
    '/solicitudes',
    {
      schema: {
        summary: "This institution's solicitudes in this environment, newest first",
        tags,
        security,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }),
        response: { 200: Type.Array(SolicitudSchema) },
      },
    },
    async (request) => {
      const principal = await principalOf(request);
      const rows = await dgair.list({ cveInstitucion: principal.cveInstitucion, environment: principal.environment, limit: request.query.limit ?? 50 });
      return Promise.all(rows.map((row) => dgair.view(row)));
    },
  );

  app.get(
    '/solicitudes/:numero',
    { schema: { summary: 'A solicitud: state, payment, and per título its folioDigital or why it was rejected', tags, security, params: NumeroParams, response: { 200: SolicitudSchema } } },
    async (request) => dgair.view(await dgair.find(await principalOf(request), request.params.numero)),
  );

  app.post(
    '/solicitudes/:numero/pago',
    {
      schema: {
        summary: 'Pay a production solicitud: "linea-de-captura" activates it 48 h later, "tarjeta" 24 h later (service clock)',
        tags,
        security,
        params: NumeroParams,
        body: Type.Object({ metodo: Type.Union([Type.Literal('linea-de-captura'), Type.Literal('tarjeta')]) }, { additionalProperties: false }),
        response: { 200: SolicitudSchema },
      },
    },
    async (request) => dgair.view(await dgair.pay(await principalOf(request), request.params.numero, request.body.metodo)),
  );

  const processed = async (request: FastifyRequest, numero: string): Promise<DgairSolicitudRow> => {
    const row = await dgair.find(await principalOf(request), numero);
    if (row.processed_at === null) throw new Refusal('REFUSED', `solicitud ${row.numero} is not processed yet`, { state: dgair.state(row), activeFrom: row.active_from });
    return row;
  };
  const authenticated = async (row: DgairSolicitudRow) => {
    const titulos = await authenticatedXmls(store.db, row.id);
    if (titulos.length === 0) throw new Refusal('REFUSED', `no título of solicitud ${row.numero} was authenticated`);
    return titulos;
  };

  app.get(
    '/solicitudes/:numero/titulos.zip',
    { schema: { summary: 'The authenticated títulos of a solicitud: a zip of <folioControl>.xml carrying the Autenticacion node', tags, security, params: NumeroParams } },
    async (request, reply) => {
      const row = await processed(request, request.params.numero);
      const zip = await titulosZip(await authenticated(row));
      return reply.type('application/zip').header('content-disposition', `attachment; filename="TitulosAutenticados${row.numero}.zip"`).send(zip);
    },
  );

  app.get(
    '/solicitudes/:numero/constancias.zip',
    { schema: { summary: 'The Constancias de Autenticación of a solicitud: a zip of <folioControl>.pdf', tags, security, params: NumeroParams } },
    async (request, reply) => {
      const row = await processed(request, request.params.numero);
      const zip = await constanciasZip(await authenticated(row), (folioDigital) => verificationUrl(request, folioDigital));
      return reply.type('application/zip').header('content-disposition', `attachment; filename="Constancias${row.numero}.zip"`).send(zip);
    },
  );

  app.get(
    '/titulos/:folioDigital.:formato',
    {
      schema: {
        summary: 'One authenticated título, as XML (with the Autenticacion node) or as its PDF Constancia de Autenticación',
        tags,
        security,
        params: Type.Object({ folioDigital: FolioDigital, formato: Type.Union([Type.Literal('xml'), Type.Literal('pdf')]) }),
      },
    },
    async (request, reply) => {
      const row = await dgair.autenticacion(await principalOf(request), request.params.folioDigital);
      const { formato } = request.params;
      reply.header('content-disposition', `attachment; filename="${row.folio_digital}.${formato}"`);
      if (formato === 'xml') return reply.type('application/xml; charset=utf-8').send(bytesOf(row.xml));
      return reply.type('application/pdf').send(await constanciaPdf(row.xml, verificationUrl(request, row.folio_digital)));
    },
  );

  app.get(
    '/verificacion/:folioDigital',
    {
      schema: {
        summary: 'Public verification of a Constancia de Autenticación (its QR code points here): was this folioDigital issued, for which título',
        tags,
        params: Type.Object({ folioDigital: FolioDigital }),
      },
    },
    async (request) => {
      const row = await findAutenticacion(store.db, request.params.folioDigital);
      if (!row) throw new ApiError('NOT_FOUND', `no título was authenticated with folioDigital ${request.params.folioDigital}`);
      return {
        folioDigital: row.folio_digital,
        estatus: row.cancelled_at === null ? 'autenticado' : 'titulo-cancelado',
        fechaAutenticacion: row.fecha_autenticacion,
        noCertificadoAutoridad: row.no_certificado_autoridad,
        folioControl: row.folio_control,
        institucion: { cveInstitucion: row.cve_institucion, nombre: row.nombre_institucion },
        profesionista: { curp: row.curp, nombre: row.nombre, primerApellido: row.primer_apellido, segundoApellido: row.segundo_apellido },
        environment: row.environment,
      };
    },
  );
};

/** Everything of the DGAIR títulos authentication, under /api/v1: one registration in app.ts. */
export const dgairApi: FastifyPluginAsync = async (api) => {
  await api.register(dgairRestRoutes, { prefix: '/dgair' });
  await api.register(autoridadRoutes, { prefix: '/autoridad' });
  await api.register(dgairAdminRoutes, { prefix: '/admin/dgair' });
};
