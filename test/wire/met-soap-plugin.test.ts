import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import t from 'tap';
import Fastify, { type FastifyInstance } from 'fastify';
import { metSoapPlugin } from '../../src/wire/met/soap-plugin.js';
import { FakeMetService, USER } from './met-fake-service.js';

const ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const SCH = 'http://ws.web.mec.sep.mx/schemas';
const MAX = 64 * 1024;

function consulta(lote = '143041', prefix = 'soapenv'): string {
  return `<${prefix}:Envelope xmlns:${prefix}="${ENV}" xmlns:sch="${SCH}"><${prefix}:Body><sch:consultaProcesoTituloElectronicoRequest>` +
    `<sch:numeroLote>${lote}</sch:numeroLote><sch:autenticacion><sch:usuario>${USER.usuario}</sch:usuario>` +
    `<sch:password>${USER.password}</sch:password></sch:autenticacion></sch:consultaProcesoTituloElectronicoRequest></${prefix}:Body></${prefix}:Envelope>`;
}

function carga(b64: string): string {
  return `<soapenv:Envelope xmlns:soapenv="${ENV}" xmlns:sch="${SCH}"><soapenv:Body><sch:cargaTituloElectronicoRequest>` +
    `<sch:nombreArchivo>lote.zip</sch:nombreArchivo><sch:archivoBase64>${b64}</sch:archivoBase64><sch:autenticacion>` +
    `<sch:usuario>${USER.usuario}</sch:usuario><sch:password>${USER.password}</sch:password></sch:autenticacion>` +
    '</sch:cargaTituloElectronicoRequest></soapenv:Body></soapenv:Envelope>';
}

async function build(t: { teardown(fn: () => unknown): void }, service = new FakeMetService()): Promise<{ app: FastifyInstance; service: FakeMetService; logs: string[] }> {
  const logs: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, cb) { logs.push(chunk.toString()); cb(); } });
  const app = Fastify({ logger: { level: 'error', stream } });
  await app.register(metSoapPlugin, { service, maxEnvelopeBytes: MAX });
  await app.ready();
  t.teardown(() => app.close());
  return { app, service, logs };
}

function isFault(body: string, code: string, re: RegExp): boolean {
  return body.startsWith(`<env:Envelope xmlns:env="${ENV}"><env:Header/><env:Body><env:Fault><faultcode>env:${code}</faultcode><faultstring>`) &&
    re.test(body);
}

t.test('WSDL: production by default, QA by Host or query, on every URL shape', async (t) => {
  const { app } = await build(t);
  for (const url of ['/met-ws/services/TitulosElectronicos.wsdl', '/met-ws/services/TitulosElectronicos?wsdl', '/met-ws/services?WSDL', '/met-ws/services/?wsdl']) {
    const res = await app.inject({ method: 'GET', url, headers: { host: 'met.example.test:8443' } });
    t.equal(res.statusCode, 200, url);
    t.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
    t.match(res.body, 'cancelarTituloInstitucion', `${url}: production variant`);
    t.match(res.body, '<soap:address location="http://met.example.test:8443/met-ws/services/"/>');
  }
  const qaHost = await app.inject({ method: 'GET', url: '/met-ws/services/TitulosElectronicos.wsdl', headers: { host: 'metqa.siged.local' } });
  t.notMatch(qaHost.body, 'cancelarTituloInstitucion', 'metqa host → QA');
  const qaQuery = await app.inject({ method: 'GET', url: '/met-ws/services/TitulosElectronicos.wsdl?variant=qa' });
  t.notMatch(qaQuery.body, 'cancelarTituloInstitucion', 'variant=qa → QA');
  const forced = await app.inject({ method: 'GET', url: '/met-ws/services/TitulosElectronicos.wsdl?variant=prod', headers: { host: 'metqa.x' } });
  t.match(forced.body, 'cancelarTituloInstitucion', 'variant=prod wins over the host');
  const https = await app.inject({ method: 'GET', url: '/met-ws/services/TitulosElectronicos.wsdl', headers: { host: 'bad host"<' } });
  t.match(https.body, 'location="http://localhost/met-ws/services/"', 'a hostile Host header is not echoed');

  const other = await app.inject({ method: 'GET', url: '/met-ws/services/TitulosElectronicos' });
  t.equal(other.statusCode, 405);
  t.equal(other.headers['allow'], 'POST');
  t.ok(isFault(other.body, 'Client', /POST/));
  const put = await app.inject({ method: 'PUT', url: '/met-ws/services/', payload: consulta() });
  t.equal(put.statusCode, 405);
  t.ok(isFault(put.body, 'Client', /POST/));
});

