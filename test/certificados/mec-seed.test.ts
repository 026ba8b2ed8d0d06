import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readSeedFile } from '../../src/registry/seed-file.js';
import { adminHeaders, buildTestApp } from '../support/app.js';
import { defaultPlan, DEFAULT_ENTIDAD, DEFAULT_ID_CAMPUS, DEFAULT_ID_NOMBRE_INSTITUCION } from '../support/dec-fixture.js';
import { layoutJson, layoutSheets, planWorkbook } from '../support/plan-workbook.js';
import { mintEfirma } from '../support/pki.js';

const CVE = '140349';
const layout = { idInstitucion: DEFAULT_ID_NOMBRE_INSTITUCION, campuses: [DEFAULT_ID_CAMPUS], plans: [defaultPlan()] };

function mecSeed(responsableBase64: string, planBase64: string) {
  return {
    institutions: [
      {
        cveInstitucion: CVE,
        nombre: 'UNIVERSIDAD SEMILLA',
        users: [{ usuario: 'usuariomec.qa140349', password: 'semilla-qa-1', environment: 'qa' }],
        mec: {
          idNombreInstitucion: DEFAULT_ID_NOMBRE_INSTITUCION,
          campus: [{ idCampus: DEFAULT_ID_CAMPUS, nombre: 'CAMPUS SEMILLA', idEntidadFederativa: DEFAULT_ENTIDAD, responsable: { certificateBase64: responsableBase64, idCargo: 1, cargo: 'DIRECTOR' } }],
          planes: [{ contentBase64: planBase64 }],
        },
      },
    ],
  };
}

t.test('a seed registers the MEC part too: MEC id, campus with its responsable, plans; applying it again changes nothing', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app, store } = testApp;
  const responsable = mintEfirma();
  const seed = mecSeed(responsable.cerDer.toString('base64'), planWorkbook(layout).toString('base64'));

  const applied = await app.inject({ method: 'POST', url: '/api/v1/admin/seed', headers: adminHeaders(), payload: seed });
  t.equal(applied.statusCode, 200, applied.body);
  t.match(applied.json(), { institutions: 1, users: 1, campuses: 1, planes: 1 });
  const campus = await app.inject({ method: 'GET', url: `/api/v1/admin/institutions/${CVE}/campus`, headers: adminHeaders() });
  t.match(campus.json(), [{ idCampus: DEFAULT_ID_CAMPUS, responsable: { numeroCertificado: responsable.number } }]);
  const planes = await app.inject({ method: 'GET', url: `/api/v1/admin/institutions/${CVE}/planes`, headers: adminHeaders() });
  t.match(planes.json(), [{ idCarrera: '5', clavePlan: '2014', version: 1 }]);

  const again = await app.inject({ method: 'POST', url: '/api/v1/admin/seed', headers: adminHeaders(), payload: seed });
  t.equal(again.statusCode, 200, again.body);
  const assignments = await store.db.selectFrom('mec_campus_signer').select(['active']).execute();
  t.same(assignments, [{ active: true }], 'the same responsable is not re-assigned');
  const versions = await store.db.selectFrom('mec_plan').select(['version']).execute();
  t.same(versions, [{ version: 1 }], 'an unchanged plan keeps its version');
});

t.test('a seed whose plan does not import is refused whole, naming the sheet, row and code', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app } = testApp;
  const sheets = layoutSheets(layout);
  sheets['ASIGNATURAS']![0]!['CREDITOS'] = '6,25';
  const seed = mecSeed(mintEfirma().cerDer.toString('base64'), layoutJson(sheets).toString('base64'));
  const refused = await app.inject({ method: 'POST', url: '/api/v1/admin/seed', headers: adminHeaders(), payload: seed });
  t.equal(refused.statusCode, 422);
  t.match(refused.json().error.message, /institution 140349: mec\.planes\[0\] does not import:\n {2}ASIGNATURAS row 2: PLAN-/);
  const list = await app.inject({ method: 'GET', url: '/api/v1/admin/institutions', headers: adminHeaders() });
  t.same(list.json(), [], 'not even the institution was kept');
});

t.test('a seed file names the responsable .cer and the plan layout by paths relative to itself', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'metmec-seed-'));
  const responsable = mintEfirma();
  writeFileSync(join(dir, 'director.cer'), responsable.cerDer);
  writeFileSync(join(dir, 'plan.json'), layoutJson(layoutSheets(layout)));
  writeFileSync(
    join(dir, 'seed.json'),
    JSON.stringify({
      institutions: [
        { cveInstitucion: CVE, nombre: 'X', mec: { idNombreInstitucion: '20585', campus: [{ idCampus: '150840', nombre: 'C', idEntidadFederativa: '15', responsable: { cer: 'director.cer' } }], planes: ['plan.json'] } },
      ],
    }),
  );
  const seed = readSeedFile(join(dir, 'seed.json'));
  const mec = seed.institutions?.[0]?.mec;
  t.same(mec?.campus?.[0]?.responsable?.der, responsable.cerDer);
  t.match(mec?.planes?.[0]?.toString('utf8'), /"ASIGNATURAS"/);
  writeFileSync(join(dir, 'missing.json'), JSON.stringify({ institutions: [{ cveInstitucion: CVE, nombre: 'X', mec: { idNombreInstitucion: '20585', planes: ['nope.xlsx'] } }] }));
  t.throws(() => readSeedFile(join(dir, 'missing.json')), /institutions\[0\]\.mec\.planes\[0\]: cannot read nope\.xlsx/);
});
