import t from 'tap';
import { basicAuth, buildTestApp, adminHeaders } from '../support/app.js';
import { seedInstitution, tituloFor, zipOf } from '../support/met-scenario.js';

t.test('a lote over REST: registered, rejected with every problem, duplicate folio, cancellation', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(() => testApp.close());
  const { app } = testApp;
  const inst = await seedInstitution(testApp);
  const auth = basicAuth(inst.usuario, inst.password);

  const good = tituloFor(testApp, inst, 'FOLIO-A');
  const badCargo = tituloFor(testApp, inst, 'FOLIO-B', (v) => {
    v.firmantes[0]!['cargo'] = 'RECTOR ';
  });
  const zip = await zipOf([
    { name: 'a.xml', content: good },
    { name: 'b.xml', content: badCargo },
    { name: 'c.xml', content: good },
  ]);

  const upload = await app.inject({
    method: 'POST',
    url: '/api/v1/met/lotes?nombreArchivo=lote1.zip&wait=true',
    headers: { ...auth, 'content-type': 'application/zip' },
    payload: zip,
  });
  t.equal(upload.statusCode, 200, upload.body);
  const lote = upload.json();
  t.equal(lote.status, 'processed');
  t.equal(lote.environment, 'qa');
  t.same(lote.counts, { total: 3, registered: 1, rejected: 2 });
  const [a, b, c] = lote.documents;
  t.match(a, { archivo: 'a.xml', estatus: 1, descripcion: 'Título electrónico registrado exitosamente', folioControl: 'FOLIO-A' });
  t.equal(b.estatus, 2);
  t.equal(b.descripcion, 'Nombre de cargo no válido en el nodo FirmaResponsables: RECTOR ');
  const cargo = b.checks.find((x: { code: string; status: string }) => x.code === 'TIT-CAT-CARGO' && x.status === 'error');
  t.match(cargo, { node: 'FirmaResponsable', attribute: 'cargo', expected: 'RECTOR', found: 'RECTOR ' });
  t.match(c, { archivo: 'c.xml', estatus: 2, descripcion: 'Folio de control previamente registrado: FOLIO-A' });
  t.ok(
    c.checks.some((x: { code: string; status: string }) => x.code === 'TIT-FOLIO-LOTE' && x.status === 'error'),
    'the second copy in one zip is rejected as a duplicate inside the lote',
  );

  const again = await app.inject({
    method: 'POST',
    url: '/api/v1/met/lotes?wait=true',
    headers: { ...auth, 'content-type': 'application/xml' },
    payload: good,
  });
  t.equal(again.statusCode, 200);
  t.equal(again.json().documents[0].descripcion, 'Folio de control previamente registrado: FOLIO-A');
  t.equal(again.json().numeroLote, lote.numeroLote + 1, 'numeroLote is one sequence');

  const titulo = await app.inject({ method: 'GET', url: '/api/v1/met/titulos/FOLIO-A', headers: auth });
  t.equal(titulo.statusCode, 200);
  t.match(titulo.json().registrations, [{ status: 'registered', numeroLote: lote.numeroLote }]);

  const badMotivo = await app.inject({
    method: 'POST',
    url: '/api/v1/met/titulos/FOLIO-A/cancelacion',
    headers: auth,
    payload: { motCancelacion: 'X9' },
  });
  t.equal(badMotivo.statusCode, 422);
  const cancel = await app.inject({
    method: 'POST',
    url: '/api/v1/met/titulos/FOLIO-A/cancelacion',
    headers: auth,
    payload: { motCancelacion: 'R3' },
  });
  t.equal(cancel.statusCode, 200, cancel.body);
  const reRegister = await app.inject({
    method: 'POST',
    url: '/api/v1/met/lotes?wait=true',
    headers: { ...auth, 'content-type': 'application/xml' },
    payload: good,
  });
  t.equal(reRegister.json().documents[0].estatus, 1, 'a cancelled folio may be registered again');

  const ops = await app.inject({ method: 'GET', url: `/api/v1/admin/institutions/${inst.cveInstitucion}/titulos/FOLIO-A`, headers: adminHeaders() });
  t.match(ops.json().registrations, [{ status: 'registered' }, { status: 'cancelled', motCancelacion: 'R3' }]);

  const list = await app.inject({ method: 'GET', url: `/api/v1/admin/lotes?cveInstitucion=${inst.cveInstitucion}&limit=2`, headers: adminHeaders() });
  t.equal(list.json().items.length, 2);
  t.ok(list.json().next, 'a next page is offered');
  const page2 = await app.inject({ method: 'GET', url: `/api/v1/admin/lotes?cveInstitucion=${inst.cveInstitucion}&limit=2&before=${list.json().next.before}`, headers: adminHeaders() });
  t.equal(page2.json().items.length, 1);
  t.equal(page2.json().next, null);
});

