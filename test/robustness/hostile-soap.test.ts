/**
 * Hostile SOAP requests sent to the real service's MET and MEC endpoints: compression bombs, broken
 * or foreign envelopes, bodies over the size cap with and without Content-Length. Each must get an
 * `env:Client` (or `env:VersionMismatch`) fault naming the problem, never an `env:Server` fault, a
 * non-SOAP 500, a dropped connection or a hang; a valid carga must still be registered afterwards.
 * The largest attack (a gzip bomb of gigabytes) runs against the service in a child process, timed
 * and with its peak RSS read.
 */
import { brotliCompressSync, constants, crc32, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import t from 'tap';
import { basicAuth, buildTestApp } from '../support/app.js';
import { seedInstitution, tituloFor } from '../support/met-scenario.js';
import { LONG, recordFigures } from '../support/robustness-figures.js';
import {
  AttackTally, attackPeakMb, cargaEnvelope, consultaEnvelope, MET_SOAP_PATH, rawPost, SEP_NS, SOAP_ENV, soapAnswer, soapUpload, startServiceChild, type Answer, type Credentials,
} from './hostile-support.js';

const MiB = 1024 * 1024;
const tally = new AttackTally();
const largest = { largestAttackRejectMs: 0, largestAttackPeakRssMb: 0 };
t.teardown(() => recordFigures('hostile-soap', { ...tally.figures(), ...largest }));

// The service for the largest attack starts now, while the in-process attacks run (its start-up is slow).
const childCredentials = { usuario: 'usuariomet.qahostilesoap', password: 'hostile-password-2' };
const child = startServiceChild('090001', childCredentials);
child.catch(() => undefined); // awaited (and reported) by the test that uses it
t.teardown(async () => (await child.catch(() => undefined))?.stop());

/** A gzip member of `chunk` repeated `times`, built from full-flushed deflate blocks: never holds the inflated bytes. */
function gzipBomb(prefix: string, chunk: Buffer, times: number): Buffer {
  const head = deflateRawSync(Buffer.from(prefix), { finishFlush: constants.Z_FULL_FLUSH });
  const block = deflateRawSync(chunk, { finishFlush: constants.Z_FULL_FLUSH });
  let crc = crc32(prefix);
  for (let i = 0; i < times; i++) crc = crc32(chunk, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((Buffer.byteLength(prefix) + chunk.length * times) % 2 ** 32, 4);
  return Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03]), head, ...Array.from({ length: times }, () => block), Buffer.from([0x03, 0x00]), trailer]);
}

const CARGA_PREFIX = `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:sch="${SEP_NS}"><soapenv:Body><sch:cargaTituloElectronicoRequest>` +
  '<sch:nombreArchivo>lote.zip</sch:nombreArchivo><sch:archivoBase64>';

