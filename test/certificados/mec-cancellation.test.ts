import t from 'tap';
import { adminHeaders, basicAuth, buildTestApp, type TestApp } from '../support/app.js';
import { decFor, seedMecInstitution, type MecInstitution } from '../support/mec-scenario.js';
import { seedInstitution, zipOf } from '../support/met-scenario.js';

// Friday 13 November 2026, 10:00 in Mexico City (UTC−06:00); Monday 16 is a statutory rest day.
const FRIDAY = new Date('2026-11-13T10:00:00-06:00');
const WEDNESDAY_EFFECTIVE = new Date('2026-11-18T10:00:00-06:00');

async function authenticate(testApp: TestApp, inst: MecInstitution, folioControls: readonly string[]) {
  const auth = basicAuth(inst.usuario, inst.password);
  const folio = (await testApp.app.inject({ method: 'POST', url: '/api/v1/mec/folios', headers: auth, payload: { certificados: folioControls.length } })).json().folio as string;
  const zip = await zipOf(folioControls.map((fc) => ({ name: `${fc}.xml`, content: decFor(testApp, inst, fc) })));
  const answer = await testApp.app.inject({ method: 'POST', url: `/api/v1/mec/folios/${folio}/cargas?wait=true`, headers: { ...auth, 'content-type': 'application/zip' }, payload: zip });
  if (answer.statusCode !== 200) throw new Error(`upload failed: ${answer.body}`);
  return { folio, documents: answer.json().documents as Array<{ descripcion: string; checks: Array<{ code: string; status: string; explanation: string }> }> };
}

