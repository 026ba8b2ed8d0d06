import type { RegisteredPlan } from '../../src/domain/planes/plan.js';
import { mexicoCityDate } from '../../src/domain/dates.js';
import { adminHeaders, type TestApp } from './app.js';
import { decForPlan, decXml, defaultPlan, DEFAULT_ENTIDAD, DEFAULT_ID_CAMPUS, DEFAULT_ID_NOMBRE_INSTITUCION, type DecValues } from './dec-fixture.js';
import { seedInstitution, type Institution } from './met-scenario.js';
import { mintEfirma, type MintedCredential } from './pki.js';
import { planWorkbook } from './plan-workbook.js';

export interface MecInstitution extends Institution {
  readonly responsable: MintedCredential;
  readonly plan: RegisteredPlan;
}

/** An institution registered for the MEC: MEC id, one campus with its responsible e.firma, one plan imported from a workbook. */
export async function seedMecInstitution(testApp: TestApp, plan: RegisteredPlan = defaultPlan()): Promise<MecInstitution> {
  const inst = await seedInstitution(testApp, DEFAULT_ID_CAMPUS);
  const responsable = mintEfirma();
  await registerMec(testApp, inst.cveInstitucion, responsable.cerDer);
  const imported = await testApp.app.inject({
    method: 'POST',
    url: `/api/v1/admin/institutions/${inst.cveInstitucion}/planes`,
    headers: { ...adminHeaders(), 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    payload: planWorkbook({ idInstitucion: DEFAULT_ID_NOMBRE_INSTITUCION, campuses: [DEFAULT_ID_CAMPUS], plans: [plan] }),
  });
  if (imported.statusCode >= 300) throw new Error(`plan import failed: ${imported.statusCode} ${imported.body}`);
  return { ...inst, responsable, plan };
}

/** Registers an institution with the MEC (id 20585) and its campus 150840 in entidad 15, whose responsable signs with `cerDer`. */
export async function registerMec(testApp: TestApp, cveInstitucion: string, cerDer: Buffer): Promise<void> {
  const admin = adminHeaders();
  const base = `/api/v1/admin/institutions/${cveInstitucion}`;
  const calls = [
    await testApp.app.inject({ method: 'PUT', url: `${base}/mec`, headers: admin, payload: { idNombreInstitucion: DEFAULT_ID_NOMBRE_INSTITUCION } }),
    await testApp.app.inject({ method: 'PUT', url: `${base}/campus/${DEFAULT_ID_CAMPUS}`, headers: admin, payload: { nombre: 'ÚNICO', idEntidadFederativa: DEFAULT_ENTIDAD } }),
    await testApp.app.inject({
      method: 'PUT',
      url: `${base}/campus/${DEFAULT_ID_CAMPUS}/responsable?idCargo=1&cargo=DIRECTOR`,
      headers: { ...admin, 'content-type': 'application/pkix-cert' },
      payload: cerDer,
    }),
  ];
  for (const call of calls) if (call.statusCode >= 300) throw new Error(`MEC registration failed: ${call.statusCode} ${call.body}`);
}

/** A valid signed DEC for the institution's plan, dated for the service clock's today. */
export function decFor(testApp: TestApp, inst: MecInstitution, folioControl: string, edit?: (values: DecValues) => void): string {
  const today = mexicoCityDate(testApp.clock.now());
  return decXml(
    decForPlan(inst.plan, {
      credential: inst.responsable,
      today,
      edit: (values) => {
        values.root['folioControl'] = folioControl;
        edit?.(values);
      },
    }).root,
  );
}