function envelope(body: string, env = SOAP_ENV): string {
  return `<soapenv:Envelope xmlns:soapenv="${env}" xmlns:sch="${SEP_NS}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

t.test('hostile SOAP requests to the MET and MEC endpoints', async (t) => {
  // A 1 MiB upload cap keeps the oversized bodies small; the envelope cap follows from it as in production.
  const testApp = await buildTestApp({ METMEC_MAX_UPLOAD_BYTES: String(MiB) });
  t.teardown(() => testApp.close());
  const { app } = testApp;
  const max = app.services.config.maxEnvelopeBytes;
  const inst = await seedInstitution(testApp);
  const credentials: Credentials = { usuario: inst.usuario, password: inst.password };
  const auth = basicAuth(inst.usuario, inst.password);
  const authXml = `<sch:autenticacion><sch:usuario>${inst.usuario}</sch:usuario><sch:password>${inst.password}</sch:password></sch:autenticacion>`;

  const post = async (path: string, payload: Buffer | string, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'text/xml; charset=utf-8', ...headers }, payload });
    return soapAnswer(res.statusCode, res.headers['content-type'] as string | undefined, res.body);
  };
  const client = (pattern: string): RegExp => new RegExp(`^env:Client .*${pattern}`);

  // Each 16 MiB block costs ≈16 KiB compressed: 64 blocks (1 GiB inflated) still fit under the envelope cap, so the inflation cap is what answers.
  const bombTimes = LONG ? 64 : 8;
  const attacks: Array<[string, RegExp, Buffer | string, Record<string, string>]> = [
    [`gzip bomb (${bombTimes * 16} MiB inflated)`, client(`exceeds the maximum size of ${max} bytes \\(descomprimida / inflated\\)`),
      gzipBomb(CARGA_PREFIX, Buffer.alloc(16 * MiB, 0x41), bombTimes), { 'content-encoding': 'gzip' }],
    ['x-gzip bomb', client('inflated\\)'), gzipSync(Buffer.alloc(max + 1, 0x41)), { 'content-encoding': 'x-gzip' }],
    ['deflate bomb', client('inflated\\)'), deflateSync(Buffer.alloc(max + 1, 0x41)), { 'content-encoding': 'deflate' }],
    ['brotli bomb', client('inflated\\)'), brotliCompressSync(Buffer.alloc(max + 1, 0x41), { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } }), { 'content-encoding': 'br' }],
    ['a gzip bomb inside a gzip body', client('Unsupported Content-Encoding: gzip, gzip'), gzipSync(gzipSync(Buffer.alloc(max + 1))), { 'content-encoding': 'gzip, gzip' }],
    ['gzip garbage', client('Invalid compressed body \\(gzip\\)'), Buffer.from('this is not gzip at all'), { 'content-encoding': 'gzip' }],
    ['a truncated gzip body', client('Invalid compressed body \\(gzip\\)'), gzipSync(cargaEnvelope(credentials, 'a.zip', 'QUJD')).subarray(0, 40), { 'content-encoding': 'gzip' }],
    ['an unknown Content-Encoding', client('Unsupported Content-Encoding: compress'), cargaEnvelope(credentials, 'a.zip', 'QUJD'), { 'content-encoding': 'compress' }],
    ['a body over the cap, with Content-Length', client(`exceeds the maximum size of ${max} bytes \\(Content-Length ${max + 1}\\)`), Buffer.alloc(max + 1, 0x41), {}],
    ['a missing Body', client('Missing soap:Body'), `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"><soapenv:Header/></soapenv:Envelope>`, {}],
    ['an empty Body', client('Empty soap:Body'), envelope(''), {}],
    ['a Body in another namespace', client('Missing soap:Body'), `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:x="urn:x"><x:Body><sch:consultaProcesoTituloElectronicoRequest xmlns:sch="${SEP_NS}"/></x:Body></soapenv:Envelope>`, {}],
    ['an Envelope in a foreign namespace', /^env:VersionMismatch .*Invalid Envelope namespace: "urn:not-soap"/, envelope('<x/>', 'urn:not-soap'), {}],
    ['a SOAP 1.2 Envelope', /^env:VersionMismatch .*SOAP 1\.1 only/, envelope('<x/>', 'http://www.w3.org/2003/05/soap-envelope'), {}],
    ['an Envelope without a namespace', /^env:VersionMismatch .*Invalid Envelope namespace: ""/, '<Envelope><Body/></Envelope>', {}],
    ['a root that is not an Envelope', client('Expected a soap:Envelope, got &lt;soapenv:Body&gt;'), `<soapenv:Body xmlns:soapenv="${SOAP_ENV}"/>`, {}],
    ['the operation in a foreign namespace', client('Unknown operation: \\{urn:x\\}cargaTituloElectronicoRequest'),
      envelope(`<x:cargaTituloElectronicoRequest xmlns:x="urn:x">${authXml}</x:cargaTituloElectronicoRequest>`), {}],
    ['the operation without a namespace', client('Unknown operation: \\{\\}cargaTituloElectronicoRequest'),
      envelope(`<cargaTituloElectronicoRequest xmlns="">${authXml}</cargaTituloElectronicoRequest>`), {}],
    ['__proto__ as the operation', client('Unknown operation: \\{http://ws.web.mec.sep.mx/schemas\\}__proto__'), envelope(`<sch:__proto__>${authXml}</sch:__proto__>`), {}],
    ['constructor as the operation', client('Unknown operation: \\{http://ws.web.mec.sep.mx/schemas\\}constructor'), envelope(`<sch:constructor>${authXml}</sch:constructor>`), {}],
    ['not XML', client('Malformed XML'), 'GET / HTTP/1.1\r\n\r\n', {}],
    ['an empty body', client('empty document'), '', {}],
    ['JSON', client('Malformed XML'), '{"cargaTituloElectronico":{}}', {}],
    ['a DOCTYPE with billion laughs', client('DOCTYPE is not allowed'),
      `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${envelope('<sch:consultaProcesoTituloElectronicoRequest>&b;</sch:consultaProcesoTituloElectronicoRequest>')}`, {}],
    ['an external entity', client('DOCTYPE is not allowed'), `<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>${envelope('&x;')}`, {}],
    ['an undeclared entity in usuario', client('unknown entity &amp;xxe;'),
      envelope(`<sch:consultaProcesoTituloElectronicoRequest><sch:numeroLote>1</sch:numeroLote><sch:autenticacion><sch:usuario>&xxe;</sch:usuario><sch:password>x</sch:password></sch:autenticacion></sch:consultaProcesoTituloElectronicoRequest>`), {}],
    ['nesting 10,000 deep', client('nesting too deep'), envelope(`${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`), {}],
    ['5,000 elements', client('too many elements'), envelope(`<sch:consultaProcesoTituloElectronicoRequest>${'<x/>'.repeat(5_000)}</sch:consultaProcesoTituloElectronicoRequest>`), {}],
    ['a duplicate attribute', client('duplicate attribute a'), envelope('<sch:consultaProcesoTituloElectronicoRequest a="1" a="2"/>'), {}],
    ['UTF-16', client('UTF-16 is not supported'), Buffer.from(`\ufeff${consultaEnvelope(credentials, 1)}`, 'utf16le'), {}],
    ['an unsupported declared encoding', client('Unsupported encoding: ebcdic-cp-us'), `<?xml version="1.0" encoding="EBCDIC-CP-US"?>${consultaEnvelope(credentials, 1)}`, {}],
    ['archivoBase64 that is not base64', client('archivoBase64 is not valid xs:base64Binary'), cargaEnvelope(credentials, 'lote.zip', 'QUJD*$%!'), {}],
    ['archivoBase64 with an entity reference', client('reference not allowed &amp;'), cargaEnvelope(credentials, 'lote.zip', 'QU&amp;JD'), {}],
    ['nombreArchivo of 101 characters', client('nombreArchivo must be 2 to 100 characters long \\(got 101\\)'), cargaEnvelope(credentials, 'x'.repeat(101), 'QUJD'), {}],
    ['a usuario of 70,000 bytes', client('Element usuario is too long'), cargaEnvelope({ usuario: 'u'.repeat(70_000), password: 'x' }, 'lote.zip', 'QUJD'), {}],
    ['no autenticacion', client('Missing required element autenticacion'),
      envelope('<sch:cargaTituloElectronicoRequest><sch:nombreArchivo>a.zip</sch:nombreArchivo><sch:archivoBase64>QUJD</sch:archivoBase64></sch:cargaTituloElectronicoRequest>'), {}],
    ['numeroLote past 2^53', client('Element numeroLote is out of range'),
      envelope(`<sch:consultaProcesoTituloElectronicoRequest><sch:numeroLote>99999999999999999999</sch:numeroLote>${authXml}</sch:consultaProcesoTituloElectronicoRequest>`), {}],
  ];
  for (const path of [MET_SOAP_PATH, '/mec-ws/services/']) {
    for (const [name, code, payload, headers] of attacks) {
      // The MEC endpoint has its own operations; envelope-level attacks are the same.
      if (path !== MET_SOAP_PATH && /operation|archivoBase64|nombreArchivo|usuario|autenticacion|numeroLote/.test(name)) continue;
      await tally.expect(t, `${path}: ${name}`, code, () => post(path, payload, headers));
    }
  }

  // Over the cap without Content-Length: chunked over a real socket, in one go and trickled.
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const chunked = (chunks: Iterable<Buffer | string>, headers: Record<string, string> = {}) => async (): Promise<Answer> => {
    const res = await rawPost(`${address}${MET_SOAP_PATH}`, { 'content-type': 'text/xml; charset=utf-8', 'transfer-encoding': 'chunked', ...headers }, chunks, 30_000);
    return soapAnswer(res.status, res.contentType, res.body);
  };
  const big = Buffer.alloc(64 * 1024, 0x41);
  const many = function* (n: number): Generator<Buffer | string> {
    yield CARGA_PREFIX;
    for (let i = 0; i < n; i++) yield big;
  };
  await tally.expect(t, 'chunked body over the cap', client(`exceeds the maximum size of ${max} bytes \\(chunked\\)`), chunked(many(Math.ceil(max / big.length) + 1)));
  await tally.expect(t, 'chunked body far over the cap (the client keeps sending)', client('\\(chunked\\)'), chunked(many(Math.ceil((4 * max) / big.length))));
  await tally.expect(t, 'chunked gzip bomb', client('inflated\\)'), chunked([gzipBomb(CARGA_PREFIX, Buffer.alloc(MiB, 0x41), 16)], { 'content-encoding': 'gzip' }));
  await tally.expect(t, 'chunked gzip body whose compressed bytes pass the cap', client('\\((comprimida / compressed|descomprimida / inflated)\\)'),
    chunked([gzipSync(Buffer.alloc(2 * max, 0x41).map((_, i) => (i * 2654435761) >>> 24), { level: 0 })], { 'content-encoding': 'gzip' }));

  // The service still does its job.
  const valid = await soapUpload(app, credentials, auth, 'valido.xml', Buffer.from(tituloFor(testApp, inst, 'SOAP-OK-1')));
  t.equal(valid.code, '', 'a valid título sent by SOAP is registered');
  const gzipped = await post(MET_SOAP_PATH, gzipSync(consultaEnvelope(credentials, 1)), { 'content-encoding': 'gzip' });
  t.equal(gzipped.code, 'response', 'a gzipped consulta is answered');
  t.equal(tally.crashes, 0, 'no crash');
});

