/**
 * MEC benchmark fixtures: the study plan (50 subjects), its layout workbook, and folio zips of
 * valid signed DEC 3.0 certificates for it. Everything here runs BEFORE any timed section.
 *
 * The DECs come from the project's own test fixture (test/support/dec-fixture.ts), which computes
 * the totals and signs over a cadena it builds independently of src/, so a SATISFACTORIO in the
 * benchmark is a real pass. Each DEC has its own folioControl and student numeroControl, so every
 * cadena, and so every sello, differs.
 */
import type { RegisteredPlan } from '../src/domain/planes/plan.js';
import { decForPlan, decXml, defaultPlan, DEFAULT_ID_CAMPUS, DEFAULT_ID_NOMBRE_INSTITUCION } from '../test/support/dec-fixture.js';
import type { MintedCredential } from '../test/support/pki.js';
import { planWorkbook } from '../test/support/plan-workbook.js';
import { documentsZip, type LoteZip } from './fixtures.js';

/** Subjects per certificate (and in the plan): the figure. */
export const MEC_SUBJECTS = 50;

/** The registered plan every benchmark DEC is issued under. */
export function benchPlan(): RegisteredPlan {
  return defaultPlan({ subjects: MEC_SUBJECTS });
}

/** The "Programa de Estudios" layout (.xlsx) that registers `plan` for the default campus. */
export function benchPlanWorkbook(plan: RegisteredPlan): Buffer {
  return planWorkbook({ idInstitucion: DEFAULT_ID_NOMBRE_INSTITUCION, campuses: [DEFAULT_ID_CAMPUS], plans: [plan] });
}

/** A valid DEC for `plan`, signed by `signer` (the campus's responsible e.firma), as UTF-8 bytes. */
export function decBytes(signer: MintedCredential, plan: RegisteredPlan, today: string, folioControl: string, numeroControl: string): Buffer {
  const built = decForPlan(plan, {
    credential: signer,
    today,
    edit: (values) => {
      values.root['folioControl'] = folioControl;
      values.alumno['numeroControl'] = numeroControl;
    },
  });
  return Buffer.from(decXml(built.root), 'utf8');
}

/** A zip (deflate, level 6) of one valid DEC per folioControl, named `DEC_<folio>.xml`. */
export function folioZip(signer: MintedCredential, plan: RegisteredPlan, today: string, folioList: readonly string[]): Promise<LoteZip> {
  return documentsZip(folioList, (folio, index) => ({
    name: `DEC_${folio}.xml`,
    bytes: decBytes(signer, plan, today, folio, String(20_000_001 + index)),
  }));
}
