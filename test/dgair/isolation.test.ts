import t from 'tap';
import { buildTestApp } from '../support/app.js';
import { credentials, registerTitulos } from '../support/dgair-scenario.js';
import { seedInstitution } from '../support/met-scenario.js';

t.test('isolation: another institution, or the other environment, cannot see a solicitud or its títulos', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app } = testApp;
  const a = await seedInstitution(testApp);
  const b = await seedInstitution(testApp, '090002');
  await registerTitulos(t, testApp, a, ['ISO-1']);
  const solicitud = (await app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: credentials(a), payload: { folioControl: ['ISO-1'] } })).json();
  const folioDigital = solicitud.titulos[0].folioDigital;
  const urls = [
    `/api/v1/dgair/solicitudes/${solicitud.numero}`,
    `/api/v1/dgair/solicitudes/${solicitud.numero}/titulos.zip`,
    `/api/v1/dgair/solicitudes/${solicitud.numero}/constancias.zip`,
    `/api/v1/dgair/titulos/${folioDigital}.xml`,
    `/api/v1/dgair/titulos/${folioDigital}.pdf`,
  ];
  for (const url of urls) {
    t.equal((await app.inject({ method: 'GET', url, headers: credentials(a) })).statusCode, 200, `A reads ${url}`);
    t.equal((await app.inject({ method: 'GET', url, headers: credentials(b) })).statusCode, 404, `B cannot read ${url}`);
    t.equal((await app.inject({ method: 'GET', url, headers: credentials(a, 'prod') })).statusCode, 404, `A's production user cannot read ${url}`);
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 401, `no credentials: ${url}`);
  }
  const pay = await app.inject({ method: 'POST', url: `/api/v1/dgair/solicitudes/${solicitud.numero}/pago`, headers: credentials(b, 'prod'), payload: { metodo: 'tarjeta' } });
  t.equal(pay.statusCode, 404, 'B cannot pay it either');
  t.same((await app.inject({ method: 'GET', url: '/api/v1/dgair/solicitudes', headers: credentials(b) })).json(), [], "B's list is empty");
});