t.test('cancellation: pending for 48 business hours, then cancelled, then the folioControl may be authenticated again', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app, clock } = testApp;
  clock.set(FRIDAY, true);
  const inst = await seedMecInstitution(testApp);
  const auth = basicAuth(inst.usuario, inst.password);
  const cancel = (payload: Record<string, string>, headers = auth) => app.inject({ method: 'POST', url: '/api/v1/mec/cancelaciones', headers, payload });
  const certificados = async (query: string) => (await app.inject({ method: 'GET', url: `/api/v1/mec/certificados?${query}`, headers: auth })).json().items;

  const first = await authenticate(testApp, inst, ['DEC-1', 'DEC-2']);
  t.same(first.documents.map((d) => d.descripcion), ['SATISFACTORIO', 'SATISFACTORIO']);
  const [dec1] = await certificados('folioControl=DEC-1');

  const requested = await cancel({ folioControl: 'DEC-1', motivo: 'error en el promedio' });
  t.equal(requested.statusCode, 202, requested.body);
  t.equal(requested.json().effectiveAt, WEDNESDAY_EFFECTIVE.toISOString(), 'Friday 10:00 + 48 business hours, Monday 16 being a rest day: Wednesday 10:00');
  t.match(requested.json().certificados, [{ folioDigital: dec1.folioDigital, estatus: 'cancelacion-pendiente', cancellation: { motivo: 'error en el promedio' } }]);

  const twice = await cancel({ folioDigital: dec1.folioDigital });
  t.equal(twice.statusCode, 409);
  t.match(twice.json().error, { estatus: 'cancelacion-pendiente', effectiveAt: WEDNESDAY_EFFECTIVE.toISOString() });
  t.match(twice.json().error.message, /already pending; it takes effect at 2026-11-18T16:00:00.000Z/);
  t.equal((await cancel({ folioControl: 'DEC-404' })).statusCode, 404, 'an unknown folioControl');
  const both = await cancel({ folioControl: 'DEC-1', folio: first.folio });
  t.equal(both.statusCode, 400, 'exactly one target');
  t.match(both.json().error, { found: ['folioControl', 'folio'] });

  const verified = await app.inject({ method: 'GET', url: `/api/v1/mec/verificacion/${dec1.folioDigital}` });
  t.match(verified.json(), { estatus: 'cancelacion-pendiente', cancellation: { effectiveAt: WEDNESDAY_EFFECTIVE.toISOString() } });

  const whilePending = await authenticate(testApp, inst, ['DEC-1']);
  t.equal(whilePending.documents[0]!.descripcion, 'Folio de control previamente registrado: DEC-1', 'still authenticated while the cancellation is pending');
  t.match(whilePending.documents[0]!.checks.find((c) => c.code === 'DEC-FOLIO-REGISTRADO'), { status: 'error', explanation: /cancel it first/ });

  clock.set(new Date(WEDNESDAY_EFFECTIVE.getTime() - 1000), true);
  t.match(await certificados('folioControl=DEC-1'), [{ estatus: 'cancelacion-pendiente' }], 'one second before');
  clock.set(WEDNESDAY_EFFECTIVE, true);
  t.match(await certificados('folioControl=DEC-1'), [{ estatus: 'cancelado' }], 'effective on time');
  t.match(await certificados('estatus=cancelado'), [{ folioControl: 'DEC-1' }]);
  t.match(await certificados('estatus=autenticado'), [{ folioControl: 'DEC-2' }]);

  const again = await authenticate(testApp, inst, ['DEC-1']);
  t.equal(again.documents[0]!.descripcion, 'SATISFACTORIO', 'authenticated again once the cancellation took effect');
  t.match(await certificados('folioControl=DEC-1'), [{ estatus: 'autenticado' }, { estatus: 'cancelado', folioDigital: dec1.folioDigital }], 'newest first');

  const byFolio = await cancel({ folio: first.folio });
  t.equal(byFolio.statusCode, 202, byFolio.body);
  t.same(
    byFolio.json().certificados.map((c: { folioControl: string }) => c.folioControl),
    ['DEC-2'],
    "a folio's cancellation takes the certificates not already cancelled",
  );
  const operators = await app.inject({ method: 'GET', url: `/api/v1/admin/mec/certificados?cveInstitucion=${inst.cveInstitucion}&estatus=cancelacion-pendiente`, headers: adminHeaders() });
  t.match(operators.json(), { items: [{ folioControl: 'DEC-2', folio: first.folio, estatus: 'cancelacion-pendiente' }], next: null });
  const one = await app.inject({ method: 'GET', url: `/api/v1/admin/mec/certificados/${dec1.folioDigital}`, headers: adminHeaders() });
  t.match(one.json(), { folioControl: 'DEC-1', cveInstitucion: inst.cveInstitucion, estatus: 'cancelado', cancellation: { motivo: 'error en el promedio' } });
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/admin/mec/certificados/${dec1.folioDigital}` })).statusCode, 401, 'operators only');
});

t.test('cancellation: another institution cannot cancel, and concurrent requests cancel once', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app } = testApp;
  const inst = await seedMecInstitution(testApp);
  await authenticate(testApp, inst, ['DEC-X']);
  const other = await seedInstitution(testApp, '090099');
  const [certificado] = (await app.inject({ method: 'GET', url: '/api/v1/mec/certificados', headers: basicAuth(inst.usuario, inst.password) })).json().items;

  const foreign = await app.inject({ method: 'POST', url: '/api/v1/mec/cancelaciones', headers: basicAuth(other.usuario, other.password), payload: { folioDigital: certificado.folioDigital } });
  t.equal(foreign.statusCode, 404, 'another institution sees nothing to cancel');
  const prod = await app.inject({ method: 'POST', url: '/api/v1/mec/cancelaciones', headers: basicAuth(inst.prodUsuario, inst.prodPassword), payload: { folioDigital: certificado.folioDigital } });
  t.equal(prod.statusCode, 404, 'a test certificate is not visible to the production user');

  const answers = await Promise.all(
    Array.from({ length: 20 }, () =>
      app.inject({ method: 'POST', url: '/api/v1/mec/cancelaciones', headers: basicAuth(inst.usuario, inst.password), payload: { folioControl: 'DEC-X' } }),
    ),
  );
  t.same(
    answers.map((a) => a.statusCode).sort(),
    [202, ...Array<number>(19).fill(409)],
    'one request cancels, the others are told it is already pending',
  );
});

t.test('METMEC_HOLIDAYS=none: only weekends are skipped', async (t) => {
  const testApp = await buildTestApp({ METMEC_HOLIDAYS: 'none' });
  t.teardown(testApp.close);
  testApp.clock.set(FRIDAY, true);
  const inst = await seedMecInstitution(testApp);
  await authenticate(testApp, inst, ['DEC-H']);
  const answer = await testApp.app.inject({ method: 'POST', url: '/api/v1/mec/cancelaciones', headers: basicAuth(inst.usuario, inst.password), payload: { folioControl: 'DEC-H' } });
  t.equal(answer.json().effectiveAt, new Date('2026-11-17T10:00:00-06:00').toISOString());
});
