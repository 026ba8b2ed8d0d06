import t from 'tap';
import { adminHeaders, buildTestApp } from '../support/app.js';
import { credentials, registerTitulos } from '../support/dgair-scenario.js';
import { seedInstitution } from '../support/met-scenario.js';

const HOUR = 3_600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

t.test('línea de captura: active 48 h after payment', async (t) => {
  const testApp = await buildTestApp({ METMEC_WORKER: 'true' });
  t.teardown(testApp.close);
  const { app, clock } = testApp;
  const inst = await seedInstitution(testApp);
  const prod = credentials(inst, 'prod');
  await registerTitulos(t, testApp, inst, ['LC-1'], { environment: 'prod' });
  const { numero } = (await app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: prod, payload: { folioControl: ['LC-1'] } })).json();
  const paid = (await app.inject({ method: 'POST', url: `/api/v1/dgair/solicitudes/${numero}/pago`, headers: prod, payload: { metodo: 'linea-de-captura' } })).json();
  t.equal(Date.parse(paid.payment.activeFrom) - Date.parse(paid.payment.paidAt), 48 * HOUR);
  clock.advance(48 * HOUR - 1000);
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/dgair/solicitudes/${numero}`, headers: prod })).json().state, 'paid', 'one second before');
  clock.advance(1000);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/dgair/solicitudes', headers: prod })).json()[0].state, 'processed', 'the list processes it too');
});

t.test('QA: a test solicitud is active at once; an authenticated título is not authenticated twice', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app } = testApp;
  const inst = await seedInstitution(testApp);
  const qa = credentials(inst);
  await registerTitulos(t, testApp, inst, ['QA-1']);

  const created = await app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: qa, payload: { folioControl: ['QA-1'] } });
  t.equal(created.statusCode, 201, created.body);
  const solicitud = created.json();
  t.match(solicitud, { environment: 'qa', state: 'processed', payment: { method: 'prueba', lineaCaptura: null }, titulos: [{ folioControl: 'QA-1', estatus: 'autenticado' }] });
  t.equal(solicitud.payment.paidAt, solicitud.payment.activeFrom);

  const pay = await app.inject({ method: 'POST', url: `/api/v1/dgair/solicitudes/${solicitud.numero}/pago`, headers: qa, payload: { metodo: 'tarjeta' } });
  t.equal(pay.statusCode, 409, 'a test solicitud needs no payment');
  t.match(pay.json().error.message, /test solicitud/);

  const second = await app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: qa, payload: { folioControl: ['QA-1'] } });
  t.equal(second.statusCode, 409);
  t.match(second.json().error.problems, [{ index: 0, folioControl: 'QA-1', code: 'DGAIR-ALREADY-AUTHENTICATED', found: solicitud.titulos[0].folioDigital }], 'the answer names the existing folioDigital');
});

t.test('two open solicitudes for one título: authenticated once, both show that authentication', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app, clock } = testApp;
  const inst = await seedInstitution(testApp);
  const prod = credentials(inst, 'prod');
  await registerTitulos(t, testApp, inst, ['TWICE-1'], { environment: 'prod' });
  const numeros: string[] = [];
  for (let i = 0; i < 2; i++) {
    const { numero } = (await app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: prod, payload: { folioControl: ['TWICE-1'] } })).json();
    await app.inject({ method: 'POST', url: `/api/v1/dgair/solicitudes/${numero}/pago`, headers: prod, payload: { metodo: 'tarjeta' } });
    numeros.push(numero);
  }
  clock.advance(24 * HOUR);
  const reads = await Promise.all([...numeros, ...numeros].map((numero) => app.inject({ method: 'GET', url: `/api/v1/dgair/solicitudes/${numero}`, headers: prod })));
  const folios = new Set(reads.map((r) => r.json().titulos[0].folioDigital));
  t.equal(folios.size, 1, 'one folioDigital');
  t.match([...folios][0], UUID);
  t.equal((await testApp.store.db.selectFrom('titulo_autenticacion').select('id').execute()).length, 1);
  const detail = (await app.inject({ method: 'GET', url: `/api/v1/admin/dgair/titulos/${[...folios][0]}`, headers: adminHeaders() })).json();
  t.same(detail.solicitudes, numeros);
});

t.test('the DGAIR, authority and operators routes are in the OpenAPI document', async (t) => {
  const testApp = await buildTestApp({ METMEC_WORKER: 'false' });
  t.teardown(testApp.close);
  const docs = await testApp.app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(docs.statusCode, 200);
  const paths = docs.json().paths;
  for (const path of [
    '/api/v1/dgair/solicitudes',
    '/api/v1/dgair/solicitudes/{numero}',
    '/api/v1/dgair/solicitudes/{numero}/pago',
    '/api/v1/dgair/solicitudes/{numero}/titulos.zip',
    '/api/v1/dgair/solicitudes/{numero}/constancias.zip',
    '/api/v1/dgair/titulos/{folioDigital}.{formato}',
    '/api/v1/dgair/verificacion/{folioDigital}',
    '/api/v1/autoridad/certificado.{formato}',
    '/api/v1/admin/dgair/solicitudes',
    '/api/v1/admin/dgair/titulos/{folioDigital}',
  ]) {
    t.ok(paths[path], path);
  }
  t.same(paths['/api/v1/dgair/solicitudes'].post.requestBody.content['application/json'].schema.required, ['folioControl']);
});
