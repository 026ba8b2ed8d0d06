import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../api/errors.js';
import { CertificadoQuery } from '../api/mec-routes.js';
import { acceptUploads, readUpload } from '../api/uploads.js';
import { certificadoPage, certificadoView } from '../certificados/certificado-view.js';
import { findFolio, listCertificados, listFolios } from '../store/repositories/mec.js';
import { adminTokenHook } from './admin-auth.js';

const CveParams = Type.Object({ cveInstitucion: Type.String({ pattern: '^\\d{6}$' }) });
const CampusParams = Type.Object({ cveInstitucion: Type.String({ pattern: '^\\d{6}$' }), idCampus: Type.String({ minLength: 1, maxLength: 20 }) });

/**
 * The MEC registry and operators' API (Bearer METMEC_ADMIN_TOKEN): an institution's MEC id, its
 * campuses and their responsible signer, study-plan imports, production access, folio queries.
 */
export const mecAdminRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { mecRegistry, folios, met, store, config, clock } = app.services;
  app.addHook('onRequest', adminTokenHook(config.adminToken));
  await acceptUploads(app, 10 * 1024 * 1024);
  app.addContentTypeParser(['application/pkix-cert', 'application/x-x509-ca-cert'], { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
  const tags = ['certificados: registry'];
  const security = [{ admin: [] }];


  app.put(
    '/institutions/:cveInstitucion/mec',
    {
      schema: {
        summary: "Register the institution with the MEC: its MEC id (idNombreInstitucion, also ServicioFirmante/@idEntidad)",
        tags,
        security,
        params: CveParams,
        body: Type.Object({ idNombreInstitucion: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      await mecRegistry.setMecId(request.params.cveInstitucion, request.body.idNombreInstitucion);
      return { cveInstitucion: request.params.cveInstitucion, idNombreInstitucion: request.body.idNombreInstitucion };
    },
  );

  app.put(
    '/institutions/:cveInstitucion/campus/:idCampus',
    {
      schema: {
        summary: 'Create or change a campus (idCampus = the DGP clave, as in Ipes/@idCampus)',
        tags,
        security,
        params: CampusParams,
        body: Type.Object({ nombre: Type.String(), idEntidadFederativa: Type.String() }, { additionalProperties: false }),
      },
    },
    async (request) => {
      await mecRegistry.putCampus(request.params.cveInstitucion, { idCampus: request.params.idCampus, ...request.body });
      return { idCampus: request.params.idCampus, ...request.body };
    },
  );

  app.get('/institutions/:cveInstitucion/campus', { schema: { summary: 'Campuses with their active responsible signer', tags, security, params: CveParams } }, async (request) =>
    (await mecRegistry.campuses(request.params.cveInstitucion)).map((c) => ({
      idCampus: c.id_campus,
      nombre: c.nombre,
      idEntidadFederativa: c.id_entidad_federativa,
      responsable: c.signer_id === null ? null : { signerId: c.signer_id, numeroCertificado: c.numero_certificado, curp: c.curp, nombre: c.signer_nombre, validTo: c.valid_to, status: c.signer_status },
    })),
  );

  app.put(
    '/institutions/:cveInstitucion/campus/:idCampus/responsable',
    {
      schema: {
        summary: "Set the campus's responsible signer (raw .cer body or JSON certificateBase64); the previous one stops signing new uploads",
        tags,
        security,
        params: CampusParams,
        querystring: Type.Object({ idCargo: Type.Optional(Type.Integer()), cargo: Type.Optional(Type.String()) }),
      },
    },
    async (request) => {
      const body = request.body as Buffer | { certificateBase64?: string; idCargo?: number; cargo?: string } | undefined;
      const json = Buffer.isBuffer(body) ? undefined : body;
      const der = Buffer.isBuffer(body) ? body : json?.certificateBase64 ? Buffer.from(json.certificateBase64, 'base64') : undefined;
      if (!der) throw new ApiError('VALIDATION', 'send the DER certificate as the body (application/pkix-cert) or JSON {"certificateBase64": …}');
      const idCargo = json?.idCargo ?? request.query.idCargo;
      const cargo = json?.cargo ?? request.query.cargo;
      const signer = await mecRegistry.setCampusSigner(request.params.cveInstitucion, request.params.idCampus, {
        der,
        ...(idCargo === undefined ? {} : { idCargo }),
        ...(cargo === undefined ? {} : { cargo }),
      });
      return { signerId: signer.id, numeroCertificado: signer.numero_certificado, curp: signer.curp, nombre: signer.nombre, validTo: signer.valid_to };
    },
  );

  app.post(
    '/institutions/:cveInstitucion/planes',
    {
      schema: {
        summary: 'Import study plans: the "Programa de Estudios" layout as .xlsx (raw or multipart) or as JSON; all rows or none (docs/plan-layout.md)',
        bodyLimit: 10 * 1024 * 1024,
        tags,
        security,
        params: CveParams,
      },
    },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) || request.isMultipart() ? (await readUpload(request, 10 * 1024 * 1024)).bytes : Buffer.from(JSON.stringify(request.body ?? null));
      const outcome = await mecRegistry.importPlans(request.params.cveInstitucion, body);
      if (!outcome.ok) {
        return reply.status(422).send({ error: { code: 'PLAN_IMPORT', message: `${outcome.errors.length} problem(s); nothing was imported`, errors: outcome.errors.slice(0, 1000), total: outcome.errors.length }, requestId: request.id });
      }
      return outcome;
    },
  );

  app.get('/institutions/:cveInstitucion/planes', { schema: { summary: 'Current study plans (one version per carrera and clavePlan)', tags, security, params: CveParams } }, async (request) =>
    (await mecRegistry.plans(request.params.cveInstitucion)).map(({ id, version, importedAt, plan }) => ({ id, version, importedAt, ...plan, asignaturas: [...plan.asignaturas].map(([idAsignatura, a]) => ({ idAsignatura, ...a })) })),
  );

  app.post(
    '/institutions/:cveInstitucion/mec/produccion',
    { schema: { summary: 'Grant production access (refused before 10 certificates are authenticated in test)', tags: ['operators'], security, params: CveParams } },
    async (request) => folios.grantProduction(request.params.cveInstitucion),
  );

  app.get(
    '/mec/folios',
    {
      schema: {
        summary: "List folios, newest first; page with `before` = the last item's id",
        tags: ['operators'],
        security,
        querystring: Type.Object({
          cveInstitucion: Type.Optional(Type.String()),
          environment: Type.Optional(Type.Union([Type.Literal('qa'), Type.Literal('prod')])),
          before: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        }),
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const rows = await listFolios(store.db, { cveInstitucion: request.query.cveInstitucion, environment: request.query.environment, beforeId: request.query.before, limit });
      const last = rows.at(-1);
      return { items: await Promise.all(rows.map((row) => folios.view(row))), next: rows.length === limit && last ? { before: last.id } : null };
    },
  );

  app.get(
    '/mec/folios/:folio',
    {
      schema: {
        summary: "A folio: environment, count, payment, attempts used and left, and each attempt's results (every certificate with its errors)",
        tags: ['operators'],
        security,
        params: Type.Object({ folio: Type.String() }),
      },
    },
    async (request) => {
      const row = await findFolio(store.db, undefined, request.params.folio);
      if (!row) throw new ApiError('NOT_FOUND', `folio ${request.params.folio} does not exist`);
      const view = await folios.view(row);
      const uploads = await Promise.all(
        view.uploads.map(async (upload) => {
          const detail = await met.loteDetail({ environment: row.environment }, upload.numeroLote, 'certificados');
          const documents = detail?.documents?.map((d) => ({
            archivo: d.archivo,
            folioControl: d.folioControl,
            estatus: d.estatus === 1 ? 'SATISFACTORIO' : 'ERROR',
            errors: d.checks.filter((c) => c.status === 'error'),
          }));
          return { ...upload, documents: documents ?? null };
        }),
      );
      return { ...view, uploads };
    },
  );

  app.get(
    '/mec/certificados',
    {
      schema: {
        summary: "Authenticated certificates by institution, environment, folio, folioControl and status, newest first; page with `before`",
        tags: ['operators'],
        security,
        querystring: Type.Composite([
          CertificadoQuery,
          Type.Object({ cveInstitucion: Type.Optional(Type.String({ pattern: '^\\d{6}$' })), environment: Type.Optional(Type.Union([Type.Literal('qa'), Type.Literal('prod')])) }),
        ]),
      },
    },
    async (request) => {
      const { before, limit = 50, ...filter } = request.query;
      const now = clock.now();
      return certificadoPage(await listCertificados(store.db, { ...filter, beforeId: before, limit, now }), limit, now);
    },
  );

  app.get(
    '/mec/certificados/:folioDigital',
    { schema: { summary: 'A certificate by folioDigital: institution, folio, student, status and cancellation', tags: ['operators'], security, params: Type.Object({ folioDigital: Type.String({ format: 'uuid' }) }) } },
    async (request) => {
      const now = clock.now();
      const [row] = await listCertificados(store.db, { folioDigital: request.params.folioDigital, now });
      if (!row) throw new ApiError('NOT_FOUND', `no certificate was authenticated with folioDigital ${request.params.folioDigital}`);
      return certificadoView(row, now);
    },
  );
};
