import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../api/errors.js';
import { adminTokenHook } from './admin-auth.js';
import { LoteDetailSchema } from '../api/lote-view.js';
import { seedFromJson } from '../registry/seed-file.js';
import { findInstitution, listAuthorityCertificates, listInstitutions, listSigners, listWsUsers } from '../store/repositories/registry.js';
import { listLotes } from '../store/repositories/lotes.js';
import type { SignerRow } from '../store/schema.js';

const Environment = Type.Union([Type.Literal('qa'), Type.Literal('prod')]);
const CveParams = Type.Object({ cveInstitucion: Type.String({ pattern: '^\\d{6}$' }) });
const CERT_TYPES = ['application/pkix-cert', 'application/x-x509-ca-cert', 'application/octet-stream'];

/**
 * The registry and operators' API, behind the admin bearer token: institutions, web-service users,
 * responsible signers, trusted authorities, the emulated RENAPO, seeding, and lote / título queries.
 */
export const adminRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { registry, store, met, clock, config } = app.services;
  const db = store.db;
  for (const type of CERT_TYPES) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
  }

  app.addHook('onRequest', adminTokenHook(config.adminToken));

  const tags = ['registry'];
  const security = [{ admin: [] }];

  app.get('/institutions', { schema: { summary: 'List institutions', tags, security } }, async () => listInstitutions(db));

  app.put(
    '/institutions/:cveInstitucion',
    { schema: { summary: 'Create or rename an institution', tags, security, params: CveParams, body: Type.Object({ nombre: Type.String({ minLength: 1 }) }, { additionalProperties: false }) } },
    async (request) => {
      await registry.putInstitution(request.params.cveInstitucion, request.body.nombre);
      return findInstitution(db, request.params.cveInstitucion);
    },
  );

  app.get('/institutions/:cveInstitucion', { schema: { summary: 'An institution with its users and signers', tags, security, params: CveParams } }, async (request) => {
    const institution = await findInstitution(db, request.params.cveInstitucion);
    if (!institution) throw new ApiError('NOT_FOUND', `institution ${request.params.cveInstitucion} is not registered`);
    const [users, signers] = await Promise.all([listWsUsers(db, institution.cve_institucion), listSigners(db, institution.cve_institucion)]);
    return { ...institution, users, signers: signers.map(signerView) };
  });

  app.put(
    '/institutions/:cveInstitucion/users/:usuario',
    {
      schema: {
        summary: 'Create a web-service user or change its password (QA and production users are distinct)',
        tags,
        security,
        params: Type.Object({ cveInstitucion: Type.String({ pattern: '^\\d{6}$' }), usuario: Type.String({ minLength: 1 }) }),
        body: Type.Object({ password: Type.String({ minLength: 8 }), environment: Environment, active: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      await registry.putUser(request.params.cveInstitucion, { usuario: request.params.usuario, ...request.body });
      return { usuario: request.params.usuario, environment: request.body.environment, active: request.body.active ?? true };
    },
  );

  app.post(
    '/institutions/:cveInstitucion/signers',
    {
      schema: {
        summary: 'Register a responsible signer: the raw .cer as the body, or JSON with certificateBase64',
        tags,
        security,
        params: CveParams,
        querystring: Type.Object({ idCargo: Type.Optional(Type.Integer()), cargo: Type.Optional(Type.String()) }),
        consumes: ['application/json', ...CERT_TYPES],
      },
    },
    async (request, reply) => {
      const body = request.body as Buffer | { certificateBase64?: string; idCargo?: number; cargo?: string } | undefined;
      const json = Buffer.isBuffer(body) ? undefined : body;
      const der = Buffer.isBuffer(body) ? body : json?.certificateBase64 ? Buffer.from(json.certificateBase64, 'base64') : undefined;
      if (!der) throw new ApiError('VALIDATION', 'send the DER certificate as the body (application/pkix-cert) or JSON {"certificateBase64": …}');
      const signer = await registry.registerSigner(request.params.cveInstitucion, {
        der,
        idCargo: json?.idCargo ?? request.query.idCargo,
        cargo: json?.cargo ?? request.query.cargo,
      });
      return reply.status(201).send(signerView(signer));
    },
  );

  app.patch(
    '/institutions/:cveInstitucion/signers/:id',
    {
      schema: {
        summary: 'Revoke or re-activate a signer',
        tags,
        security,
        params: Type.Object({ cveInstitucion: Type.String({ pattern: '^\\d{6}$' }), id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object({ status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]) }, { additionalProperties: false }),
      },
    },
    async (request) => signerView(await registry.setSignerStatus(request.params.cveInstitucion, request.params.id, request.body.status)),
  );

  app.get('/authority-certificates', { schema: { summary: 'Authority certificates trusted for the Autenticacion node', tags, security } }, async () =>
    (await listAuthorityCertificates(db)).map((a) => ({ numeroCertificado: a.numero_certificado, sha256: a.sha256, nombre: a.nombre, createdAt: a.created_at })),
  );

  app.post(
    '/authority-certificates',
    { schema: { summary: 'Trust an authority certificate (raw .cer body or JSON certificateBase64)', tags, security, consumes: ['application/json', ...CERT_TYPES] } },
    async (request, reply) => {
      const body = request.body as Buffer | { certificateBase64?: string; nombre?: string } | undefined;
      const der = Buffer.isBuffer(body) ? body : body?.certificateBase64 ? Buffer.from(body.certificateBase64, 'base64') : undefined;
      if (!der) throw new ApiError('VALIDATION', 'send the DER certificate as the body or JSON {"certificateBase64": …}');
      return reply.status(201).send(await registry.registerAuthority(der, Buffer.isBuffer(body) ? undefined : body?.nombre));
    },
  );

  app.put(
    '/renapo/:curp',
    {
      schema: {
        summary: 'Put a person in the emulated RENAPO registry (checked only when METMEC_RENAPO=true)',
        tags,
        security,
        params: Type.Object({ curp: Type.String({ minLength: 18, maxLength: 18 }) }),
        body: Type.Object({ nombre: Type.String(), primerApellido: Type.String(), segundoApellido: Type.Optional(Type.String()) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      await registry.putRenapo({ curp: request.params.curp, ...request.body });
      return { curp: request.params.curp, ...request.body };
    },
  );

  app.post('/seed', { schema: { summary: 'Apply a seed document (all of it or nothing)', tags, security } }, async (request) =>
    app.services.applySeed(seedFromJson(request.body, null)),
  );

  const opsTags = ['operators'];

  app.get(
    '/lotes',
    {
      schema: {
        summary: "List lotes, newest first; page with `before` = the last item's id",
        tags: opsTags,
        security,
        querystring: Type.Object({
          cveInstitucion: Type.Optional(Type.String()),
          environment: Type.Optional(Environment),
          status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('processing'), Type.Literal('processed')])),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          before: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 50;
      const items = await listLotes(db, {
        cveInstitucion: q.cveInstitucion,
        environment: q.environment,
        status: q.status,
        receivedFrom: q.from ? new Date(q.from) : undefined,
        receivedTo: q.to ? new Date(q.to) : undefined,
        beforeId: q.before,
        limit,
      });
      const last = items.at(-1);
      return { items, next: items.length === limit && last ? { before: last.id } : null };
    },
  );

  app.get(
    '/lotes/:environment/:numeroLote',
    {
      schema: {
        summary: 'One lote: status, counts, timestamps, every file with every check',
        tags: opsTags,
        security,
        params: Type.Object({ environment: Environment, numeroLote: Type.Integer({ minimum: 1 }) }),
        response: { 200: LoteDetailSchema },
      },
    },
    async (request) => {
      const detail = await met.loteDetail({ environment: request.params.environment }, request.params.numeroLote);
      if (!detail) throw new ApiError('NOT_FOUND', `no lote ${request.params.numeroLote} in ${request.params.environment}`);
      return detail;
    },
  );

  app.get(
    '/institutions/:cveInstitucion/titulos/:folioControl',
    {
      schema: {
        summary: 'A título by folioControl: every registration, current first',
        tags: opsTags,
        security,
        params: Type.Object({ cveInstitucion: Type.String(), folioControl: Type.String({ minLength: 1 }) }),
        querystring: Type.Object({ environment: Type.Optional(Environment) }),
      },
    },
    async (request) => {
      const registrations = await met.titulos({ cveInstitucion: request.params.cveInstitucion, environment: request.query.environment }, request.params.folioControl);
      if (registrations.length === 0) throw new ApiError('NOT_FOUND', `folioControl ${request.params.folioControl} was never registered by ${request.params.cveInstitucion}`);
      return { folioControl: request.params.folioControl, registrations };
    },
  );

  app.get('/clock', { schema: { summary: "The service clock (business dates come from it)", tags: ['control'], security } }, async () => clock.state);

  app.put(
    '/clock',
    {
      schema: {
        summary: 'Move the service clock: set an instant (optionally frozen), advance it, or reset to real time',
        tags: ['control'],
        security,
        body: Type.Object(
          {
            now: Type.Optional(Type.String({ format: 'date-time' })),
            frozen: Type.Optional(Type.Boolean()),
            advanceSeconds: Type.Optional(Type.Number()),
            reset: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const body = request.body;
      if (body.reset) clock.reset();
      if (body.now) clock.set(new Date(body.now), body.frozen ?? false);
      if (body.advanceSeconds) clock.advance(body.advanceSeconds * 1000);
      return clock.state;
    },
  );
};

function signerView(s: SignerRow) {
  return {
    id: s.id,
    cveInstitucion: s.cve_institucion,
    numeroCertificado: s.numero_certificado,
    sha256: s.sha256,
    curp: s.curp,
    rfc: s.rfc,
    nombre: s.nombre,
    idCargo: s.id_cargo,
    cargo: s.cargo,
    validFrom: s.valid_from,
    validTo: s.valid_to,
    status: s.status,
    revokedAt: s.revoked_at,
  };
}
