/**
 * The MEC endpoint's HTTP side in the whole app: where the WSDL is served, which POSTs reach the
 * service, and that only a malformed, schema-invalid or oversized envelope gets a fault.
 */
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { buildTestApp } from '../support/app.js';
import { seedInstitution } from '../support/met-scenario.js';
import { MEC_WSDL_PATH, mecEnvelope, SEP_NS, SOAP_ENV } from '../support/mec-soap.js';

const OPEN = `<env:Envelope xmlns:env="${SOAP_ENV}"><env:Header/><env:Body>`;
const CLOSE = '</env:Body></env:Envelope>';
const MAX_UPLOAD = 1024;

// One app for the file; maxEnvelopeBytes follows the upload cap: 4/3 of it (base64) plus 64 KiB.
const testApp = await buildTestApp({ METMEC_WORKER: 'false', METMEC_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) });
t.teardown(() => testApp.close());
const { app } = testApp;

function isFault(body: string, code: string, re: RegExp): boolean {
  return body.startsWith(`${OPEN}<env:Fault><faultcode>env:${code}</faultcode><faultstring>`) && re.test(body);
}

t.test('the WSDL on every URL shape, its address from the Host header', async (t) => {
  for (const url of [MEC_WSDL_PATH, '/mec-ws/services/CertificadosElectronicos?wsdl', '/mec-ws/services?WSDL', '/mec-ws/services/?wsdl']) {
    const res = await app.inject({ method: 'GET', url, headers: { host: 'mec.example.test:8443' } });
    t.equal(res.statusCode, 200, url);
    t.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
    t.match(res.body, '<wsdl:portType name="CertificadosPortType">');
    t.match(res.body, '<soap:address location="http://mec.example.test:8443/mec-ws/services/"/>', url);
  }
  const hostile = await app.inject({ method: 'GET', url: MEC_WSDL_PATH, headers: { host: 'bad host"<' } });
  t.match(hostile.body, 'location="http://localhost/mec-ws/services/"', 'a hostile Host header is not echoed');
  const other = await app.inject({ method: 'GET', url: '/mec-ws/services/CertificadosElectronicos' });
  t.equal(other.statusCode, 405);
  t.ok(isFault(other.body, 'Client', /POST/));
  const met = await app.inject({ method: 'GET', url: '/met-ws/services/TitulosElectronicos.wsdl' });
  t.match(met.body, 'TitulosPortType', 'the MET WSDL is still served beside it');
});

t.test('POST on any path under /mec-ws/services, any Content-Type: dispatched on the body', async (t) => {
  const inst = await seedInstitution(testApp);
  const payload = mecEnvelope('consultaFolio', '<sch:folio>P1</sch:folio>', inst.usuario, inst.password);
  const expected = `${OPEN}<consultaFolioResponse xmlns="${SEP_NS}"><folio>P1</folio>` +
    `<mensaje>El folio P1 no existe para la Institución Educativa.</mensaje></consultaFolioResponse>${CLOSE}`;
  for (const [url, headers] of [
    ['/mec-ws/services', { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' }],
    ['/mec-ws/services/', { 'content-type': 'text/xml' }],
    ['/mec-ws/services/CertificadosElectronicos', { 'content-type': 'application/soap+xml' }],
    ['/mec-ws/services/CertificadosElectronicos.wsdl', { 'content-type': 'application/json', soapaction: 'x' }],
    ['/mec-ws/services/a/b', {}],
  ] as Array<[string, Record<string, string>]>) {
    const res = await testApp.app.inject({ method: 'POST', url, headers, payload });
    t.equal(res.statusCode, 200, url);
    t.equal(res.body, expected, `${url}: exact bytes`);
  }
  const gzipped = await testApp.app.inject({
    method: 'POST', url: '/mec-ws/services/', headers: { 'content-type': 'text/xml', 'content-encoding': 'gzip' }, payload: gzipSync(payload),
  });
  t.equal(gzipped.body, expected, 'a gzip body is inflated');

  const denied = await testApp.app.inject({
    method: 'POST', url: '/mec-ws/services/',
    payload: mecEnvelope('cargaCertificadoElectronico', '<sch:folio>P1</sch:folio><sch:nombreArchivo>a.zip</sch:nombreArchivo><sch:archivoBase64>UEsFBg==</sch:archivoBase64>', inst.usuario, 'mal'),
  });
  t.equal(denied.body, `${OPEN}<cargaCertificadoElectronicoResponse xmlns="${SEP_NS}"><mensaje>Usuario o contraseña incorrectos.</mensaje></cargaCertificadoElectronicoResponse>${CLOSE}`,
    'a failed login is an answer, not a fault');
});

t.test('faults only for malformed, schema-invalid or oversized envelopes', async (t) => {
  const post = (payload: string | Buffer, headers: Record<string, string> = { 'content-type': 'text/xml' }) =>
    app.inject({ method: 'POST', url: '/mec-ws/services/', headers, payload });

  let res = await post('<soapenv:Envelope');
  t.equal(res.statusCode, 500);
  t.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
  t.ok(isFault(res.body, 'Client', /Malformed XML/), res.body);
  res = await post('<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>');
  t.ok(isFault(res.body, 'VersionMismatch', /SOAP 1\.1 only/), res.body);
  res = await post(mecEnvelope('cargaTituloElectronico', '<sch:nombreArchivo>a.xml</sch:nombreArchivo><sch:archivoBase64>QUJD</sch:archivoBase64>', 'u', 'p'));
  t.ok(isFault(res.body, 'Client', /Unknown operation: \{http:\/\/ws\.web\.mec\.sep\.mx\/schemas\}cargaTituloElectronicoRequest/), 'a títulos operation is not a certificados one');
  res = await post(mecEnvelope('cargaCertificadoElectronico', '<sch:folio>P1</sch:folio><sch:nombreArchivo>a</sch:nombreArchivo><sch:archivoBase64>QUJD</sch:archivoBase64>', 'u', 'p'));
  t.ok(isFault(res.body, 'Client', /nombreArchivo must be 2 to 100 characters long \(got 1\)/), res.body);
  res = await post(mecEnvelope('cargaCertificadoElectronico', '<sch:nombreArchivo>a.zip</sch:nombreArchivo><sch:archivoBase64>QUJD</sch:archivoBase64>', 'u', 'p'));
  t.ok(isFault(res.body, 'Client', /Missing required element folio in cargaCertificadoElectronicoRequest/), res.body);
  res = await post(mecEnvelope('descargaCertificadoElectronico', '<sch:numeroLote>uno</sch:numeroLote>', 'u', 'p'));
  t.ok(isFault(res.body, 'Client', /numeroLote must be an xs:integer/), res.body);

  const big = mecEnvelope('cargaCertificadoElectronico',
    `<sch:folio>P1</sch:folio><sch:nombreArchivo>a.zip</sch:nombreArchivo><sch:archivoBase64>${'A'.repeat(100_000)}</sch:archivoBase64>`, 'u', 'p');
  res = await post(big);
  t.equal(res.statusCode, 500);
  t.equal(res.headers['connection'], 'close');
  t.ok(isFault(res.body, 'Client', /exceeds the maximum size of \d+ bytes \(Content-Length \d+\)/), res.body);

  const toMet = await app.inject({ method: 'POST', url: '/met-ws/services/', payload: mecEnvelope('consultaFolio', '<sch:folio>P1</sch:folio>', 'u', 'p') });
  t.ok(isFault(toMet.body, 'Client', /Unknown operation: .*consultaFolioRequest/), 'the MET endpoint does not answer MEC operations');
});