t.test('credentials: wrong password and unknown user answer the same; QA and production count separately', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(() => testApp.close());
  const inst = await seedInstitution(testApp);
  const xml = tituloFor(testApp, inst, 'FOLIO-P');
  const post = (headers: Record<string, string>) =>
    testApp.app.inject({ method: 'POST', url: '/api/v1/met/lotes', headers: { ...headers, 'content-type': 'application/xml' }, payload: xml });

  const wrong = await post(basicAuth(inst.usuario, 'nope-nope'));
  const unknown = await post(basicAuth('nobody', 'nope-nope'));
  t.equal(wrong.statusCode, 401);
  t.same(wrong.json().error, unknown.json().error);

  const qa = (await post(basicAuth(inst.usuario, inst.password))).json();
  const prod = (await post(basicAuth(inst.prodUsuario, inst.prodPassword))).json();
  t.equal(qa.environment, 'qa');
  t.equal(prod.environment, 'prod');
  t.not(Math.floor(qa.numeroLote / 100000), Math.floor(prod.numeroLote / 100000), 'separate sequences');
  const crossed = await testApp.app.inject({ method: 'GET', url: `/api/v1/met/lotes/${qa.numeroLote}`, headers: basicAuth(inst.prodUsuario, inst.prodPassword) });
  t.equal(crossed.statusCode, 404, 'a QA lote does not exist for the production user');
});

t.test('multipart upload, and clear errors for an empty or unsupported body', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(() => testApp.close());
  const inst = await seedInstitution(testApp);
  const auth = basicAuth(inst.usuario, inst.password);
  const boundary = 'metmec-boundary-7MA4YWxk';
  const xml = tituloFor(testApp, inst, 'FOLIO-M');
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="archivo"; filename="multi.xml"\r\nContent-Type: application/xml\r\n\r\n`),
    Buffer.from(xml),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const multi = await testApp.app.inject({
    method: 'POST',
    url: '/api/v1/met/lotes?wait=true',
    headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: body,
  });
  t.equal(multi.statusCode, 200, multi.body);
  t.match(multi.json(), { nombreArchivo: 'multi.xml', counts: { registered: 1 } });

  const empty = await testApp.app.inject({ method: 'POST', url: '/api/v1/met/lotes', headers: { ...auth, 'content-type': 'application/zip' }, payload: Buffer.alloc(0) });
  t.equal(empty.statusCode, 400);
  t.equal(empty.json().error.code, 'VALIDATION');
  const json = await testApp.app.inject({ method: 'POST', url: '/api/v1/met/lotes', headers: auth, payload: { not: 'a file' } });
  t.equal(json.statusCode, 400);
  const queued = await testApp.app.inject({ method: 'POST', url: '/api/v1/met/lotes', headers: { ...auth, 'content-type': 'application/xml' }, payload: xml });
  t.equal(queued.statusCode, 202);
  t.equal(queued.headers.location, `/api/v1/met/lotes/${queued.json().numeroLote}`);
});

t.test('GET ?wait=true answers as soon as this process finishes the lote, and after waitSeconds otherwise', async (t) => {
  const testApp = await buildTestApp({ METMEC_WORKER: 'false' });
  t.teardown(() => testApp.close());
  const { app } = testApp;
  const inst = await seedInstitution(testApp);
  const auth = basicAuth(inst.usuario, inst.password);
  const queued = await app.inject({ method: 'POST', url: '/api/v1/met/lotes', headers: { ...auth, 'content-type': 'application/xml' }, payload: tituloFor(testApp, inst, 'FOLIO-W') });
  const { numeroLote } = queued.json() as { numeroLote: number };

  const started = performance.now();
  const unprocessed = await app.inject({ method: 'GET', url: `/api/v1/met/lotes/${numeroLote}?wait=true&waitSeconds=1`, headers: auth });
  t.equal(unprocessed.json().status, 'received', 'nobody processed it: the last view, once the wait is over');
  t.ok(performance.now() - started >= 1000, 'after waitSeconds');

  const waiting = app.inject({ method: 'GET', url: `/api/v1/met/lotes/${numeroLote}?wait=true&waitSeconds=30&checks=problems`, headers: auth });
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.ok(await app.services.worker.runOnce(), 'the worker processes it while the request waits');
  const answered = performance.now();
  const processed = await waiting;
  t.match(processed.json(), { status: 'processed', counts: { registered: 1 }, documents: [{ folioControl: 'FOLIO-W', estatus: 1, checks: [] }] });
  t.ok(performance.now() - answered < 200, 'answered at once, not at the next look');
});
