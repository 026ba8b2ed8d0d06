import { randomUUID, type KeyObject } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { hasErrors, sepMessageOf, type CheckResult } from '../domain/checks.js';
import { checkDec, type DecContext, type DecOptions, type RegisteredCampus } from '../domain/certificados/check-dec.js';
import { sealDec } from '../domain/certificados/sep-nodes.js';
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

    const evaluated: Evaluated[] = [];
    if (!unpacked.ok) {
      const d = unpacked.document;
      evaluated.push({ position: 0, archivo: d.archivo, folioControl: '', checks: d.checks, xml: null, sealed: null });
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
      unpacked.entries.forEach((entry, position) => {
        const result = evaluateOne(entry, position, context, registry, deps, startedAt);
        if (result.sealed) inUpload.add(result.folioControl);
        evaluated.push(result);
      });
    }

    const sealed = evaluated.filter((e) => e.sealed !== null);
    await insertDocumentos(
      trx,
      evaluated.map((e) => ({
        lote_id: lote.id,
        position: e.position,
        archivo: e.archivo,
        folio_control: e.folioControl,
        estatus: e.sealed ? 1 : 2,
        descripcion: e.sealed ? SATISFACTORIO : (sepMessageOf(e.checks) ?? ''),
        checks: encodeChecks(e.checks),
        xml: e.xml,
      })),
    );
    for (const e of sealed) {
      const alumno = e.sealed!.outcome.alumno;
      await trx
        .insertInto('mec_certificado')
        .values({
          environment: lote.environment,
          cve_institucion: lote.cve_institucion,
          mec_folio_id: lote.mec_folio_id!,
          lote_id: lote.id,
          position: e.position,
          plan_id: e.sealed!.planId,
          folio_control: e.folioControl,
          folio_digital: e.sealed!.folioDigital,
          id_campus: e.sealed!.outcome.idCampus ?? '',
          id_carrera: e.sealed!.outcome.idCarrera ?? '',
          curp: alumno?.curp ?? '',
          nombre: alumno?.nombre ?? '',
          primer_apellido: alumno?.primerApellido ?? '',
          segundo_apellido: alumno?.segundoApellido ?? '',
          numero_control: alumno?.numeroControl ?? '',
          xml: e.sealed!.xml,
          authenticated_at: startedAt,
        })
        .execute();
    }
    if (lote.mec_folio_id !== null && sealed.length > 0) await addAuthenticated(trx, lote.mec_folio_id, sealed.length);
    const finished = await markLoteProcessed(trx, {
      loteId: lote.id,
      owner,
      startedAt,
      processedAt: deps.clock.now(),
      total: evaluated.length,
      registered: sealed.length,
      rejected: evaluated.length - sealed.length,
    });
    if (!finished) throw new LeaseLostError(`upload ${lote.numero_lote}: lease lost before its results were stored`);
    return { authenticated: sealed.length, rejected: evaluated.length - sealed.length };
  });
}

function evaluateOne(entry: PackageEntry, position: number, context: DecContext, registry: Registry, deps: ProcessUploadDeps, now: Date): Evaluated {
  const parsed = parseSafeXml(entry.bytes, deps.limits.xml);
  if (!parsed.ok) return { position, archivo: entry.name, folioControl: '', checks: [parsed.error], xml: entry.bytes, sealed: null };
  const outcome = checkDec(parsed.root, context);
  const folioControl = outcome.folioControl ?? '';
  if (hasErrors(outcome.checks)) return { position, archivo: entry.name, folioControl, checks: outcome.checks, xml: entry.bytes, sealed: null };
  const folioDigital = randomUUID();
  const stamp = mexicoCityDateTimeText(now);
  const sealedRoot = sealDec(parsed.root, {
    fechaDreoe: stamp,
    fechaSepIpes: stamp,
    folioDigital,
    official: deps.authority.official,
    authority: { numeroCertificado: deps.authority.numeroCertificado, privateKey: deps.authority.privateKey },
  });
  const clavePlan = parsed.root.children.find((c) => c.name === 'Carrera')?.attributes.find((a) => a.name === 'clavePlan')?.value ?? '';
  const planId = registry.plans.get(`${outcome.idCarrera ?? ''}|${clavePlan}`)?.id ?? null;
  return {
    position,
    archivo: entry.name,
    folioControl,
    checks: outcome.checks,
    xml: entry.bytes,
    sealed: { xml: Buffer.from(writeXml(sealedRoot), 'utf8'), folioDigital, planId, outcome },
  };
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
