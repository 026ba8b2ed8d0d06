import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import { classifyPlanImport, importPlans, type PlanImportSummary } from '../domain/planes/import-plan.js';
import type { RowError } from '../domain/planes/plan-errors.js';
import { readPlanUpload } from '../intake/plan-workbook.js';
import { RegistryError, type RegistryService, type SeedDocument, type SignerInput } from '../registry/registry-service.js';
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
import { inTransaction } from '../store/db.js';
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

  async setMecId(cveInstitucion: string, idMec: string, db: Kysely<Database> = this.db): Promise<void> {
    if (!/^[1-9]\d{0,9}$/.test(idMec)) {
      throw new RegistryError('INVALID', 'idNombreInstitucion must be the MEC institution id, digits without leading zeros', {
        field: 'idNombreInstitucion',
        expected: 'e.g. 20585',
        found: idMec,
      });
    }
    await this.requireInstitution(cveInstitucion, db);
    await setMecId(db, cveInstitucion, idMec);
  }

  async putCampus(cveInstitucion: string, campus: { idCampus: string; nombre: string; idEntidadFederativa: string }, db: Kysely<Database> = this.db): Promise<void> {
    await this.requireMec(cveInstitucion, db);
    if (!/^(0[1-9]|[12]\d|3[0-2])$/.test(campus.idEntidadFederativa)) {
      throw new RegistryError('INVALID', 'idEntidadFederativa must be a two-digit state id 01–32', {
        field: 'idEntidadFederativa',
        expected: '01–32',
        found: campus.idEntidadFederativa,
      });
    }
    await upsertCampus(db, { cveInstitucion, ...campus });
  }

  /**
   * Registers the e.firma and makes it the campus's only active signer for new uploads (a no-op
   * when it already is, so re-applying a seed does not churn the assignment history).
   */
  async setCampusSigner(cveInstitucion: string, idCampus: string, input: SignerInput, db: Kysely<Database> = this.db) {
    await this.requireMec(cveInstitucion, db);
    const campus = (await listCampuses(db, cveInstitucion)).find((c) => c.id_campus === idCampus);
    if (!campus) throw new RegistryError('NOT_FOUND', `campus ${idCampus} is not registered for ${cveInstitucion}`);
    return inTransaction(db, async (trx) => {
      const signer = await this.registry.registerSigner(cveInstitucion, input, trx);
      if (campus.signer_id !== signer.id) await assignCampusSigner(trx, cveInstitucion, idCampus, signer.id, this.clock.now());
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
  async importPlans(cveInstitucion: string, upload: Buffer, db: Kysely<Database> = this.db): Promise<PlanImportOutcome> {
    const institution = await this.requireMec(cveInstitucion, db);
    const read = await readPlanUpload(upload);
    if (!read.ok) return { ok: false, errors: read.errors };
    const existing = new Map((await listAsignaturas(db, cveInstitucion)).map((a) => [a.id_asignatura, { idCarrera: a.id_carrera, claveAsignatura: a.clave_asignatura }]));
    const campuses = new Set((await listCampuses(db, cveInstitucion)).map((c) => c.id_campus));
    const result = importPlans(read.source, { idInstitucion: institution.id_mec, existing: { asignaturas: existing }, campuses });
    if (!result.ok) return { ok: false, errors: result.errors };

    return inTransaction(db, async (trx) => {
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

  /**
   * The MEC part of a seed document, inside the seed's transaction: MEC id, campuses with their
   * responsable, study plans. A plan that does not import fails the whole seed with its row errors.
   */
  async applySeed(seed: SeedDocument, trx: Transaction<Database>): Promise<{ campuses: number; planes: number }> {
    const summary = { campuses: 0, planes: 0 };
    for (const institution of seed.institutions ?? []) {
      const mec = institution.mec;
      if (!mec) continue;
      await this.setMecId(institution.cveInstitucion, mec.idNombreInstitucion, trx);
      for (const campus of mec.campus ?? []) {
        await this.putCampus(institution.cveInstitucion, campus, trx);
        if (campus.responsable) await this.setCampusSigner(institution.cveInstitucion, campus.idCampus, campus.responsable, trx);
        summary.campuses++;
      }
      for (const [i, plan] of (mec.planes ?? []).entries()) {
        const imported = await this.importPlans(institution.cveInstitucion, plan, trx);
        if (!imported.ok) {
          const rows = imported.errors.slice(0, 5).map((e) => `${e.sheet || 'file'}${e.row > 0 ? ` row ${e.row}` : ''}: ${e.code} ${e.message}`);
          throw new RegistryError('INVALID', `institution ${institution.cveInstitucion}: mec.planes[${i}] does not import:\n  ${rows.join('\n  ')}`);
        }
        summary.planes += imported.added + imported.replaced + imported.unchanged;
      }
    }
    return summary;
  }

  async requireMec(cveInstitucion: string, db: Kysely<Database> = this.db): Promise<{ id_mec: string }> {
    const institution = await this.requireInstitution(cveInstitucion, db);
    if (!institution.id_mec) {
      throw new RegistryError('INVALID', `institution ${cveInstitucion} has no MEC id yet: PUT /api/v1/admin/institutions/${cveInstitucion}/mec first`);
    }
    return { id_mec: institution.id_mec };
  }

  private async requireInstitution(cveInstitucion: string, db: Kysely<Database>) {
    const institution = await findInstitution(db, cveInstitucion);
    if (!institution) throw new RegistryError('NOT_FOUND', `institution ${cveInstitucion} is not registered`);
    return institution;
  }
}
