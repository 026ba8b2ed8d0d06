import t, { type Test } from 'tap';
import { parseMetEnvelope, MET_BEANS_NS, type MetRequest, type ParseEnvelopeResult } from '../../src/wire/met/envelope.js';

const ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const SCH = 'http://ws.web.mec.sep.mx/schemas';

function envelope(body: string, prefix = 'soapenv', extraNs = `xmlns:sch="${SCH}"`): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<${prefix}:Envelope xmlns:${prefix}="${ENV}" ${extraNs}>` +
      `<${prefix}:Header/><${prefix}:Body>${body}</${prefix}:Body></${prefix}:Envelope>`,
    'utf8');
}

const AUTH = '<sch:autenticacion><sch:usuario>usuariomet.qa1</sch:usuario><sch:password>s3cr&amp;t</sch:password></sch:autenticacion>';

function ok(t: Test, r: ParseEnvelopeResult): MetRequest {
  if (!r.ok) {
    t.fail(`unexpected fault: ${r.fault.faultstring}`);
    throw new Error(r.fault.faultstring);
  }
  return r.request;
}

function fault(t: Test, r: ParseEnvelopeResult, re: RegExp, code = 'Client'): void {
  if (r.ok) {
    t.fail(`expected a fault matching ${re}, got ${r.request.operation}`);
    return;
  }
  t.equal(r.fault.code, code);
  t.match(r.fault.faultstring, re);
}

t.test('carga with soapenv:, soap: and S: prefixes', async (t) => {
  const payload = Buffer.from('<TituloElectronico/>\n', 'utf8');
  for (const prefix of ['soapenv', 'soap', 'S', 'env', 'SOAP-ENV']) {
    const r = ok(t, parseMetEnvelope(envelope(
      `<sch:cargaTituloElectronicoRequest><sch:nombreArchivo>abc.xml</sch:nombreArchivo>` +
        `<sch:archivoBase64>${payload.toString('base64')}</sch:archivoBase64>${AUTH}</sch:cargaTituloElectronicoRequest>`,
      prefix)));
    t.equal(r.operation, 'cargaTituloElectronico', prefix);
    if (r.operation !== 'cargaTituloElectronico') continue;
    t.equal(r.nombreArchivo, 'abc.xml');
    t.same(r.archivo, payload);
    t.same(r.auth, { usuario: 'usuariomet.qa1', password: 's3cr&t' });
  }
});

t.test('default-namespace wrapper with unprefixed children (as node-soap and .NET write it)', async (t) => {
  const r = ok(t, parseMetEnvelope(envelope(
    `<consultaProcesoTituloElectronicoRequest xmlns="${SCH}"><numeroLote> 143041 </numeroLote>` +
      `<autenticacion><usuario>u</usuario><password>p</password></autenticacion></consultaProcesoTituloElectronicoRequest>`,
    'soap', '')));
  t.same(r, { operation: 'consultaProcesoTituloElectronico', numeroLote: 143041, auth: { usuario: 'u', password: 'p' } });
});

t.test('unqualified children are accepted (lenient)', async (t) => {
  const r = ok(t, parseMetEnvelope(envelope(
    `<sch:descargaTituloElectronicoRequest><numeroLote>7</numeroLote>` +
      `<autenticacion><usuario>u</usuario><password>p</password></autenticacion></sch:descargaTituloElectronicoRequest>`)));
  t.same(r, { operation: 'descargaTituloElectronico', numeroLote: 7, auth: { usuario: 'u', password: 'p' } });
});

t.test('usuario/password in the beans namespace are accepted (spec §1.2, U6)', async (t) => {
  const r = ok(t, parseMetEnvelope(envelope(
    `<sch:cancelaTituloElectronicoRequest><sch:folioControl>CBGE17028750</sch:folioControl><sch:motCancelacion>R1</sch:motCancelacion>` +
      `<sch:autenticacion><min:usuario>u</min:usuario><min:password>p</min:password></sch:autenticacion></sch:cancelaTituloElectronicoRequest>`,
    'soapenv', `xmlns:sch="${SCH}" xmlns:min="${MET_BEANS_NS}"`)));
  t.same(r, { operation: 'cancelaTituloElectronico', folioControl: 'CBGE17028750', motCancelacion: 'R1', auth: { usuario: 'u', password: 'p' } });
});

t.test('cancelarTituloInstitucion (one-way, production WSDL)', async (t) => {
  const r = ok(t, parseMetEnvelope(envelope(
    `<sch:cancelarTituloInstitucionRequest><sch:folioControl>F1</sch:folioControl><sch:cveInstitucion>090002</sch:cveInstitucion>` +
      `<sch:motCancelacion>C1</sch:motCancelacion>${AUTH}</sch:cancelarTituloInstitucionRequest>`)));
  t.same(r, {
    operation: 'cancelarTituloInstitucion', folioControl: 'F1', cveInstitucion: '090002', motCancelacion: 'C1',
    auth: { usuario: 'usuariomet.qa1', password: 's3cr&t' },
  });
});

t.test('whitespace, line breaks and whitespace character references inside base64', async (t) => {
  const payload = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
  const b64 = payload.toString('base64');
  const wrapped = (b64.match(/.{1,76}/g) ?? []).join('&#13;\r\n  ');
  const r = ok(t, parseMetEnvelope(envelope(
    `<sch:cargaTituloElectronicoRequest><sch:nombreArchivo>lote.zip</sch:nombreArchivo>` +
      `<sch:archivoBase64>\n  ${wrapped}\n</sch:archivoBase64>${AUTH}</sch:cargaTituloElectronicoRequest>`)));
  t.ok(r.operation === 'cargaTituloElectronico' && r.archivo.equals(payload));
});

t.test('CDATA, entities and character references in small fields; ISO-8859-1 declaration', async (t) => {
  const r = ok(t, parseMetEnvelope(envelope(
    `<sch:cargaTituloElectronicoRequest><sch:nombreArchivo><![CDATA[a&b]]>&#241;&#xF1;.xml</sch:nombreArchivo>` +
      `<sch:archivoBase64><![CDATA[QUJD]]></sch:archivoBase64>${AUTH}</sch:cargaTituloElectronicoRequest>`)));
  t.ok(r.operation === 'cargaTituloElectronico' && r.nombreArchivo === 'a&bññ.xml' && r.archivo.toString() === 'ABC');

  const latin = Buffer.concat([
    Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?><s:Envelope xmlns:s="${ENV}"><s:Body><cancelaTituloElectronicoRequest xmlns="${SCH}"><folioControl>`, 'latin1'),
    Buffer.from('NIÑO', 'latin1'),
    Buffer.from('</folioControl><motCancelacion>R5</motCancelacion><autenticacion><usuario>u</usuario><password>p</password></autenticacion></cancelaTituloElectronicoRequest></s:Body></s:Envelope>', 'latin1'),
  ]);
  const l = ok(t, parseMetEnvelope(latin));
  t.ok(l.operation === 'cancelaTituloElectronico' && l.folioControl === 'NIÑO');
});

t.test('plain base64 (decoded natively) and the same digits wrapped (decoded by the general decoder) give the same bytes', async (t) => {
  const carga = (b64: string) =>
    parseMetEnvelope(envelope(`<sch:cargaTituloElectronicoRequest><sch:nombreArchivo>ab</sch:nombreArchivo><sch:archivoBase64>${b64}</sch:archivoBase64>${AUTH}</sch:cargaTituloElectronicoRequest>`));
  const archivo = (b64: string): Buffer => {
    const r = ok(t, carga(b64));
    return r.operation === 'cargaTituloElectronico' ? Buffer.from(r.archivo) : Buffer.alloc(0);
  };
  // Every padding case, and sizes that cross the native decoder's 64 KiB windows.
  for (const size of [1, 2, 3, 4, 5, 6, 767, 49_152, 49_153, 49_154, 3 * 1024 * 1024 + 1]) {
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i++) payload[i] = (i * 7919 + (i >> 8)) & 0xff;
    const b64 = payload.toString('base64');
    t.ok(archivo(b64).equals(payload), `${size} bytes, plain`);
    t.ok(archivo(b64.replace(/(.{76})/g, '$1\n')).equals(payload), `${size} bytes, wrapped at 76`);
  }
  // Bits past the data in the last digit are ignored by both decoders alike.
  t.same(archivo('QR=='), archivo('QR=\n='), 'non-canonical final digit');
  t.same(archivo('QR=='), Buffer.from('A'));
  // What the native path must leave to the general decoder, which words the fault.
  fault(t, carga('QUJD=QUJD'), /archivoBase64 is not valid xs:base64Binary: .*misplaced "=" padding/);
  fault(t, carga('QUJ=QUJD'), /archivoBase64 is not valid xs:base64Binary: .*data after "=" padding/);
  fault(t, carga('Q==='), /archivoBase64 is not valid xs:base64Binary: .*misplaced "=" padding/);
  fault(t, carga('QUJDR'), /archivoBase64 is not valid xs:base64Binary: .*multiple of 4/);
  fault(t, carga('QU-D'), /archivoBase64 is not valid xs:base64Binary: .*invalid character/);
});

t.test('empty archivoBase64 decodes to an empty buffer; UTF-8 BOM accepted', async (t) => {
  const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), envelope(
    `<sch:cargaTituloElectronicoRequest><sch:nombreArchivo>ab</sch:nombreArchivo><sch:archivoBase64/>${AUTH}</sch:cargaTituloElectronicoRequest>`)]);
  const r = ok(t, parseMetEnvelope(body));
  t.ok(r.operation === 'cargaTituloElectronico' && r.archivo.length === 0);
});

t.test('malformed XML → client fault', async (t) => {
  fault(t, parseMetEnvelope(Buffer.from('')), /empty document/);
  fault(t, parseMetEnvelope(Buffer.from('not xml at all')), /text outside the root/);
  fault(t, parseMetEnvelope(Buffer.from(`<s:Envelope xmlns:s="${ENV}"><s:Body></s:Envelope>`)), /expected <\/s:Body>/);
  fault(t, parseMetEnvelope(Buffer.from(`<s:Envelope xmlns:s="${ENV}"><s:Body>`)), /unclosed element/);
  fault(t, parseMetEnvelope(Buffer.from(`<s:Envelope xmlns:s="${ENV}" a="1" a="2"/>`)), /duplicate attribute/);
  fault(t, parseMetEnvelope(Buffer.from(`<x:Envelope/>`)), /undeclared prefix/);
  fault(t, parseMetEnvelope(Buffer.from(`<s:Envelope xmlns:s="${ENV}"/><again/>`)), /more than one root/);
  fault(t, parseMetEnvelope(envelope(
    `<sch:consultaProcesoTituloElectronicoRequest><sch:numeroLote>1</sch:numeroLote><sch:autenticacion><sch:usuario>a&b</sch:usuario>` +
      `<sch:password>p</sch:password></sch:autenticacion></sch:consultaProcesoTituloElectronicoRequest>`)), /unescaped "&"/);
  fault(t, parseMetEnvelope(envelope(
    `<sch:consultaProcesoTituloElectronicoRequest><sch:numeroLote>1</sch:numeroLote><sch:autenticacion><sch:usuario>&bogus;</sch:usuario>` +
      `<sch:password>p</sch:password></sch:autenticacion></sch:consultaProcesoTituloElectronicoRequest>`)), /unknown entity/);
});

t.test('DOCTYPE → client fault (no entity expansion)', async (t) => {
  const body = Buffer.from(`<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY x "yyyy">]><s:Envelope xmlns:s="${ENV}"><s:Body>&x;</s:Body></s:Envelope>`);
  fault(t, parseMetEnvelope(body), /DOCTYPE is not allowed/);
});

t.test('SOAP 1.2 and foreign roots', async (t) => {
  fault(t, parseMetEnvelope(Buffer.from('<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>')),
    /SOAP 1\.1 only/, 'VersionMismatch');
  fault(t, parseMetEnvelope(Buffer.from('<html><body/></html>')), /Expected a soap:Envelope/);
  fault(t, parseMetEnvelope(envelope('')), /Empty soap:Body/);
  fault(t, parseMetEnvelope(Buffer.from(`<s:Envelope xmlns:s="${ENV}"><s:Header/></s:Envelope>`)), /Missing soap:Body/);
  fault(t, parseMetEnvelope(Buffer.from(`\ufeff`.repeat(0) + '\xff\xfe<', 'latin1')), /UTF-16/);
});

t.test('unknown operation names it', async (t) => {
  fault(t, parseMetEnvelope(envelope('<sch:borraTodoRequest/>')), /Unknown operation: \{http:\/\/ws\.web\.mec\.sep\.mx\/schemas\}borraTodoRequest/);
  fault(t, parseMetEnvelope(envelope('<cargaTituloElectronicoRequest xmlns="urn:other"/>')), /Unknown operation: \{urn:other\}cargaTituloElectronicoRequest/);
});

t.test('schema violations → client fault naming the element', async (t) => {
  const carga = (nombre: string, b64: string, auth = AUTH): Buffer => envelope(
    `<sch:cargaTituloElectronicoRequest>${nombre}<sch:archivoBase64>${b64}</sch:archivoBase64>${auth}</sch:cargaTituloElectronicoRequest>`);
  fault(t, parseMetEnvelope(carga('', 'QUJD')), /Missing required element nombreArchivo in cargaTituloElectronicoRequest/);
  fault(t, parseMetEnvelope(carga('<sch:nombreArchivo>a</sch:nombreArchivo>', 'QUJD')), /nombreArchivo must be 2 to 100 characters long \(got 1\)/);
  fault(t, parseMetEnvelope(carga(`<sch:nombreArchivo>${'x'.repeat(101)}</sch:nombreArchivo>`, 'QUJD')), /got 101/);
  t.ok(parseMetEnvelope(carga(`<sch:nombreArchivo>${'ñ'.repeat(100)}</sch:nombreArchivo>`, 'QUJD')).ok, '100 characters (200 bytes) is fine');
  fault(t, parseMetEnvelope(carga('<sch:nombreArchivo>ab</sch:nombreArchivo>', 'QUJ*')), /archivoBase64 is not valid xs:base64Binary: .*invalid character/);
  fault(t, parseMetEnvelope(carga('<sch:nombreArchivo>ab</sch:nombreArchivo>', 'QUJ')), /multiple of 4/);
  fault(t, parseMetEnvelope(carga('<sch:nombreArchivo>ab</sch:nombreArchivo>', 'Q===')), /misplaced "=" padding/);
  fault(t, parseMetEnvelope(carga('<sch:nombreArchivo>ab</sch:nombreArchivo>', 'QQ==QUJD')), /data after "=" padding/);
  fault(t, parseMetEnvelope(carga('<sch:nombreArchivo>ab</sch:nombreArchivo>', 'QU&#65;D')), /reference not allowed/);
  fault(t, parseMetEnvelope(carga('<sch:nombreArchivo>ab</sch:nombreArchivo>', 'QUJD', '')), /Missing required element autenticacion/);
  fault(t, parseMetEnvelope(carga('<sch:nombreArchivo>ab</sch:nombreArchivo>', 'QUJD',
    '<sch:autenticacion><sch:usuario>u</sch:usuario></sch:autenticacion>')), /Missing required element password in autenticacion/);
  fault(t, parseMetEnvelope(carga('<sch:nombreArchivo>ab</sch:nombreArchivo><sch:nombreArchivo>cd</sch:nombreArchivo>', 'QUJD')),
    /nombreArchivo appears more than once/);

  const consulta = (lote: string): Buffer => envelope(
    `<sch:consultaProcesoTituloElectronicoRequest><sch:numeroLote>${lote}</sch:numeroLote>${AUTH}</sch:consultaProcesoTituloElectronicoRequest>`);
  fault(t, parseMetEnvelope(consulta('12a')), /numeroLote must be an xs:integer/);
  fault(t, parseMetEnvelope(consulta('1.0')), /numeroLote must be an xs:integer/);
  fault(t, parseMetEnvelope(consulta('')), /numeroLote must be an xs:integer/);
  fault(t, parseMetEnvelope(consulta('99999999999999999999')), /out of range/);
  fault(t, parseMetEnvelope(consulta('<x>1</x>')), /must contain text only/);
  const plus = ok(t, parseMetEnvelope(consulta('+0042')));
  t.ok(plus.operation === 'consultaProcesoTituloElectronico' && plus.numeroLote === 42);
});

t.test('nesting and element count are capped', async (t) => {
  const deep = '<a>'.repeat(100) + '</a>'.repeat(100);
  fault(t, parseMetEnvelope(envelope(`<sch:cargaTituloElectronicoRequest>${deep}</sch:cargaTituloElectronicoRequest>`)), /nesting too deep/);
  const many = '<a/>'.repeat(5000);
  fault(t, parseMetEnvelope(envelope(`<sch:cargaTituloElectronicoRequest>${many}</sch:cargaTituloElectronicoRequest>`)), /too many elements/);
  const pieces = 'QUJD<!---->'.repeat(20000);
  fault(t, parseMetEnvelope(envelope(`<sch:cargaTituloElectronicoRequest><sch:archivoBase64>${pieces}</sch:archivoBase64></sch:cargaTituloElectronicoRequest>`)),
    /too many text pieces/);
});

t.test('a 70 MB envelope decodes in place: time and memory', async (t) => {
  const size = 52 * 1024 * 1024; // 52 MiB archive → ~70 MB of base64
  const archive = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) archive.writeUInt32LE((i * 2654435761) >>> 0, i);
  const head = Buffer.from(
    `<soapenv:Envelope xmlns:soapenv="${ENV}" xmlns:sch="${SCH}"><soapenv:Header/><soapenv:Body><sch:cargaTituloElectronicoRequest>` +
      '<sch:nombreArchivo>grande.zip</sch:nombreArchivo><sch:archivoBase64>');
  const tail = Buffer.from(`</sch:archivoBase64>${AUTH}</sch:cargaTituloElectronicoRequest></soapenv:Body></soapenv:Envelope>`);
  const b64Len = 4 * Math.ceil(size / 3);
  const body = Buffer.allocUnsafe(head.length + b64Len + tail.length);
  head.copy(body, 0);
  body.write(archive.toString('base64'), head.length, 'latin1');
  tail.copy(body, head.length + b64Len);
  const expected = archive.subarray(0, 64).toString('hex') + archive.subarray(size - 64).toString('hex');

  global.gc?.();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const r = parseMetEnvelope(body);
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  t.ok(r.ok);
  if (!r.ok || r.request.operation !== 'cargaTituloElectronico') return;
  t.equal(r.request.archivo.length, size);
  t.equal(r.request.archivo.subarray(0, 64).toString('hex') + r.request.archivo.subarray(size - 64).toString('hex'), expected);
  t.equal(r.request.archivo.buffer, body.buffer, 'decoded in place: a view into the body, no copy');
  const extraMb = (after.rss - before.rss) / 1e6;
  t.comment(`envelope ${(body.length / 1e6).toFixed(1)} MB parsed+decoded in ${ms.toFixed(0)} ms; RSS delta ${extraMb.toFixed(1)} MB (arrayBuffers ${((after.arrayBuffers - before.arrayBuffers) / 1e6).toFixed(1)} MB)`);
  t.ok(extraMb < 20, `parsing adds little memory (${extraMb.toFixed(1)} MB)`);
});
