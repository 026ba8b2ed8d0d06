import t, { type Test } from 'tap';
import { mexicoCityDate } from '../../src/domain/dates.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { credentials, registerTitulos, uploadLote } from '../support/dgair-scenario.js';
import { seedInstitution, type Institution } from '../support/met-scenario.js';
import { mintEfirma } from '../support/pki.js';
import { buildTitulo, tituloXml } from '../support/titulo-fixture.js';

const rvoeEstatal = (v: { carrera: Record<string, string | undefined> }) => {
  v.carrera['idAutorizacionReconocimiento'] = '2';
  v.carrera['autorizacionReconocimiento'] = 'RVOE ESTATAL';
};
const actaDeSesion = (v: { carrera: Record<string, string | undefined> }) => {
  v.carrera['idAutorizacionReconocimiento'] = '5';
  v.carrera['autorizacionReconocimiento'] = 'ACTA DE SESIÓN';
  v.carrera['numeroRvoe'] = undefined;
};

t.test('a solicitud is refused as a whole when any folioControl cannot be authenticated, every problem listed', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app } = testApp;
  const a = await seedInstitution(testApp);
  const b = await seedInstitution(testApp, '090002');
  const qa = credentials(a);
  await registerTitulos(t, testApp, a, ['OK-1', 'CAN-1', 'EST-1', 'ACTA-1'], { edit: (v, folio) => (folio === 'EST-1' ? rvoeEstatal(v) : folio === 'ACTA-1' ? actaDeSesion(v) : undefined) });
  await registerTitulos(t, testApp, a, ['PROD-1'], { environment: 'prod' });
  await registerTitulos(t, testApp, b, ['B-1']);
  const cancel = await app.inject({ method: 'POST', url: '/api/v1/met/titulos/CAN-1/cancelacion', headers: qa, payload: { motCancelacion: 'R1' } });
  t.equal(cancel.statusCode, 200);

  const folios = ['OK-1', 'EST-1', 'ACTA-1', 'CAN-1', 'B-1', 'NOPE-1', 'OK-1', 'PROD-1'];
  const refused = await app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: qa, payload: { folioControl: folios } });
  t.equal(refused.statusCode, 409, refused.body);
  const { error } = refused.json();
  t.equal(error.code, 'REFUSED');
  t.match(error.message, /7 of the 8 folioControl cannot be authenticated; nothing was requested/);
  t.match(error.problems, [
    { index: 1, folioControl: 'EST-1', code: 'DGAIR-NOT-FEDERAL-RVOE', found: '2 RVOE ESTATAL' },
    { index: 2, folioControl: 'ACTA-1', code: 'DGAIR-NOT-FEDERAL-RVOE', found: '5 ACTA DE SESIÓN' },
    { index: 3, folioControl: 'CAN-1', code: 'DGAIR-CANCELLED' },
    { index: 4, folioControl: 'B-1', code: 'DGAIR-NOT-REGISTERED', message: /registered by this institution/ },
    { index: 5, folioControl: 'NOPE-1', code: 'DGAIR-NOT-REGISTERED' },
    { index: 6, folioControl: 'OK-1', code: 'DGAIR-DUPLICATE' },
    { index: 7, folioControl: 'PROD-1', code: 'DGAIR-NOT-REGISTERED' },
  ]);
  t.equal(error.problems.length, 7, 'OK-1 itself is fine');
  t.same((await app.inject({ method: 'GET', url: '/api/v1/dgair/solicitudes', headers: qa })).json(), [], 'nothing was requested');
  t.equal((await testApp.store.db.selectFrom('dgair_solicitud').select('id').execute()).length, 0);

  const accepted = await app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: qa, payload: { folioControl: ['OK-1'] } });
  t.equal(accepted.statusCode, 201, 'the eligible one alone is accepted');
  t.match(accepted.json().titulos, [{ folioControl: 'OK-1', estatus: 'autenticado' }]);

  const reRegistered = await registerAgain(t, testApp, a, 'CAN-1');
  t.equal(reRegistered.statusCode, 201, 'a cancelled folio registered again can be authenticated: its current registration counts');
});

async function registerAgain(t: Test, testApp: TestApp, inst: Institution, folio: string) {
  await registerTitulos(t, testApp, inst, [folio]);
  return testApp.app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: credentials(inst), payload: { folioControl: [folio] } });
}

t.test('a título that already carries an Autenticacion node is refused', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const inst = await seedInstitution(testApp);
  const stateAuthority = mintEfirma({ name: 'AUTORIDAD EDUCATIVA ESTATAL PRUEBA' });
  const built = buildTitulo({
    today: mexicoCityDate(testApp.clock.now()),
    signers: [inst.signer],
    authority: stateAuthority,
    edit: (v) => {
      v.root['folioControl'] = 'AUT-1';
      v.institucion['cveInstitucion'] = inst.cveInstitucion;
    },
  });
  await uploadLote(t, testApp, inst, Buffer.from(tituloXml(built.root)), 1);
  const refused = await testApp.app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: credentials(inst), payload: { folioControl: ['AUT-1'] } });
  t.equal(refused.statusCode, 409);
  t.match(refused.json().error.problems, [{ folioControl: 'AUT-1', code: 'DGAIR-HAS-AUTENTICACION' }]);
});

t.test('the request body is validated by its schema', async (t) => {
  const testApp = await buildTestApp({ METMEC_WORKER: 'false' });
  t.teardown(testApp.close);
  const inst = await seedInstitution(testApp);
  const post = (payload: unknown) => testApp.app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: credentials(inst), payload: payload as object });
  t.equal((await post({ folioControl: [] })).statusCode, 400, 'at least one folio');
  t.equal((await post({ folioControl: Array.from({ length: 501 }, (_, i) => `F-${i}`) })).statusCode, 400, 'at most 500');
  t.equal((await post({ folioControl: [''] })).statusCode, 400, 'no empty folio');
  t.equal((await post({ folios: ['X'] })).statusCode, 400, 'no unknown property');
  const unauthenticated = await testApp.app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', payload: { folioControl: ['X'] } });
  t.equal(unauthenticated.statusCode, 401);
});
