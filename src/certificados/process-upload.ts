import { randomUUID, type KeyObject } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { hasErrors, sepMessageOf, type CheckResult } from '../domain/checks.js';
import { checkDec, type DecContext, type DecOptions, type RegisteredCampus } from '../domain/certificados/check-dec.js';
import { sealDecAsync } from '../domain/certificados/sep-nodes.js';
import { mexicoCityDate, mexicoCityDateTimeText } from '../domain/dates.js';
import type { CertificateCache } from '../domain/efirma/certificate-cache.js';
import type { RegisteredPlan } from '../domain/planes/plan.js';
import type { IntakeLimits } from '../intake/limits.js';
import type { PackageEntry } from '../intake/package.js';
import { writeXml } from '../intake/xml-writer.js';
import { parseSafeXml } from '../intake/xml.js';
import { signersBySha256, toRegisteredSigner } from '../registry/signer-lookup.js';
import { encodeChecks } from '../store/check-codec.js';
import { insertDocumentos, lockLeasedLote, markLoteProcessed, readLoteArchivo } from '../store/repositories/lotes.js';
import { addAuthenticated, authenticatedFolioControls, currentPlans, listCampuses } from '../store/repositories/mec.js';
import { findInstitution } from '../store/repositories/registry.js';
import type { Database, LoteRow } from '../store/schema.js';
import { LeaseLostError } from '../titulos/process-lote.js';
import { scanLote, unpackLote } from '../titulos/evaluate-lote.js';
import { fromStoredPlan } from './plan-store.js';

/** The MEC's answer for an authenticated certificate (spec mec-certificados.md §4.6). */
export const SATISFACTORIO = 'SATISFACTORIO';

/**
 * Certificates checked, then stored, together: small enough that storing and sealing overlap with
 * checking, large enough for few round trips (17 parameters a certificate, far below PostgreSQL's 65,535).
 */
const CHUNK = 50;

/** Who seals authenticated certificates: this service's own authority key and official. */
export interface SealingAuthority {
  readonly numeroCertificado: string;
  readonly privateKey: KeyObject;
  readonly official: { readonly curp: string; readonly nombreCompleto: string; readonly idCargo: string; readonly cargo: string };
}

export interface ProcessUploadDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly limits: IntakeLimits;
  readonly certificates: CertificateCache;
  readonly authority: SealingAuthority;
  readonly options: DecOptions;
}

interface Evaluated {
  readonly position: number;
  readonly archivo: string;
  readonly folioControl: string;
  readonly checks: readonly CheckResult[];
  readonly xml: Buffer | null;
  readonly sealed: { xml: Buffer; folioDigital: string; planId: number | null; outcome: ReturnType<typeof checkDec> } | null;
}

/**
 * Checks every DEC of an upload against the institution's registry, seals the SATISFACTORIO ones
 * with the authority's Dreoe and SepIpes nodes, and stores the results, the authenticated
 * certificates and the folio's new count in one transaction, if the lease is still ours.
 */
