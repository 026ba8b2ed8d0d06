import t from 'tap';
import { adminHeaders, basicAuth, buildTestApp } from '../support/app.js';
import { decFor, seedMecInstitution } from '../support/mec-scenario.js';
import { zipOf } from '../support/met-scenario.js';

t.test('register → plan → test folio → upload → fix and re-upload → folio complete', async (t) => {
  // The production default: certificates checked and sealed in evaluation threads (test/support/app.ts).
  const testApp = await buildTestApp({ METMEC_EVALUATION_THREADS: 'auto' });
  t.teardown(testApp.close);
  const { app } = testApp;
  const inst = await seedMecInstitution(testApp);
  const auth = basicAuth(inst.usuario, inst.password);

  const plans = await app.inject({ method: 'GET', url: `/api/v1/admin/institutions/${inst.cveInstitucion}/planes`, headers: adminHeaders() });
  t.match(plans.json(), [{ idCarrera: '5', clavePlan: '2014', version: 1 }]);

  const created = await app.inject({ method: 'POST', url: '/api/v1/mec/folios', headers: auth, payload: { certificados: 2 } });
  t.equal(created.statusCode, 201, created.body);
  const folio = created.json();
  t.match(folio, { environment: 'qa', certificados: 2, pending: 2, state: 'active', attempts: { used: 0, left: 3 } });

  const upload = (files: Array<{ name: string; content: string }>) =>
    zipOf(files).then((zip) =>
      app.inject({ method: 'POST', url: `/api/v1/mec/folios/${folio.folio}/cargas?wait=true`, headers: { ...auth, 'content-type': 'application/zip' }, payload: zip }),
    );

  const wrongCount = await upload([{ name: 'a.xml', content: decFor(testApp, inst, 'DEC-A') }]);
  t.equal(wrongCount.statusCode, 409);
  t.match(wrongCount.json().error, { code: 'REFUSED', expected: 2, found: 1 });

  const badGrade = decFor(testApp, inst, 'DEC-B', (v) => {
    v.subjects[0]!['calificacion'] = '9.5';
  });
  const first = await upload([
    { name: 'a.xml', content: decFor(testApp, inst, 'DEC-A') },
    { name: 'b.xml', content: badGrade },
  ]);
  t.equal(first.statusCode, 200, first.body);
  const result = first.json();
  t.match(result, { status: 'processed', counts: { total: 2, registered: 1, rejected: 1 }, attempt: 1, attemptsLeft: 2 });
  t.equal(result.documents[0].descripcion, 'SATISFACTORIO');
  t.equal(result.documents[1].estatus, 2);
  t.ok(
    result.documents[1].checks.some((c: { code: string; status: string; found?: string }) => c.status === 'error' && c.found === '9.5'),
    'the rejected certificate says what was found',
  );

  const problems = (await app.inject({ method: 'GET', url: `/api/v1/mec/cargas/${result.numeroLote}?checks=problems`, headers: auth })).json();
  t.same(problems.documents[0].checks, [], '?checks=problems: nothing listed for a SATISFACTORIO certificate');
  t.ok(problems.documents[1].checks.length > 0, 'the rejected one lists its errors');
  t.ok(problems.documents[1].checks.every((c: { status: string }) => c.status === 'error' || c.status === 'warning'), '…and nothing that passed');
  t.ok(result.documents[0].checks.length > 40, 'by default every check made is listed');

  const csv = await app.inject({ method: 'GET', url: `/api/v1/mec/cargas/${result.numeroLote}/errores.csv`, headers: auth });
  t.equal(csv.statusCode, 200);
  t.match(csv.body, /^\uFEFFARCHIVO,FOLIO CONTROL,ESTATUS,CODIGO/);
  t.match(csv.body, /b\.xml,DEC-B,ERROR,DEC-/);
  const xlsx = await app.inject({ method: 'GET', url: `/api/v1/mec/cargas/${result.numeroLote}/errores.xlsx`, headers: auth });
  t.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  t.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');

  const found = await app.inject({ method: 'GET', url: '/api/v1/mec/certificados?folioControl=DEC-A', headers: auth });
  t.equal(found.statusCode, 200, found.body);
  const [certificado] = found.json().items;
  t.match(certificado, { folioControl: 'DEC-A', estatus: 'autenticado' });
  const xml = await app.inject({ method: 'GET', url: `/api/v1/mec/certificados/${certificado.folioDigital}.xml`, headers: auth });
  t.match(xml.body, /<Dreoe [^>]*selloDreoe="/);
  t.match(xml.body, new RegExp(`<SepIpes [^>]*folioDigital="${certificado.folioDigital}"`));
  const pdf = await app.inject({ method: 'GET', url: `/api/v1/mec/certificados/${certificado.folioDigital}.pdf`, headers: auth });
  t.equal(pdf.headers['content-type'], 'application/pdf');
  t.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
  const verified = await app.inject({ method: 'GET', url: `/api/v1/mec/verificacion/${certificado.folioDigital}` });
  t.match(verified.json(), { folioControl: 'DEC-A', estatus: 'autenticado' });
  const unknown = await app.inject({ method: 'GET', url: '/api/v1/mec/verificacion/00000000-0000-4000-8000-000000000000' });
  t.equal(unknown.statusCode, 404);

  const fixed = await upload([{ name: 'b.xml', content: decFor(testApp, inst, 'DEC-B') }]);
  t.equal(fixed.statusCode, 200, fixed.body);
  t.match(fixed.json(), { counts: { registered: 1 }, attempt: 2 });

  const view = (await app.inject({ method: 'GET', url: `/api/v1/mec/folios/${folio.folio}`, headers: auth })).json();
  t.match(view, { state: 'complete', authenticated: 2, pending: 0, attempts: { used: 2, left: 1 } });
  t.equal(view.uploads.length, 2);
  const operator = (await app.inject({ method: 'GET', url: `/api/v1/admin/mec/folios/${folio.folio}`, headers: adminHeaders() })).json();
  t.match(operator, { environment: 'qa', certificados: 2, attempts: { used: 2, left: 1 } });
  t.match(operator.uploads[0].documents, [
    { archivo: 'a.xml', folioControl: 'DEC-A', estatus: 'SATISFACTORIO', errors: [] },
    { archivo: 'b.xml', folioControl: 'DEC-B', estatus: 'ERROR', errors: [{ status: 'error', found: '9.5' }] },
  ]);
  t.match(operator.uploads[1].documents, [{ archivo: 'b.xml', estatus: 'SATISFACTORIO' }], "each attempt with its own results");

  const afterComplete = await upload([{ name: 'c.xml', content: decFor(testApp, inst, 'DEC-C') }]);
  t.equal(afterComplete.statusCode, 409);
  t.match(afterComplete.json().error.message, /all its 2 certificate/);

  const again = await app.inject({ method: 'POST', url: '/api/v1/mec/folios', headers: auth, payload: { certificados: 1 } });
  const reuse = await zipOf([{ name: 'a.xml', content: decFor(testApp, inst, 'DEC-A') }]);
  const dup = await app.inject({ method: 'POST', url: `/api/v1/mec/folios/${again.json().folio}/cargas?wait=true`, headers: { ...auth, 'content-type': 'application/zip' }, payload: reuse });
  t.equal(dup.json().documents[0].descripcion, 'Folio de control previamente registrado: DEC-A', 'an authenticated certificate cannot be authenticated again');
});

t.test('50 simultaneous uploads to one folio consume exactly 3 attempts', async (t) => {
  const testApp = await buildTestApp({ METMEC_WORKER: 'false' });
  t.teardown(testApp.close);
  const { app } = testApp;
  const inst = await seedMecInstitution(testApp);
  const auth = basicAuth(inst.usuario, inst.password);
  const folio = (await app.inject({ method: 'POST', url: '/api/v1/mec/folios', headers: auth, payload: { certificados: 1 } })).json().folio;
  const zip = await zipOf([{ name: 'a.xml', content: decFor(testApp, inst, 'DEC-BURST') }]);

  const answers = await Promise.all(
    Array.from({ length: 50 }, () =>
      app.inject({ method: 'POST', url: `/api/v1/mec/folios/${folio}/cargas`, headers: { ...auth, 'content-type': 'application/zip' }, payload: zip }),
    ),
  );
  const accepted = answers.filter((a) => a.statusCode === 202);
  const refused = answers.filter((a) => a.statusCode === 409);
  t.equal(accepted.length, 3, 'exactly three uploads accepted');
  t.equal(refused.length, 47, 'every other one refused');
  for (const answer of refused) t.match(answer.json().error.message, /used its 3 attempts/);
  t.same(accepted.map((a) => a.json().attempt).sort(), [1, 2, 3], 'attempt numbers are distinct');

  const lotes = await testApp.store.db.selectFrom('lote').select(['attempt_no']).where('kind', '=', 'certificados').execute();
  t.equal(lotes.length, 3, 'three uploads stored');
  const row = await testApp.store.db.selectFrom('mec_folio').select('attempts_used').where('folio', '=', folio).executeTakeFirstOrThrow();
  t.equal(row.attempts_used, 3);
});

t.test('production: access after 10 in test, payment activates 24 h / 48 h later by the service clock', async (t) => {
  const testApp = await buildTestApp({ METMEC_WORKER: 'false' });
  t.teardown(testApp.close);
  const { app, clock } = testApp;
  const inst = await seedMecInstitution(testApp);
  const prod = basicAuth(inst.prodUsuario, inst.prodPassword);
  const refused = await app.inject({ method: 'POST', url: '/api/v1/mec/folios', headers: prod, payload: { certificados: 5 } });
  t.equal(refused.statusCode, 409, 'no production folios before access is granted');
  const grant = await app.inject({ method: 'POST', url: `/api/v1/admin/institutions/${inst.cveInstitucion}/mec/produccion`, headers: adminHeaders() });
  t.equal(grant.statusCode, 409, 'refused before 10 certificates are authenticated in test');
  t.match(grant.json().error, { expected: 10, found: 0 });

  await testApp.store.db.updateTable('institution').set({ mec_production_granted_at: clock.now() }).where('cve_institucion', '=', inst.cveInstitucion).execute();
  const folio = (await app.inject({ method: 'POST', url: '/api/v1/mec/folios', headers: prod, payload: { certificados: 5 } })).json();
  t.match(folio, { environment: 'prod', state: 'pending-payment', payment: { method: null } });
  t.match(folio.payment.lineaCaptura, /^\d{20}$/);

  const paid = (await app.inject({ method: 'POST', url: `/api/v1/mec/folios/${folio.folio}/pago`, headers: prod, payload: { metodo: 'linea-de-captura' } })).json();
  t.equal(paid.state, 'paid');
  t.equal(new Date(paid.payment.activeFrom).getTime() - new Date(paid.payment.paidAt).getTime(), 48 * 3_600_000);
  const early = await app.inject({ method: 'POST', url: `/api/v1/mec/folios/${folio.folio}/cargas`, headers: { ...prod, 'content-type': 'application/zip' }, payload: Buffer.from('PK') });
  t.equal(early.statusCode, 409);
  t.match(early.json().error.message, /activates at/);
  clock.advance(48 * 3_600_000);
  const active = (await app.inject({ method: 'GET', url: `/api/v1/mec/folios/${folio.folio}`, headers: prod })).json();
  t.equal(active.state, 'active', 'active once the service clock passes the activation time');
  const twice = await app.inject({ method: 'POST', url: `/api/v1/mec/folios/${folio.folio}/pago`, headers: prod, payload: { metodo: 'tarjeta' } });
  t.equal(twice.statusCode, 409);

  const qa = basicAuth(inst.usuario, inst.password);
  const crossed = await app.inject({ method: 'POST', url: `/api/v1/mec/folios/${folio.folio}/cargas`, headers: { ...qa, 'content-type': 'application/zip' }, payload: Buffer.from('PK') });
  t.equal(crossed.statusCode, 404, 'a test user cannot spend a production attempt, nor learn that the folio exists');
  const unknown = await app.inject({ method: 'POST', url: '/api/v1/mec/folios/F9999999/cargas', headers: { ...qa, 'content-type': 'application/zip' }, payload: Buffer.from('PK') });
  t.same(crossed.json().error, { ...unknown.json().error, message: unknown.json().error.message.replace('F9999999', folio.folio) }, 'the same answer as an unknown folio');
  const unchanged = (await app.inject({ method: 'GET', url: `/api/v1/mec/folios/${folio.folio}`, headers: prod })).json();
  t.equal(unchanged.attempts.used, 0);
});
