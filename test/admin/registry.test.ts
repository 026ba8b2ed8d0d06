import t from 'tap';
import { adminHeaders, basicAuth, buildTestApp } from '../support/app.js';
import { seedInstitution, tituloFor } from '../support/met-scenario.js';
import { mintEfirma } from '../support/pki.js';
import { mexicoCityDate } from '../../src/domain/dates.js';
import type { XmlElement } from '../../src/intake/xml-tree.js';
import { buildTitulo, DEFAULT_PROFESIONISTA, setAttribute, tituloXml } from '../support/titulo-fixture.js';

t.test('the admin API needs the bearer token', async (t) => {
  const { app, close } = await buildTestApp();
  t.teardown(close);
  const none = await app.inject({ method: 'GET', url: '/api/v1/admin/institutions' });
  const wrong = await app.inject({ method: 'GET', url: '/api/v1/admin/institutions', headers: { authorization: 'Bearer not-the-token-at-all' } });
  t.equal(none.statusCode, 401);
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.json().error.code, 'UNAUTHENTICATED');
  const ok = await app.inject({ method: 'GET', url: '/api/v1/admin/institutions', headers: adminHeaders() });
  t.equal(ok.statusCode, 200);
});

t.test('registering institutions, users and signers through the admin API', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app } = testApp;
  const admin = adminHeaders();

  const bad = await app.inject({ method: 'PUT', url: '/api/v1/admin/institutions/12345', headers: admin, payload: { nombre: 'X' } });
  t.equal(bad.statusCode, 400, 'cveInstitucion must be six digits');

  const put = await app.inject({ method: 'PUT', url: '/api/v1/admin/institutions/090009', headers: admin, payload: { nombre: 'UNIVERSIDAD NUEVA' } });
  t.equal(put.statusCode, 200);
  const user = await app.inject({
    method: 'PUT',
    url: '/api/v1/admin/institutions/090009/users/usuariomet.qa9',
    headers: admin,
    payload: { password: 'una-clave-larga', environment: 'qa' },
  });
  t.equal(user.statusCode, 200);

  const fiel = mintEfirma();
  const signer = await app.inject({
    method: 'POST',
    url: '/api/v1/admin/institutions/090009/signers?idCargo=3&cargo=RECTOR',
    headers: { ...admin, 'content-type': 'application/pkix-cert' },
    payload: fiel.cerDer,
  });
  t.equal(signer.statusCode, 201, signer.body);
  t.match(signer.json(), { numeroCertificado: fiel.number, curp: fiel.curp, rfc: fiel.rfc, status: 'active', idCargo: 3, cargo: 'RECTOR' });

  const csd = await app.inject({
    method: 'POST',
    url: '/api/v1/admin/institutions/090009/signers',
    headers: admin,
    payload: { certificateBase64: mintEfirma({ kind: 'CSD' }).cerDer.toString('base64') },
  });
  t.equal(csd.statusCode, 422, 'a CSD is not an e.firma');
  t.match(csd.json().error, { code: 'INVALID', found: 'CSD, persona fisica' });

  const garbage = await app.inject({ method: 'POST', url: '/api/v1/admin/institutions/090009/signers', headers: admin, payload: { certificateBase64: 'AAAA' } });
  t.equal(garbage.statusCode, 422);

  const unknownInstitution = await app.inject({ method: 'POST', url: '/api/v1/admin/institutions/099999/signers', headers: admin, payload: { certificateBase64: fiel.cerDer.toString('base64') } });
  t.equal(unknownInstitution.statusCode, 404);

  const revoke = await app.inject({ method: 'PATCH', url: `/api/v1/admin/institutions/090009/signers/${signer.json().id}`, headers: admin, payload: { status: 'revoked' } });
  t.equal(revoke.json().status, 'revoked');

  const view = await app.inject({ method: 'GET', url: '/api/v1/admin/institutions/090009', headers: admin });
  t.match(view.json(), { nombre: 'UNIVERSIDAD NUEVA', users: [{ usuario: 'usuariomet.qa9', environment: 'qa', active: true }], signers: [{ status: 'revoked' }] });
  t.notOk(JSON.stringify(view.json()).includes('password_hash'), 'hashes never leave the service');
});

