import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { classifyPlanImport, importPlans, type PlanImportSummary } from '../domain/planes/import-plan.js';
import type { RowError } from '../domain/planes/plan-errors.js';
import { readPlanUpload } from '../intake/plan-workbook.js';
import { RegistryError, type RegistryService } from '../registry/registry-service.js';
import {
  assignCampusSigner,
  currentPlans,
  insertPlanVersion,
  listAsignaturas,
  listCampuses,
  setMecId,
  upsertAsignaturas,
  upsertCampus,
} from '../store/repositories/mec.js';
import { findInstitution } from '../store/repositories/registry.js';
import type { Database } from '../store/schema.js';
import { fromStoredPlan, toStoredPlan } from './plan-store.js';

export type PlanImportOutcome =
  | { ok: true; added: number; replaced: number; unchanged: number; summary: PlanImportSummary }
  | { ok: false; errors: RowError[] };

/**
 * The MEC side of the registry: an institution's MEC id (idNombreInstitucion, also
 * ServicioFirmante/@idEntidad), its campuses, one active responsible signer per campus, and its
 * study plans imported from the "Programa de Estudios" layout.
 */
export class MecRegistry {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly registry: RegistryService,
  ) {}

  async setMecId(cveInstitucion: string, idMec: string): Promise<void> {
    if (!/^[1-9]\d{0,9}$/.test(idMec)) {
      throw new RegistryError('INVALID', 'idNombreInstitucion must be the MEC institution id, digits without leading zeros', {
        field: 'idNombreInstitucion',
        expected: 'e.g. 20585',
        found: idMec,
      });
    }
    await this.requireInstitution(cveInstitucion);
    await setMecId(this.db, cveInstitucion, idMec);
  }

  async putCampus(cveInstitucion: string, campus: { idCampus: string; nombre: string; idEntidadFederativa: string }): Promise<void> {
    await this.requireMec(cveInstitucion);
    if (!/^(0[1-9]|[12]\d|3[0-2])$/.test(campus.idEntidadFederativa)) {
      throw new RegistryError('INVALID', 'idEntidadFederativa must be a two-digit state id 01–32', {
        field: 'idEntidadFederativa',
        expected: '01–32',
        found: campus.idEntidadFederativa,
      });
    }
    await upsertCampus(this.db, { cveInstitucion, ...campus });
  }

  /** Registers the e.firma and makes it the campus's only active signer for new uploads. */
  async setCampusSigner(cveInstitucion: string, idCampus: string, input: { der: Uint8Array; idCargo?: number; cargo?: string }) {
    await this.requireMec(cveInstitucion);
    const campuses = await listCampuses(this.db, cveInstitucion);
    if (!campuses.some((c) => c.id_campus === idCampus)) throw new RegistryError('NOT_FOUND', `campus ${idCampus} is not registered for ${cveInstitucion}`);
    return this.db.transaction().execute(async (trx) => {
      const signer = await this.registry.registerSigner(cveInstitucion, input, trx);
      await assignCampusSigner(trx, cveInstitucion, idCampus, signer.id, this.clock.now());
      return signer;
    });
  }

  campuses(cveInstitucion: string) {
    return listCampuses(this.db, cveInstitucion);
  }

  async plans(cveInstitucion: string) {
    return (await currentPlans(this.db, cveInstitucion)).map((row) => ({ id: row.id, version: row.version, importedAt: row.imported_at, plan: fromStoredPlan(row.content) }));
  }

  /**
   * Imports a layout workbook (.xlsx) or its JSON form: every row is validated and either the whole
   * import is stored (new plans added, changed ones as a new current version) or nothing is.
   */
  async importPlans(cveInstitucion: string, upload: Buffer): Promise<PlanImportOutcome> {
    const institution = await this.requireMec(cveInstitucion);
    const read = await readPlanUpload(upload);
    if (!read.ok) return { ok: false, errors: read.errors };
    const existing = new Map((await listAsignaturas(this.db, cveInstitucion)).map((a) => [a.id_asignatura, { idCarrera: a.id_carrera, claveAsignatura: a.clave_asignatura }]));
    const campuses = new Set((await listCampuses(this.db, cveInstitucion)).map((c) => c.id_campus));
    const result = importPlans(read.source, { idInstitucion: institution.id_mec, existing: { asignaturas: existing }, campuses });
    if (!result.ok) return { ok: false, errors: result.errors };

    return this.db.transaction().execute(async (trx) => {
      const current = (await currentPlans(trx, cveInstitucion)).map((row) => fromStoredPlan(row.content));
      const diff = classifyPlanImport(current, result.plans);
      const at = this.clock.now();
      for (const plan of [...diff.added, ...diff.replaced.map((r) => r.next)]) await insertPlanVersion(trx, cveInstitucion, toStoredPlan(plan), at);
      await upsertAsignaturas(
        trx,
        cveInstitucion,
        result.asignaturas.map((a) => ({ idAsignatura: a.idAsignatura, idCarrera: a.idCarrera, claveAsignatura: a.claveAsignatura })),
      );
      return { ok: true as const, added: diff.added.length, replaced: diff.replaced.length, unchanged: diff.unchanged.length, summary: result.summary };
    });
  }

  async requireMec(cveInstitucion: string): Promise<{ id_mec: string }> {
    const institution = await this.requireInstitution(cveInstitucion);
    if (!institution.id_mec) {
      throw new RegistryError('INVALID', `institution ${cveInstitucion} has no MEC id yet: PUT /api/v1/admin/institutions/${cveInstitucion}/mec first`);
    }
    return { id_mec: institution.id_mec };
  }

  private async requireInstitution(cveInstitucion: string) {
    const institution = await findInstitution(this.db, cveInstitucion);
    if (!institution) throw new RegistryError('NOT_FOUND', `institution ${cveInstitucion} is not registered`);
    return institution;
  }
}
