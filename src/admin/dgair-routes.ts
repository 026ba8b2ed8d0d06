import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Environment, FolioDigital, SolicitudSchema } from '../api/dgair-schemas.js';
import { ApiError } from '../api/errors.js';
import { findAutenticacion, solicitudesOf } from '../store/repositories/dgair.js';
import { adminTokenHook } from './admin-auth.js';

/** Operators' view of DGAIR títulos authentication (Bearer METMEC_ADMIN_TOKEN). */
export const dgairAdminRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { dgair, store, config } = app.services;
  app.addHook('onRequest', adminTokenHook(config.adminToken));
  const tags = ['operators'];
  const security = [{ admin: [] }];

  app.get(
    '/solicitudes',
    {
      schema: {
        summary: "DGAIR solicitudes of any institution, newest first; page with `before` = the last item's id",
        tags,
        security,
        querystring: Type.Object({
          cveInstitucion: Type.Optional(Type.String()),
          environment: Type.Optional(Environment),
          before: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(Type.Composite([Type.Object({ id: Type.Integer() }), SolicitudSchema])), next: Type.Union([Type.Object({ before: Type.Integer() }), Type.Null()]) }) },
      },
    },
    async (request) => {
      const { cveInstitucion, environment, before, limit = 50 } = request.query;
      const rows = await dgair.list({ cveInstitucion, environment, beforeId: before, limit });
      const items = await Promise.all(rows.map(async (row) => ({ id: row.id, ...(await dgair.view(row)) })));
      const last = rows.at(-1);
      return { items, next: rows.length === limit && last ? { before: last.id } : null };
    },
  );

  app.get(
    '/titulos/:folioDigital',
    {
      schema: {
        summary: 'One authentication: the título registration, the Autenticacion data and the solicitudes that asked for it',
        tags,
        security,
        params: Type.Object({ folioDigital: FolioDigital }),
      },
    },
    async (request) => {
      const row = await findAutenticacion(store.db, request.params.folioDigital);
      if (!row) throw new ApiError('NOT_FOUND', `no título was authenticated with folioDigital ${request.params.folioDigital}`);
      return {
        folioDigital: row.folio_digital,
        fechaAutenticacion: row.fecha_autenticacion,
        noCertificadoAutoridad: row.no_certificado_autoridad,
        authenticatedAt: row.authenticated_at,
        environment: row.environment,
        cveInstitucion: row.cve_institucion,
        folioControl: row.folio_control,
        profesionista: { curp: row.curp, nombre: row.nombre, primerApellido: row.primer_apellido, segundoApellido: row.segundo_apellido },
        titulo: { registeredAt: row.registered_at, cancelledAt: row.cancelled_at },
        solicitudes: await solicitudesOf(store.db, row.id),
      };
    },
  );
};