t.test('POST on any path under /met-ws/services, any Content-Type, any SOAPAction', async (t) => {
  const { app, service } = await build(t);
  await service.carga(USER, 'ab.xml', Buffer.from('x'));
  const cases: Array<[string, Record<string, string>]> = [
    ['/met-ws/services', { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' }],
    ['/met-ws/services/', { 'content-type': 'text/xml' }],
    ['/met-ws/services/TitulosElectronicos', { 'content-type': 'application/soap+xml; charset=utf-8' }],
    ['/met-ws/services/TitulosElectronicos.wsdl', { 'content-type': 'application/json', soapaction: 'whatever' }],
    ['/met-ws/services/a/b/c', { 'content-type': 'application/octet-stream' }],
    ['/met-ws/services/', {}],
  ];
  for (const [url, headers] of cases) {
    const res = await app.inject({ method: 'POST', url, headers, payload: consulta() });
    t.equal(res.statusCode, 200, `${url} ${headers['content-type'] ?? '(no content-type)'}`);
    t.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
    t.match(res.body, '<consultaProcesoTituloElectronicoResponse xmlns="http://ws.web.mec.sep.mx/schemas"><numeroLote>143041</numeroLote><estatusLote>');
  }
});

t.test('faults: malformed, empty, SOAP 1.2, unknown operation, bad Content-Type header', async (t) => {
  const { app } = await build(t);
  const post = (payload: string, headers: Record<string, string> = { 'content-type': 'text/xml' }) =>
    app.inject({ method: 'POST', url: '/met-ws/services/', headers, payload });
  let res = await post('<soapenv:Envelope');
  t.equal(res.statusCode, 500);
  t.ok(isFault(res.body, 'Client', /Malformed XML/), res.body);
  res = await post('');
  t.ok(isFault(res.body, 'Client', /empty document/), res.body);
  res = await post('<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>');
  t.ok(isFault(res.body, 'VersionMismatch', /SOAP 1\.1 only/), res.body);
  res = await post(`<s:Envelope xmlns:s="${ENV}"><s:Body><x:nada xmlns:x="${SCH}"/></s:Body></s:Envelope>`);
  t.ok(isFault(res.body, 'Client', /Unknown operation: \{http:\/\/ws\.web\.mec\.sep\.mx\/schemas\}nada/), res.body);
  res = await post(consulta(), { 'content-type': 'not a type' });
  t.equal(res.statusCode, 500);
  t.ok(isFault(res.body, 'Client', /Invalid request/), res.body);
});

t.test('an unexpected exception → env:Server fault with a request id, logged, no stack', async (t) => {
  const { app, service, logs } = await build(t);
  service.explode = new Error('database on fire at /secret/path.ts:12');
  const res = await app.inject({ method: 'POST', url: '/met-ws/services/', headers: { 'content-type': 'text/xml' }, payload: consulta() });
  t.equal(res.statusCode, 500);
  t.ok(isFault(res.body, 'Server', /Internal server error; reference req-[0-9a-z]+/), res.body);
  t.notMatch(res.body, 'fire');
  t.notMatch(res.body, 'path.ts');
  const reqId = /reference (req-[0-9a-z]+)/.exec(res.body)?.[1];
  t.ok(logs.some((l) => l.includes('database on fire') && reqId !== undefined && l.includes(reqId)), 'logged with the request id');
});

t.test('size limit: Content-Length checked before buffering', async (t) => {
  const { app } = await build(t);
  const big = carga('A'.repeat(MAX));
  const res = await app.inject({ method: 'POST', url: '/met-ws/services/', headers: { 'content-type': 'text/xml' }, payload: big });
  t.equal(res.statusCode, 500);
  t.equal(res.headers['connection'], 'close');
  t.ok(isFault(res.body, 'Client', new RegExp(`exceeds the maximum size of ${MAX} bytes \\(Content-Length ${Buffer.byteLength(big)}\\)`)), res.body);
  const fits = await app.inject({ method: 'POST', url: '/met-ws/services/', headers: { 'content-type': 'text/xml' }, payload: carga('QUJD'.repeat(1000)) });
  t.equal(fits.statusCode, 200);
});

t.test('compressed bodies: gzip and deflate inflated; bombs and garbage refused', async (t) => {
  const { app, service } = await build(t);
  const body = carga(Buffer.from('hola').toString('base64'));
  for (const [enc, data] of [['gzip', gzipSync(body)], ['deflate', deflateSync(body)], ['x-gzip', gzipSync(body)]] as const) {
    const res = await app.inject({ method: 'POST', url: '/met-ws/services/', headers: { 'content-type': 'text/xml', 'content-encoding': enc }, payload: data });
    t.equal(res.statusCode, 200, enc);
    t.match(res.body, '<numeroLote>');
  }
  t.equal([...service.lotes.values()].at(-1)?.archivo.toString(), 'hola');

  const bomb = gzipSync(carga('A'.repeat(4 * MAX)));
  t.ok(bomb.length < MAX, 'the compressed bomb itself is small');
  const res = await app.inject({ method: 'POST', url: '/met-ws/services/', headers: { 'content-type': 'text/xml', 'content-encoding': 'gzip' }, payload: bomb });
  t.equal(res.statusCode, 500);
  t.ok(isFault(res.body, 'Client', /exceeds the maximum size .*inflated/), res.body);

  const garbage = await app.inject({ method: 'POST', url: '/met-ws/services/', headers: { 'content-type': 'text/xml', 'content-encoding': 'gzip' }, payload: Buffer.from('not gzip') });
  t.ok(isFault(garbage.body, 'Client', /Invalid compressed body \(gzip\)/), garbage.body);
  const unknown = await app.inject({ method: 'POST', url: '/met-ws/services/', headers: { 'content-type': 'text/xml', 'content-encoding': 'compress' }, payload: body });
  t.ok(isFault(unknown.body, 'Client', /Unsupported Content-Encoding: compress/), unknown.body);
});

t.test('size limit while streaming a chunked body (real socket)', async (t) => {
  const { app } = await build(t);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const url = new URL('/met-ws/services/', address);
  const send = (chunks: string[]): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'text/xml', 'transfer-encoding': 'chunked' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
  const small = await send([consulta().slice(0, 100), consulta().slice(100)]);
  t.equal(small.status, 200, 'chunked body within the limit');
  const big = await send(Array.from({ length: 10 }, () => 'A'.repeat(MAX / 4)));
  t.equal(big.status, 500);
  t.ok(isFault(big.body, 'Client', /exceeds the maximum size of \d+ bytes \(chunked\)/), big.body);
});

t.test('the plugin is encapsulated: the rest of the app keeps its JSON parser and error handling', async (t) => {
  const app = Fastify({ logger: false });
  await app.register(metSoapPlugin, { service: new FakeMetService(), maxEnvelopeBytes: MAX });
  app.post('/api/echo', async (request) => request.body);
  t.teardown(() => app.close());
  const json = await app.inject({ method: 'POST', url: '/api/echo', payload: { a: 1 } });
  t.equal(json.statusCode, 200);
  t.same(json.json(), { a: 1 });
  const notFound = await app.inject({ method: 'GET', url: '/elsewhere' });
  t.equal(notFound.statusCode, 404);
  t.match(notFound.headers['content-type'], 'application/json');
});