t.test('the largest attack: a gzip bomb envelope against the service in a child process', async (t) => {
  const service = await child;
  const credentials = childCredentials;
  const gib = LONG ? 10 : 2;
  const bomb = gzipBomb(CARGA_PREFIX, Buffer.alloc(16 * MiB, 0x41), gib * 64);
  t.comment(`the bomb: ${(bomb.length / MiB).toFixed(1)} MiB of gzip inflating to ${gib} GiB`);
  const before = await service.memory();
  await tally.expect(t, `gzip bomb of ${gib} GiB (child)`, /^env:Client .*inflated\)/, async () => {
    const res = await rawPost(`${service.url}${MET_SOAP_PATH}`, { 'content-type': 'text/xml; charset=utf-8', 'content-encoding': 'gzip', 'content-length': String(bomb.length) }, [bomb]);
    largest.largestAttackRejectMs = Math.round(res.ms);
    return soapAnswer(res.status, res.contentType, res.body);
  });
  const after = await service.memory();
  largest.largestAttackPeakRssMb = Math.round(attackPeakMb(before, after));
  t.comment(`refused in ${largest.largestAttackRejectMs} ms; RSS before ${before.rssMb.toFixed(0)} MB, sampled peak during ${after.sampledPeakMb.toFixed(0)} MB, kernel high-water ${after.maxRssMb.toFixed(0)} MB`);
  t.ok(after.sampledPeakMb < before.rssMb + 300, `the sampled peak RSS (${after.sampledPeakMb.toFixed(0)} MB) stays within 300 MB of the baseline (${before.rssMb.toFixed(0)} MB)`);
  const consulta = await rawPost(`${service.url}${MET_SOAP_PATH}`, { 'content-type': 'text/xml; charset=utf-8' }, [consultaEnvelope(credentials, 1)]);
  t.equal(soapAnswer(consulta.status, consulta.contentType, consulta.body).code, 'response', 'the service still answers a SOAP consulta afterwards');
});