t.test('a revoked signer is refused; re-activating it lets the same título register', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app } = testApp;
  const inst = await seedInstitution(testApp);
  const signers = (await app.inject({ method: 'GET', url: `/api/v1/admin/institutions/${inst.cveInstitucion}`, headers: adminHeaders() })).json().signers;
  const id = signers[0].id;
  await app.inject({ method: 'PATCH', url: `/api/v1/admin/institutions/${inst.cveInstitucion}/signers/${id}`, headers: adminHeaders(), payload: { status: 'revoked' } });

  const xml = tituloFor(testApp, inst, 'FOLIO-R');
  const upload = () =>
    app.inject({ method: 'POST', url: '/api/v1/met/lotes?wait=true', headers: { ...basicAuth(inst.usuario, inst.password), 'content-type': 'application/xml' }, payload: xml });
  const refused = (await upload()).json().documents[0];
  t.equal(refused.descripcion, 'Error Bus criptografico: El certificado de Emisor no ha sido registrado o es inválido');
  t.ok(refused.checks.some((c: { code: string; status: string }) => c.code === 'FIRMA-CERT-REGISTRADO' && c.status === 'error'));

  await app.inject({ method: 'PATCH', url: `/api/v1/admin/institutions/${inst.cveInstitucion}/signers/${id}`, headers: adminHeaders(), payload: { status: 'active' } });
  t.equal((await upload()).json().documents[0].estatus, 1);
});

t.test('the emulated RENAPO, when on, checks the graduate', async (t) => {
  const testApp = await buildTestApp({ METMEC_RENAPO: 'true' });
  t.teardown(testApp.close);
  const { app } = testApp;
  const inst = await seedInstitution(testApp);
  const headers = { ...basicAuth(inst.usuario, inst.password), 'content-type': 'application/xml' };
  const upload = async (folio: string) =>
    (await app.inject({ method: 'POST', url: '/api/v1/met/lotes?wait=true', headers, payload: tituloFor(testApp, inst, folio) })).json().documents[0];

  t.equal(
    (await upload('R-1')).descripcion,
    'Validación RENAPO, CURP no válida en el nodo Profesionista: La CURP no se encuentra en la base de datos',
  );
  await app.inject({
    method: 'PUT',
    url: `/api/v1/admin/renapo/${DEFAULT_PROFESIONISTA.curp}`,
    headers: adminHeaders(),
    payload: { nombre: 'JUAN CARLOS', primerApellido: DEFAULT_PROFESIONISTA.primerApellido, segundoApellido: DEFAULT_PROFESIONISTA.segundoApellido },
  });
  const renamed = await upload('R-2');
  t.equal(renamed.descripcion, `Validación RENAPO, nombre no válido en el nodo Profesionista: ${DEFAULT_PROFESIONISTA.nombre}`);
  t.ok(renamed.checks.some((c: { code: string; expected?: string }) => c.code === 'TIT-RENAPO-NOMBRE' && c.expected === 'JUAN CARLOS'));
  await app.inject({ method: 'PUT', url: `/api/v1/admin/renapo/${DEFAULT_PROFESIONISTA.curp}`, headers: adminHeaders(), payload: DEFAULT_PROFESIONISTA });
  t.equal((await upload('R-3')).estatus, 1);
});