export async function processMecUpload(lote: LoteRow, owner: string, deps: ProcessUploadDeps): Promise<{ authenticated: number; rejected: number }> {
  const { db } = deps;
  const startedAt = deps.clock.now();
  const unpacked = await unpackLote(lote.nombre_archivo, await readLoteArchivo(db, lote.id, lote.archivo_bytes), deps.limits);
  const registry = await loadRegistry(db, lote.cve_institucion);

  return db.transaction().execute(async (trx) => {
    if (!(await lockLeasedLote(trx, lote.id, owner))) throw new LeaseLostError(`upload ${lote.numero_lote}: lease lost before its results were stored`);
    // Serializes authentications per institution: one folioControl cannot be authenticated twice.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`dec:${lote.environment}:${lote.cve_institucion}`}))`.execute(trx);

    const store = new ChunkStore(trx, lote, startedAt);
    if (!unpacked.ok) {
      const d = unpacked.document;
      store.add([{ position: 0, archivo: d.archivo, folioControl: '', checks: d.checks, xml: null, sealed: null }]);
    } else {
      const scan = scanLote(unpacked.entries, deps.limits.xml, false);
      const authenticated = await authenticatedFolioControls(trx, lote.environment, lote.cve_institucion, scan.folios, startedAt);
      const inUpload = new Set<string>();
      const context: DecContext = {
        today: mexicoCityDate(startedAt),
        institution: registry.institution,
        plan: (idCarrera, clavePlan) => registry.plans.get(`${idCarrera}|${clavePlan}`)?.plan,
        certificates: deps.certificates,
        signersBySha256: registry.signers,
        folioState: (folio) => (authenticated.has(folio) ? 'registered' : inUpload.has(folio) ? 'registered-in-lote' : 'free'),
        options: deps.options,
      };
      const sealStamp = mexicoCityDateTimeText(startedAt);
      let chunk: Array<Evaluated | Promise<Evaluated>> = [];
      for (const [position, entry] of unpacked.entries.entries()) {
        const result = evaluateOne(entry, position, context, registry, deps, sealStamp);
        if (result.passed) inUpload.add(result.folioControl);
        chunk.push(result.evaluated);
        if (chunk.length === CHUNK) {
          store.add(chunk);
          chunk = [];
          // Lets finished signatures call back (queuing each certificate's second one) and the chunk's rows go out.
          await new Promise(setImmediate);
        }
      }
      store.add(chunk);
    }
    const { total, sealed } = await store.done();

    if (lote.mec_folio_id !== null && sealed > 0) await addAuthenticated(trx, lote.mec_folio_id, sealed);
    const finished = await markLoteProcessed(trx, {
      loteId: lote.id,
      owner,
      startedAt,
      processedAt: deps.clock.now(),
      total,
      registered: sealed,
      rejected: total - sealed,
    });
    if (!finished) throw new LeaseLostError(`upload ${lote.numero_lote}: lease lost before its results were stored`);
    return { authenticated: sealed, rejected: total - sealed };
  });
}

/**
 * Stores an upload's results chunk by chunk inside its transaction: each chunk's rows go out once
 * its seals are done, one chunk after the other on the transaction's connection, while the caller
 * goes on checking the next certificates. done() waits for the last chunk and reports the counts.
 */
class ChunkStore {
  private pending: Promise<void> = Promise.resolve();
  private total = 0;
  private sealed = 0;

  constructor(
    private readonly trx: Kysely<Database>,
    private readonly lote: LoteRow,
    private readonly authenticatedAt: Date,
  ) {}

  add(chunk: ReadonlyArray<Evaluated | Promise<Evaluated>>): void {
    if (chunk.length === 0) return;
    const rows = Promise.all(chunk);
    this.pending = this.pending.then(async () => this.insert(await rows));
    // done() reports a failure; this only keeps it from counting as unhandled meanwhile.
    this.pending.catch(() => undefined);
  }

  async done(): Promise<{ total: number; sealed: number }> {
    await this.pending;
    return { total: this.total, sealed: this.sealed };
  }

  private async insert(evaluated: readonly Evaluated[]): Promise<void> {
    const { lote } = this;
    await insertDocumentos(
      this.trx,
      evaluated.map((e) => ({
        lote_id: lote.id,
        position: e.position,
        archivo: e.archivo,
        folio_control: e.folioControl,
        estatus: e.sealed ? 1 : 2,
        descripcion: e.sealed ? SATISFACTORIO : (sepMessageOf(e.checks) ?? ''),
        checks: encodeChecks(e.checks),
        // An authenticated certificate's document lives on, sealed, in mec_certificado (and the upload in lote_archivo).
        xml: e.sealed ? null : e.xml,
      })),
    );
    const certificados = evaluated.flatMap((e) => {
      if (!e.sealed) return [];
      const { outcome, folioDigital, planId, xml } = e.sealed;
      const alumno = outcome.alumno;
      return [
        {
          environment: lote.environment,
          cve_institucion: lote.cve_institucion,
          mec_folio_id: lote.mec_folio_id!,
          lote_id: lote.id,
          position: e.position,
          plan_id: planId,
          folio_control: e.folioControl,
          folio_digital: folioDigital,
          id_campus: outcome.idCampus ?? '',
          id_carrera: outcome.idCarrera ?? '',
          curp: alumno?.curp ?? '',
          nombre: alumno?.nombre ?? '',
          primer_apellido: alumno?.primerApellido ?? '',
          segundo_apellido: alumno?.segundoApellido ?? '',
          numero_control: alumno?.numeroControl ?? '',
          xml,
          authenticated_at: this.authenticatedAt,
        },
      ];
    });
    if (certificados.length > 0) await this.trx.insertInto('mec_certificado').values(certificados).execute();
    this.total += evaluated.length;
    this.sealed += certificados.length;
  }
}

