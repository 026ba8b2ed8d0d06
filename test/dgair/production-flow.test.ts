import t from 'tap';
import { verify, X509Certificate } from 'node:crypto';
import { cadenaAutenticacion } from '../../src/domain/titulos/cadena.js';
import { mexicoCityDateTimeText } from '../../src/domain/dates.js';
import { attr, type XmlElement } from '../../src/intake/xml-tree.js';
import { parseSafeXml } from '../../src/intake/xml.js';
import { allText, pdfPages } from '../documents/pdf-inspect.js';
import { adminHeaders, buildTestApp } from '../support/app.js';
import { credentials, registerTitulos } from '../support/dgair-scenario.js';
import { readZipEntries } from '../support/zip-entries.js';
import { seedInstitution } from '../support/met-scenario.js';

const HOUR = 3_600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function parse(xml: Buffer | string): XmlElement {
  const parsed = parseSafeXml(Buffer.from(xml));
  if (!parsed.ok) throw new Error(parsed.error.explanation);
  return parsed.root;
}
const child = (root: XmlElement, name: string): XmlElement => {
  const found = root.children.find((c) => c.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};

t.test('production: solicitud → card payment → active 24 h later → sealed XML, constancia, verification', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const { app, clock } = testApp;
  const inst = await seedInstitution(testApp);
  const prod = credentials(inst, 'prod');
  await registerTitulos(t, testApp, inst, ['DG-1', 'DG-2', 'DG-3'], { environment: 'prod' });

  const created = await app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: prod, payload: { folioControl: ['DG-1', 'DG-2', 'DG-3'] } });
  t.equal(created.statusCode, 201, created.body);
  const solicitud = created.json();
  t.match(solicitud, { environment: 'prod', cveInstitucion: inst.cveInstitucion, state: 'pending-payment', payment: { method: null, paidAt: null, activeFrom: null } });
  t.match(solicitud.numero, /^A\d{7}$/);
  t.match(solicitud.payment.lineaCaptura, /^\d{20}$/);
  t.equal(created.headers.location, `/api/v1/dgair/solicitudes/${solicitud.numero}`);
  t.same(solicitud.titulos.map((x: { estatus: string }) => x.estatus), ['pendiente', 'pendiente', 'pendiente']);
  const url = `/api/v1/dgair/solicitudes/${solicitud.numero}`;

  const early = await app.inject({ method: 'GET', url: `${url}/titulos.zip`, headers: prod });
  t.equal(early.statusCode, 409, 'nothing to download before processing');
  t.match(early.json().error, { code: 'REFUSED', state: 'pending-payment' });

  const paid = await app.inject({ method: 'POST', url: `${url}/pago`, headers: prod, payload: { metodo: 'tarjeta' } });
  t.equal(paid.statusCode, 200, paid.body);
  const payment = paid.json().payment;
  t.match(paid.json(), { state: 'paid', payment: { method: 'tarjeta' } });
  t.equal(Date.parse(payment.activeFrom) - Date.parse(payment.paidAt), 24 * HOUR, 'a card payment activates 24 h later');
  const twice = await app.inject({ method: 'POST', url: `${url}/pago`, headers: prod, payload: { metodo: 'linea-de-captura' } });
  t.equal(twice.statusCode, 409, 'paid once');
  t.match(twice.json().error.message, /already paid/);

  clock.advance(HOUR);
  const cancel = await app.inject({ method: 'POST', url: '/api/v1/met/titulos/DG-3/cancelacion', headers: prod, payload: { motCancelacion: 'R5' } });
  t.equal(cancel.statusCode, 200, 'DG-3 is cancelled before the solicitud activates');

  clock.advance(22 * HOUR);
  const at23 = (await app.inject({ method: 'GET', url, headers: prod })).json();
  t.equal(at23.state, 'paid', 'not active at +23 h');
  t.same(at23.titulos.map((x: { estatus: string }) => x.estatus), ['pendiente', 'pendiente', 'pendiente']);

  clock.advance(HOUR);
  const done = (await app.inject({ method: 'GET', url, headers: prod })).json();
  t.equal(done.state, 'processed', 'processed on the first read at +24 h');
  t.same(done.counts, { titulos: 3, autenticados: 2, rechazados: 1 });
  const [one, two, three] = done.titulos;
  t.match(one, { folioControl: 'DG-1', estatus: 'autenticado', motivo: null });
  t.match(two, { folioControl: 'DG-2', estatus: 'autenticado' });
  t.match(three, { folioControl: 'DG-3', estatus: 'rechazado', folioDigital: null, motivo: { code: 'DGAIR-CANCELLED' } });
  t.match(one.folioDigital, UUID);
  t.not(one.folioDigital, two.folioDigital);
  t.equal(one.fechaAutenticacion, mexicoCityDateTimeText(new Date(payment.activeFrom)), 'fechaAutenticacion is the activation time, Mexico City');

  const again = (await app.inject({ method: 'GET', url, headers: prod })).json();
  t.same(again.titulos, done.titulos, 'reading again changes nothing');
  const stored = await testApp.store.db.selectFrom('titulo_autenticacion').select('folio_digital').execute();
  t.equal(stored.length, 2, 'one authentication per título');

  // The sealed XML and the authority certificate anyone can download.
  const xml = await app.inject({ method: 'GET', url: `/api/v1/dgair/titulos/${one.folioDigital}.xml`, headers: prod });
  t.equal(xml.statusCode, 200);
  t.match(xml.headers['content-type'], /^application\/xml/);
  const root = parse(xml.rawPayload);
  t.same(root.children.map((c) => c.name), ['FirmaResponsables', 'Institucion', 'Carrera', 'Profesionista', 'Expedicion', 'Antecedente', 'Autenticacion']);
  const node = child(root, 'Autenticacion');
  const a = (name: string) => attr(node, name) ?? '';
  t.equal(a('version'), '1.0');
  t.equal(a('folioDigital'), one.folioDigital);
  t.equal(a('fechaAutenticacion'), one.fechaAutenticacion);
  t.equal(a('selloTitulo'), attr(child(child(root, 'FirmaResponsables'), 'FirmaResponsable'), 'sello'), "selloTitulo is the (one) signer's sello");

  const cer = await app.inject({ method: 'GET', url: '/api/v1/autoridad/certificado.cer' });
  t.equal(cer.statusCode, 200, 'public: no credentials');
  t.equal(cer.headers['content-type'], 'application/pkix-cert');
  const certificate = new X509Certificate(cer.rawPayload);
  t.equal(Buffer.from(certificate.serialNumber, 'hex').toString('latin1'), a('noCertificadoAutoridad'), 'the certificate number (SAT: the serial as ASCII digits) is noCertificadoAutoridad');
  const pem = await app.inject({ method: 'GET', url: '/api/v1/autoridad/certificado.pem' });
  t.match(pem.body, /^-----BEGIN CERTIFICATE-----/);
  t.equal(new X509Certificate(pem.body).fingerprint256, certificate.fingerprint256, 'same certificate as PEM');

  const cadena = `||1.0|${a('folioDigital')}|${a('fechaAutenticacion')}|${a('selloTitulo')}|${a('noCertificadoAutoridad')}||`;
  t.equal(cadenaAutenticacion({ version: a('version'), folioDigital: a('folioDigital'), fechaAutenticacion: a('fechaAutenticacion'), selloTitulo: a('selloTitulo'), noCertificadoAutoridad: a('noCertificadoAutoridad') }), cadena);
  t.ok(verify('sha256', Buffer.from(cadena, 'utf8'), certificate.publicKey, Buffer.from(a('selloAutenticacion'), 'base64')), 'selloAutenticacion verifies with the downloaded certificate');
  t.notOk(verify('sha256', Buffer.from(cadena.replace('|1.0|', '|1.1|'), 'utf8'), certificate.publicKey, Buffer.from(a('selloAutenticacion'), 'base64')), 'and only over that cadena');

  // The constancia, one by one and zipped; the zip of XMLs.
  const pdf = await app.inject({ method: 'GET', url: `/api/v1/dgair/titulos/${one.folioDigital}.pdf`, headers: prod });
  t.equal(pdf.statusCode, 200);
  t.equal(pdf.headers['content-type'], 'application/pdf');
  t.equal(pdf.rawPayload.subarray(0, 4).toString('latin1'), '%PDF');
  const text = allText(pdfPages(pdf.rawPayload));
  t.match(text, one.folioDigital, 'the constancia shows the folioDigital');
  t.match(text.replaceAll('\n', ''), `/api/v1/dgair/verificacion/${one.folioDigital}`, 'and the verification URL of its QR code');

  const zip = await app.inject({ method: 'GET', url: `${url}/titulos.zip`, headers: prod });
  t.equal(zip.statusCode, 200);
  t.equal(zip.headers['content-type'], 'application/zip');
  const xmls = await readZipEntries(zip.rawPayload);
  t.same(xmls.map((e) => e.name), ['DG-1.xml', 'DG-2.xml'], 'authenticated títulos only, named by folioControl');
  t.same(xmls[0]?.data, xml.rawPayload, 'the same XML as the single download');
  const constancias = await readZipEntries((await app.inject({ method: 'GET', url: `${url}/constancias.zip`, headers: prod })).rawPayload);
  t.same(constancias.map((e) => e.name), ['DG-1.pdf', 'DG-2.pdf']);
  t.match(allText(pdfPages(constancias[1]!.data)), two.folioDigital);

  // Public verification (the QR's target) and the operators' view.
  const verification = await app.inject({ method: 'GET', url: `/api/v1/dgair/verificacion/${one.folioDigital}` });
  t.equal(verification.statusCode, 200, verification.body);
  t.match(verification.json(), { folioDigital: one.folioDigital, estatus: 'autenticado', folioControl: 'DG-1', institucion: { cveInstitucion: inst.cveInstitucion }, environment: 'prod' });
  const unknown = await app.inject({ method: 'GET', url: '/api/v1/dgair/verificacion/00000000-0000-4000-8000-000000000000' });
  t.equal(unknown.statusCode, 404);

  const noToken = await app.inject({ method: 'GET', url: '/api/v1/admin/dgair/solicitudes' });
  t.equal(noToken.statusCode, 401);
  const listed = await app.inject({ method: 'GET', url: `/api/v1/admin/dgair/solicitudes?cveInstitucion=${inst.cveInstitucion}&environment=prod`, headers: adminHeaders() });
  t.equal(listed.statusCode, 200, listed.body);
  t.match(listed.json(), { items: [{ numero: solicitud.numero, state: 'processed', counts: { autenticados: 2 } }], next: null });
  const none = await app.inject({ method: 'GET', url: `/api/v1/admin/dgair/solicitudes?cveInstitucion=${inst.cveInstitucion}&environment=qa`, headers: adminHeaders() });
  t.same(none.json().items, []);
  const detail = await app.inject({ method: 'GET', url: `/api/v1/admin/dgair/titulos/${two.folioDigital}`, headers: adminHeaders() });
  t.equal(detail.statusCode, 200);
  t.match(detail.json(), { folioDigital: two.folioDigital, folioControl: 'DG-2', cveInstitucion: inst.cveInstitucion, solicitudes: [solicitud.numero], titulo: { cancelledAt: null } });
});
