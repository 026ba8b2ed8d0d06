import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { adminRoutes } from './admin/routes.js';
import { apiErrorHandler } from './api/errors.js';
import { metRestRoutes } from './api/met-routes.js';
import { AdjustableClock } from './clock.js';
import type { Config } from './config.js';
import { CertificateCache } from './domain/efirma/certificate-cache.js';
import { EvaluationPool } from './jobs/evaluation-pool.js';
import { LoteEvents } from './jobs/lote-events.js';
import { LoteWorker } from './jobs/lote-worker.js';
import { UploadHandoff, type LoteIntake } from './jobs/upload-handoff.js';
import { Authenticator } from './registry/authenticator.js';
import { RegistryService, type SeedDocument, type SeedSummary } from './registry/registry-service.js';
import type { Store } from './store/db.js';
import { MetUseCases } from './titulos/met-use-cases.js';
import { processLote } from './titulos/process-lote.js';
import { metSoapPlugin } from './wire/met/soap-plugin.js';
import { mecSoapPlugin } from './wire/mec/soap-plugin.js';
import { mecRestRoutes } from './api/mec-routes.js';
import { mecAdminRoutes } from './admin/mec-routes.js';
import { DEFAULT_AUTHORITY_OFFICIAL, loadAuthority, type Authority } from './authority/authority.js';
import { MecCancellations } from './certificados/cancellations.js';
import { MecFolios } from './certificados/folios.js';
import { MecRegistry } from './certificados/mec-registry.js';
import { processMecUpload } from './certificados/process-upload.js';
import { dgairApi } from './api/dgair-routes.js';
import { DgairSolicitudes } from './dgair/solicitudes.js';
import { holidayCalendar } from './domain/holidays.js';

export interface AppOptions {
  readonly config: Config;
  readonly store: Store;
  readonly clock?: AdjustableClock;
  readonly logger?: FastifyServerOptions['logger'];
  /** Threads that check lote files beside the main thread, instead of config.worker.evaluationThreads. */
  readonly evaluationThreads?: number;
}

/**
 * How long an upload this process committed is held for its own worker (UploadHandoff). The worker
 * normally claims it within milliseconds; past this another process has it, or the queue is long.
 */
const HANDOFF_TTL_MS = 30_000;

/** Everything a route needs, created once per app. */
export interface Services {
  readonly config: Config;
  readonly store: Store;
  readonly clock: AdjustableClock;
  readonly met: MetUseCases;
  readonly registry: RegistryService;
  readonly mecRegistry: MecRegistry;
  readonly folios: MecFolios;
  readonly mecCancellations: MecCancellations;
  readonly authority: Authority;
  readonly dgair: DgairSolicitudes;
  readonly worker: LoteWorker;
  /** Lotes this process's worker has just finished, for clients waiting on them. */
  readonly loteEvents: LoteEvents;
  /** A whole seed document (registry and MEC parts) in one transaction. */
  readonly applySeed: (seed: SeedDocument) => Promise<SeedSummary>;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

/** Builds the whole service (never listens: server.ts and the tests do that). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, store } = options;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    // Uploads have their own limits per route; this is the default for small JSON bodies.
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { allErrors: true } },
  });

  const clock = options.clock ?? new AdjustableClock();
  const authenticator = new Authenticator(store.db, clock, config.login);
  const certificates = new CertificateCache();
  const authority = loadAuthority({ ...config.authority, official: DEFAULT_AUTHORITY_OFFICIAL });
  const evaluationPool = new EvaluationPool(options.evaluationThreads ?? config.worker.evaluationThreads);
  const handoff = new UploadHandoff({ maxBytes: 2 * config.limits.maxUploadBytes, ttlMs: HANDOFF_TTL_MS });
  const loteEvents = new LoteEvents();
  const worker = new LoteWorker({
    db: store.db,
    onProcessed: (lote) => loteEvents.processed(lote.environment, lote.numero_lote),
    pollMs: config.worker.pollMs,
    leaseSeconds: config.worker.leaseSeconds,
    maxAttempts: config.worker.maxAttempts,
    clock,
    log: app.log,
    process: (lote, owner) =>
      lote.kind === 'certificados'
        ? processMecUpload(lote, owner, { db: store.db, clock, limits: config.limits, certificates, authority, options: config.dec, pool: evaluationPool, handoff })
        : processLote(lote, owner, {
        db: store.db,
        clock,
        limits: config.limits,
        cadenaEscapeXml: config.cadenaEscapeXml,
        renapo: config.renapo,
        certificates,
        pool: evaluationPool,
        trustedAuthorities: [authority],
        handoff,
      }),
  });
  const intake: LoteIntake = { handOff: (loteId, upload) => handoff.offer(loteId, upload), queued: () => worker.wake() };
  const met = new MetUseCases({
    db: store.db,
    clock,
    authenticator,
    intake,
    processingDelayMs: config.worker.processingDelayMs,
    limits: config.limits,
  });
  const registry = new RegistryService(store.db, clock, authenticator);
  const mecRegistry = new MecRegistry(store.db, clock, registry);
  const folios = new MecFolios(store.db, clock, config.limits, intake);
  const mecCancellations = new MecCancellations(store.db, clock, holidayCalendar(config.holidays));
  const dgair = new DgairSolicitudes({ db: store.db, clock, authority, xmlLimits: config.limits.xml });
  const applySeed = (seed: SeedDocument) => registry.applySeed(seed, [(part, trx) => mecRegistry.applySeed(part, trx)]);
  app.decorate('services', { config, store, clock, met, registry, mecRegistry, folios, mecCancellations, authority, dgair, worker, loteEvents, applySeed });

  // onClose hooks run last-added first: the pool closes after the worker has stopped.
  app.addHook('onClose', async () => evaluationPool.close());
  if (config.worker.enabled) {
    app.addHook('onReady', async () => worker.start());
    app.addHook('onClose', async () => worker.stop());
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'metmec',
        description:
          "This service's own REST/JSON API: títulos (/api/v1/met), certificados (/api/v1/mec), DGAIR authentication of títulos (/api/v1/dgair), registry and operators (/api/v1/admin). " +
          "SEP's SOAP service for títulos is at /met-ws/services/ (WSDL: /met-ws/services/TitulosElectronicos.wsdl); this service's SOAP service for certificados at /mec-ws/services/ (WSDL: /mec-ws/services/CertificadosElectronicos.wsdl).",
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          webService: { type: 'http', scheme: 'basic', description: 'The institution web-service usuario and password' },
          admin: { type: 'http', scheme: 'bearer', description: 'METMEC_ADMIN_TOKEN' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok', database: store.kind }));

  await app.register(metSoapPlugin, { service: met, maxEnvelopeBytes: config.maxEnvelopeBytes });
  await app.register(mecSoapPlugin, { maxEnvelopeBytes: config.maxEnvelopeBytes });
  await app.register(
    async (api) => {
      api.setErrorHandler(apiErrorHandler);
      await api.register(metRestRoutes, { prefix: '/met' });
      await api.register(mecRestRoutes, { prefix: '/mec' });
      await api.register(adminRoutes, { prefix: '/admin' });
      await api.register(mecAdminRoutes, { prefix: '/admin' });
      await api.register(dgairApi);
    },
    { prefix: '/api/v1' },
  );
  return app;
}