/**
 * Checks one DEC at once; one that passes every check is sealed asynchronously (its two RSA
 * signatures on libuv's threadpool), so sealing overlaps with checking the next certificates.
 */
function evaluateOne(
  entry: PackageEntry,
  position: number,
  context: DecContext,
  registry: Registry,
  deps: ProcessUploadDeps,
  /** Dreoe's and SepIpes's date: the authentication instant, AAAA-MM-DDThh:mm:ss in Mexico City. */
  stamp: string,
): { passed: boolean; folioControl: string; evaluated: Evaluated | Promise<Evaluated> } {
  const parsed = parseSafeXml(entry.bytes, deps.limits.xml);
  if (!parsed.ok) return { passed: false, folioControl: '', evaluated: { position, archivo: entry.name, folioControl: '', checks: [parsed.error], xml: entry.bytes, sealed: null } };
  const outcome = checkDec(parsed.root, context);
  const folioControl = outcome.folioControl ?? '';
  if (hasErrors(outcome.checks)) return { passed: false, folioControl, evaluated: { position, archivo: entry.name, folioControl, checks: outcome.checks, xml: entry.bytes, sealed: null } };
  const folioDigital = randomUUID();
  const clavePlan = parsed.root.children.find((c) => c.name === 'Carrera')?.attributes.find((a) => a.name === 'clavePlan')?.value ?? '';
  const planId = registry.plans.get(`${outcome.idCarrera ?? ''}|${clavePlan}`)?.id ?? null;
  const sealing = sealDecAsync(parsed.root, {
    fechaDreoe: stamp,
    fechaSepIpes: stamp,
    folioDigital,
    official: deps.authority.official,
    authority: { numeroCertificado: deps.authority.numeroCertificado, privateKey: deps.authority.privateKey },
  }).then((sealedRoot) => ({
    position,
    archivo: entry.name,
    folioControl,
    checks: outcome.checks,
    xml: entry.bytes,
    sealed: { xml: Buffer.from(writeXml(sealedRoot), 'utf8'), folioDigital, planId, outcome },
  }));
  // Promise.all below reports a failure; this only keeps it from counting as unhandled meanwhile.
  sealing.catch(() => undefined);
  return { passed: true, folioControl, evaluated: sealing };
}

interface Registry {
  readonly institution: DecContext['institution'];
  readonly plans: ReadonlyMap<string, { id: number; plan: RegisteredPlan }>;
  readonly signers: DecContext['signersBySha256'];
}

async function loadRegistry(db: Kysely<Database>, cveInstitucion: string): Promise<Registry> {
  const [institution, campuses, plans, signers] = await Promise.all([
    findInstitution(db, cveInstitucion),
    listCampuses(db, cveInstitucion),
    currentPlans(db, cveInstitucion),
    signersBySha256(db, cveInstitucion),
  ]);
  const campusMap = new Map<string, RegisteredCampus>(
    campuses.map((c) => [
      c.id_campus,
      {
        idEntidadFederativa: c.id_entidad_federativa,
        signer:
          c.signer_id === null
            ? null
            : toRegisteredSigner({ id: c.signer_id, sha256: c.sha256 ?? '', numero_certificado: c.numero_certificado ?? '', curp: c.curp ?? '', nombre: c.signer_nombre ?? '', status: c.signer_status ?? 'revoked' }),
      },
    ]),
  );
  return {
    institution: { idNombreInstitucion: institution?.id_mec ?? '', campuses: campusMap },
    plans: new Map(plans.map((row) => [`${row.id_carrera}|${row.clave_plan}`, { id: row.id, plan: fromStoredPlan(row.content) }])),
    signers,
  };
}