t.test('a seed document is applied whole or not at all', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app } = testApp;
  const fiel = mintEfirma();
  const seed = {
    institutions: [
      {
        cveInstitucion: '140349',
        nombre: 'UNIVERSIDAD SEMILLA',
        users: [{ usuario: 'usuariomet.qa140349', password: 'semilla-qa-1', environment: 'qa' }],
        signers: [{ certificateBase64: fiel.cerDer.toString('base64'), idCargo: 1, cargo: 'DIRECTOR' }],
      },
    ],
  };
  const broken = structuredClone(seed);
  broken.institutions.push({ cveInstitucion: '150840', nombre: 'OTRA', users: [], signers: [{ certificateBase64: 'bm90IGEgY2VydA==', idCargo: 1, cargo: 'DIRECTOR' }] });
  const refused = await app.inject({ method: 'POST', url: '/api/v1/admin/seed', headers: adminHeaders(), payload: broken });
  t.equal(refused.statusCode, 422);
  const list = await app.inject({ method: 'GET', url: '/api/v1/admin/institutions', headers: adminHeaders() });
  t.same(list.json(), [], 'nothing of the broken seed was kept');

  const pathNotAllowed = await app.inject({ method: 'POST', url: '/api/v1/admin/seed', headers: adminHeaders(), payload: { institutions: [{ ...seed.institutions[0], signers: [{ cer: '/etc/passwd' }] }] } });
  t.equal(pathNotAllowed.statusCode, 422, 'the API never reads server files named in a seed');

  const applied = await app.inject({ method: 'POST', url: '/api/v1/admin/seed', headers: adminHeaders(), payload: seed });
  t.same(applied.json(), { institutions: 1, users: 1, signers: 1, authorityCertificates: 0, renapo: 0, campuses: 0, planes: 0 });
  const login = await app.inject({ method: 'GET', url: '/api/v1/met/lotes/1', headers: basicAuth('usuariomet.qa140349', 'semilla-qa-1') });
  t.equal(login.statusCode, 404, 'the seeded user logs in (and has no lote 1)');
});

t.test('an Autenticacion node is verified once its authority certificate is trusted', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app } = testApp;
  const inst = await seedInstitution(testApp);
  const authority = mintEfirma({ name: 'AUTORIDAD EDUCATIVA ESTATAL DE PRUEBAS' });
  const today = mexicoCityDate(testApp.clock.now());
  const titulo = (folio: string) =>
    buildTitulo({
      today,
      signers: [inst.signer],
      authority,
      edit: (v) => {
        v.root['folioControl'] = folio;
      },
    }).root;
  const headers = { ...basicAuth(inst.usuario, inst.password), 'content-type': 'application/xml' };
  const upload = async (root: XmlElement) =>
    (await app.inject({ method: 'POST', url: '/api/v1/met/lotes?wait=true', headers, payload: tituloXml(root) })).json().documents[0];
  const autSello = (doc: { checks: Array<{ code: string; status: string }> }) => doc.checks.find((c) => c.code === 'AUT-SELLO')?.status;

  const untrusted = await upload(titulo('AUT-1'));
  t.equal(untrusted.estatus, 1, 'an unknown authority does not block registration');
  t.equal(autSello(untrusted), 'skipped', '…but is recorded as unchecked');

  const trust = await app.inject({ method: 'POST', url: '/api/v1/admin/authority-certificates', headers: { ...adminHeaders(), 'content-type': 'application/pkix-cert' }, payload: authority.cerDer });
  t.equal(trust.statusCode, 201);
  t.same(trust.json(), { numeroCertificado: authority.number });

  const verified = await upload(titulo('AUT-2'));
  t.equal(autSello(verified), 'ok');
  const tampered = setAttribute(titulo('AUT-3'), 'Autenticacion', 'fechaAutenticacion', '2024-01-03T10:30:00');
  const refused = await upload(tampered);
  t.equal(autSello(refused), 'error');
  t.equal(refused.estatus, 2);
});

t.test('the OpenAPI document describes the REST API', async (t) => {
  const { app, close } = await buildTestApp();
  t.teardown(close);
  const docs = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(docs.statusCode, 200);
  const paths = Object.keys(docs.json().paths);
  for (const path of ['/api/v1/met/lotes', '/api/v1/met/lotes/{numeroLote}', '/api/v1/admin/seed', '/api/v1/admin/lotes']) t.ok(paths.includes(path), path);
  t.notOk(paths.some((p) => p.startsWith('/met-ws')), 'the SOAP service is described by its WSDL, not here');
});
